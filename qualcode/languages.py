"""The languages qualcode writes reports, charts and the Word appendix in: spelled once here.

The command line's ``--lang`` choices, the codebook's study language (``language: id``) and the
per-language texts of a codebook (``label: {en: ..., id: ...}``) all come from this list.
"""

from __future__ import annotations

from qualcode.errors import QualcodeError

#: the languages of reports, charts and the Word appendix (ISO 639-1 codes)
LANGUAGES: tuple[str, ...] = ("en", "id")
#: the language used when neither the caller nor the codebook names one
DEFAULT_LANGUAGE = "en"


def check_language(lang: str) -> str:
    """Return ``lang`` if qualcode writes in it.

    Raises
    ------
    QualcodeError
        For another language, naming the ones it knows.
    """
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        raise QualcodeError(msg)
    return lang
