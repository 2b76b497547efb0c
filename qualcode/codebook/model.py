"""The codebook's data classes: themes, codes and sub-codes.

A codebook is the researcher's instrument. It is a tree: themes hold codes, codes may hold
sub-codes. Here the tree is kept flat (each :class:`Code` names its ``theme`` and ``parent``)
and in file order, which is the order used everywhere (tables, charts, Word appendix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import CodebookError

__all__ = ["CODE_TEXTS", "Code", "Codebook", "Theme"]

#: the fields of a code that may be given per language (``label: {en: ..., id: ...}``)
CODE_TEXTS = ("label", "description", "include", "exclude")


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Attributes
    ----------
    name : str
        Identifier used in the codings table (``code`` column).
    label : str
        Human-readable label for reports; falls back to ``name``.
    description : str
        The definition: what the code means.
    include, exclude : str
        Notes on when to apply it and when not to.
    examples : tuple of str
        Example quotes (also used as labelled training text).
    keywords : tuple of str
        Phrases matched by the keyword coder.
    patterns : tuple of str
        Regular expressions matched by the keyword coder.
    exclude_patterns : tuple of str
        Regular expressions that veto the code on a turn.
    color : str or None
        Hex colour ``#rrggbb`` for charts.
    theme : str
        Name of the theme the code belongs to.
    parent : str or None
        Name of the parent code for a sub-code.
    translations : tuple of (field, language, text)
        The texts of ``label``, ``description``, ``include`` and ``exclude`` in each language
        the codebook gives them in (``label: {en: Retain, id: Mempertahankan}``); the plain
        fields hold the study language's text (see
        :func:`qualcode.codebook.texts.localize_codebook`).
    """

    name: str
    label: str = ""
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    color: str | None = None
    theme: str = ""
    parent: str | None = None
    translations: tuple[tuple[str, str, str], ...] = ()

    @property
    def display(self) -> str:
        """The label if there is one, else the name."""
        return self.label or self.name


@dataclass(frozen=True)
class Theme:
    """A group of codes; ``exclusive`` means at most one of its codes per turn."""

    name: str
    label: str = ""
    description: str = ""
    exclusive: bool = False
    color: str | None = None
    codes: tuple[Code, ...] = ()
    translations: tuple[tuple[str, str, str], ...] = ()

    @property
    def display(self) -> str:
        """The label if there is one, else the name."""
        return self.label or self.name


@dataclass(frozen=True)
class Codebook:
    """An ordered set of themes and their codes.

    Attributes
    ----------
    name : str
        Title of the codebook.
    description : str
        Free text.
    languages : tuple of str
        Language codes of the transcripts (spaCy codes such as ``"id"``, ``"en"``).
    themes : tuple of Theme
        In file order.
    source : Path or None
        The file it was read from (not part of equality).
    language : str or None
        The study language: the language of the plain texts and the default language of
        reports, charts and the Word appendix (``language: id``).
    translations : tuple of (field, language, text)
        ``name`` and ``description`` in each language given.
    """

    name: str = "codebook"
    description: str = ""
    languages: tuple[str, ...] = ("en",)
    themes: tuple[Theme, ...] = ()
    source: Path | None = field(default=None, compare=False)
    language: str | None = None
    translations: tuple[tuple[str, str, str], ...] = ()

    @property
    def codes(self) -> tuple[Code, ...]:
        """All codes (sub-codes included) in file order."""
        return tuple(c for t in self.themes for c in t.codes)

    @property
    def code_names(self) -> tuple[str, ...]:
        """Names of all codes in file order."""
        return tuple(c.name for c in self.codes)

    def code(self, name: str) -> Code:
        """Return the code called ``name``.

        Raises
        ------
        CodebookError
            If there is no such code.
        """
        for c in self.codes:
            if c.name == name:
                return c
        msg = f"no code named {name!r}; the codebook has {', '.join(self.code_names)}"
        raise CodebookError(msg, path=self.source)

    def theme(self, name: str) -> Theme:
        """Return the theme called ``name``."""
        for t in self.themes:
            if t.name == name:
                return t
        known = ", ".join(t.name for t in self.themes)
        msg = f"no theme named {name!r}; the codebook has {known}"
        raise CodebookError(msg, path=self.source)

    def theme_of(self, code_name: str) -> Theme:
        """Return the theme that holds the code ``code_name``."""
        return self.theme(self.code(code_name).theme)

    @property
    def exclusive_groups(self) -> tuple[tuple[str, ...], ...]:
        """Code names of each mutually exclusive theme."""
        return tuple(tuple(c.name for c in t.codes) for t in self.themes if t.exclusive)

    def _summary(self) -> Any:
        from qualcode.display import Summary

        rows = [
            {
                "theme": t.display + (" (exclusive)" if t.exclusive else ""),
                "code": c.name,
                "label": c.display,
                "definition": c.description,
                "keywords": ", ".join(c.keywords[:6]) + (" …" if len(c.keywords) > 6 else ""),
            }
            for t in self.themes
            for c in t.codes
        ]
        import pandas as pd

        source = f" ({self.source.name})" if self.source is not None else ""
        return Summary(
            title=f"Codebook {self.name}{source}: {len(self.themes)} themes, "
            f"{len(self.codes)} codes",
            facts={"languages": ", ".join(self.languages)} if self.languages else {},
            tables={"Codes": pd.DataFrame(rows, columns=list(rows[0]) if rows else ["code"])},
            notes=(self.description,) if self.description else (),
            max_rows=200,
            width=40,
        )

    def _repr_html_(self) -> str:
        return str(self._summary()._repr_html_())

    def __str__(self) -> str:
        return str(self._summary().to_text())

    def __repr__(self) -> str:
        source = f", source={str(self.source)!r}" if self.source is not None else ""
        return (
            f"<Codebook {self.name!r}: {len(self.themes)} themes, {len(self.codes)} codes{source}>"
        )

    @classmethod
    def from_code_names(
        cls, names: list[str] | tuple[str, ...], *, exclusive: bool = False, name: str = "codes"
    ) -> Codebook:
        """Build a codebook of bare codes (no keywords), e.g. from the codes in a codings table.

        Parameters
        ----------
        names : sequence of str
            Code names, in the order to use.
        exclusive : bool, default False
            Put all codes in one mutually exclusive theme instead of independent codes.
        """
        theme = "codes"
        codes = tuple(Code(name=n, theme=theme) for n in dict.fromkeys(names))
        return cls(name=name, themes=(Theme(name=theme, exclusive=exclusive, codes=codes),))
