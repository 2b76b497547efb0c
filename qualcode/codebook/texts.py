"""A codebook's texts in one language: what reports, charts and the Word appendix show.

A codebook may give each label and text in several languages (``label: {en: Retain, id:
Mempertahankan}``) and declares its study language (``language: id``); keywords stay as they
are. :func:`localize_codebook` returns the codebook with every text in the language asked for,
falling back to another language's text only where that one is missing, and says which.
:func:`report_codebook` does the same for the writers and warns once about the fallbacks.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

from qualcode.codebook.model import CODE_TEXTS, Codebook
from qualcode.errors import QualcodeWarning
from qualcode.languages import DEFAULT_LANGUAGE, LANGUAGES, check_language

__all__ = ["LANGUAGES", "localize_codebook", "report_codebook", "report_language"]

_NAMES = {"en": {"en": "English", "id": "Indonesian"}, "id": {"en": "Inggris", "id": "Indonesia"}}


class MissingTextWarning(QualcodeWarning):
    """A codebook text is missing in the report's language; another language's text is used."""


def report_language(lang: str | None, codebook: Codebook | None = None) -> str:
    """The language to write in: ``lang`` if given, else the codebook's study language.

    Parameters
    ----------
    lang : str or None
        The language asked for (``--lang``).
    codebook : Codebook, optional
        Its ``language`` is the default.

    Returns
    -------
    str
        One of :data:`qualcode.languages.LANGUAGES` (``"en"`` when neither names one).
    """
    if lang is None:
        lang = (codebook.language if codebook is not None else None) or DEFAULT_LANGUAGE
    return check_language(lang)


def _localize(
    item: Any, keys: tuple[str, ...], lang: str, study: str | None, what: str, missing: list[str]
) -> dict[str, Any]:
    """The texts of ``item`` in ``lang``; what had to fall back is added to ``missing``."""
    out: dict[str, Any] = {}
    for key in keys:
        given = {lg: text for f, lg, text in item.translations if f == key}
        plain = getattr(item, key)
        if lang in given:
            out[key] = given[lang]
        elif given or (plain and study is not None and study != lang and key != "name"):
            missing.append(f"{what} {key}")
            out[key] = plain
        else:
            out[key] = plain
    return out


def localize_codebook(codebook: Codebook, lang: str) -> tuple[Codebook, list[str]]:
    """Return ``codebook`` with its labels and texts in ``lang``, and what is not in ``lang``.

    Parameters
    ----------
    codebook : Codebook
        A codebook whose texts may be given per language.
    lang : {"en", "id"}
        The language wanted.

    Returns
    -------
    Codebook
        Labels, definitions, include and exclude notes, theme labels and descriptions, the
        codebook's name and description in ``lang`` where the codebook has them, else in the
        study language; its ``language`` is ``lang`` and it carries no other translations.
    list of str
        The texts that are not in ``lang`` (``"code 'retain' label"``), empty when all are.
        Plain texts of a codebook that declares no study language are taken as they are.

    Examples
    --------
    >>> crm = read_codebook("codebooks/crm_idic.yaml")  # doctest: +SKIP
    >>> book, missing = localize_codebook(crm, "id")  # doctest: +SKIP
    >>> book.code("retain").label  # doctest: +SKIP
    'Retain: mempertahankan klien'
    """
    check_language(lang)
    study = codebook.language
    missing: list[str] = []
    themes = []
    for theme in codebook.themes:
        codes = tuple(
            replace(
                code,
                translations=(),
                **_localize(code, CODE_TEXTS, lang, study, f"code {code.name!r}", missing),
            )
            for code in theme.codes
        )
        texts = _localize(
            theme, ("label", "description"), lang, study, f"theme {theme.name!r}", missing
        )
        themes.append(replace(theme, codes=codes, translations=(), **texts))
    top = _localize(codebook, ("name", "description"), lang, study, "codebook", missing)
    book = replace(codebook, themes=tuple(themes), language=lang, translations=(), **top)
    return book, missing


def report_codebook(codebook: Codebook, lang: str | None) -> tuple[Codebook, str]:
    """The codebook in the report's language, and that language; warn once about fallbacks.

    Parameters
    ----------
    codebook : Codebook
    lang : str or None
        The language asked for; ``None``: the codebook's study language (else English).

    Returns
    -------
    Codebook
        As :func:`localize_codebook` returns it.
    str
        The language.

    Warns
    -----
    MissingTextWarning
        Once, listing the texts that are not in the language asked for.
    """
    lang = report_language(lang, codebook)
    book, missing = localize_codebook(codebook, lang)
    if missing:
        names = _NAMES["en"]
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        fallback = names.get(codebook.language or "", "other language's")
        msg = (
            f"the codebook has no {names[lang]} text for {len(missing)} text(s) ({shown}); "
            f"the {fallback} text is used there"
        )
        warnings.warn(msg, MissingTextWarning, stacklevel=3)
    return book, lang
