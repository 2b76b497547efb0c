"""The codebook: themes, codes and sub-codes, and their YAML file format.

A codebook is the researcher's instrument. It is a tree: themes hold codes, codes may hold
sub-codes. Here the tree is kept flat (each :class:`Code` names its ``theme`` and ``parent``)
and in file order, which is the order used everywhere (tables, charts, Word appendix).
"""

from __future__ import annotations

import difflib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualcode.errors import CodebookError, CodebookWarning
from qualcode.languages import LANGUAGES

__all__ = [
    "Code",
    "Codebook",
    "Theme",
    "check_pattern",
    "dump_codebook",
    "parse_codebook",
    "read_codebook",
    "write_codebook",
]


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
        :func:`qualcode.codebook_texts.localize_codebook`).
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


# --- YAML file format ------------------------------------------------------------------------
# See docs/codebook.md for the format. Parsing walks the composed YAML node tree so that every
# problem can name the line it is on.

TOP_FIELDS: tuple[str, ...] = ("name", "description", "language", "languages", "themes")
THEME_FIELDS: tuple[str, ...] = ("name", "label", "description", "exclusive", "color", "codes")
CODE_FIELDS: tuple[str, ...] = (
    "name",
    "label",
    "description",
    "include",
    "exclude",
    "examples",
    "keywords",
    "patterns",
    "exclude_patterns",
    "color",
    "codes",
)

#: the fields that may be given per language, of a code
_CODE_TEXTS = ("label", "description", "include", "exclude")

_COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_LANG_RE = re.compile(r"[a-z]{2,3}")
_WORD_RE = re.compile(r"\w")
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Parser:
    """Build a :class:`Codebook` from YAML text, raising :class:`CodebookError` with lines."""

    def __init__(self, text: str, source: Path | None) -> None:
        self.text = text
        self.source = source
        self.study: str | None = None

    def error(self, message: str, node: yaml.Node | int | None = None) -> CodebookError:
        line = node if isinstance(node, int) or node is None else _line(node)
        return CodebookError(message, path=self.source, line=line)

    # -- node helpers ---------------------------------------------------------------------------
    def mapping(self, node: yaml.Node, fields: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            msg = f"{what} must be a mapping of fields ({', '.join(fields)}), got {_kind(node)}"
            raise self.error(msg, node)
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in fields:
                hint = ""
                if isinstance(key, str):
                    close = difflib.get_close_matches(key, fields, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                msg = f"unknown field {key!r} in {what}{hint}; expected one of {', '.join(fields)}"
                raise self.error(msg, key_node)
            if key in out:
                msg = f"field {key!r} appears twice in {what} (first on line {_line(out[key])})"
                raise self.error(msg, key_node)
            out[key] = value_node
        return out

    def text_value(self, node: yaml.Node | None, what: str) -> str:
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(f"{what} must be text, got {_kind(node)}", node)
        if node.tag == _NULL_TAG:
            return ""
        return str(node.value).strip()

    def texts_value(
        self, fields: dict[str, yaml.Node], keys: tuple[str, ...], what: str
    ) -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
        """Texts that may be given per language (``label: {en: ..., id: ...}``).

        Returns the plain value of each key (the study language's text, else the first one
        given) and the (field, language, text) translations.
        """
        plain: dict[str, str] = {}
        translations: list[tuple[str, str, str]] = []
        for key in keys:
            node = fields.get(key)
            if not isinstance(node, yaml.MappingNode):
                plain[key] = self.text_value(node, f"the {key} of {what}")
                continue
            given: dict[str, str] = {}
            for lang_node, text_node in node.value:
                lang = lang_node.value if isinstance(lang_node, yaml.ScalarNode) else None
                if lang not in LANGUAGES:
                    msg = (
                        f"the {key} of {what} is given in {lang!r}; expected texts per "
                        f"language ({', '.join(LANGUAGES)}), e.g. {key}: {{en: ..., id: ...}}"
                    )
                    raise self.error(msg, lang_node)
                if lang in given:
                    raise self.error(f"the {key} of {what} gives {lang!r} twice", lang_node)
                given[lang] = self.text_value(text_node, f"the {lang} {key} of {what}")
            if not given:
                raise self.error(f"the {key} of {what} is an empty mapping", node)
            plain[key] = (
                given.get(self.study, "") if self.study in given else next(iter(given.values()))
            )
            translations.extend((key, lang, text) for lang, text in given.items())
        return plain, tuple(translations)

    def name_value(self, node: yaml.Node | None, what: str, parent: yaml.Node) -> str:
        if node is None:
            raise self.error(f"{what} has no name; every {what} needs a non-empty name", parent)
        name = self.text_value(node, f"the name of a {what}")
        if not name:
            raise self.error(f"empty name in {what}; every {what} needs a non-empty name", node)
        return name

    def text_list(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        if node is None:
            return []
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return []
        if not isinstance(node, yaml.SequenceNode):
            msg = f"{what} must be a list (one item per line starting with '- '), got {_kind(node)}"
            raise self.error(msg, node)
        out = []
        for item in node.value:
            value = self.text_value(item, f"each item of {what}")
            if not value:
                raise self.error(f"empty item in {what}", item)
            out.append((value, item))
        return out

    def color_value(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.text_value(node, f"the color of {what}")
        if not value:
            return None
        if not _COLOR_RE.fullmatch(value):
            msg = f"bad color {value!r} for {what}; expected a hex colour such as '#1f77b4'"
            raise self.error(msg, node)
        return value

    # -- document -------------------------------------------------------------------------------
    def parse(self) -> Codebook:
        try:  # the reader refuses control characters (binary, UTF-16 read as UTF-8) at once
            loader = yaml.SafeLoader(self.text)
        except yaml.reader.ReaderError as err:
            char = err.character if isinstance(err.character, int) else ord(err.character)
            msg = (
                f"character U+{char:04X} at position {err.position} cannot be in a YAML "
                "file (a binary file, or text saved as UTF-16?); expected a UTF-8 text file"
            )
            raise self.error(msg) from err
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = int(mark.line) + 1 if mark is not None else None
            problem = err.problem or err.context or "invalid YAML"
            raise self.error(f"YAML syntax error: {problem}", line) from err
        except yaml.YAMLError as err:
            raise self.error(f"YAML syntax error: {err}") from err
        finally:
            loader.dispose()
        if root is None:
            raise self.error("the codebook file is empty; expected name, languages and themes", 1)
        top = self.mapping(root, TOP_FIELDS, "the codebook")
        self.study = self.study_language(top.get("language"))
        texts, translations = self.texts_value(top, ("name", "description"), "the codebook")
        name = texts["name"] or "codebook"
        languages = self.languages(top.get("languages"))
        themes_node = top.get("themes")
        if themes_node is None or not isinstance(themes_node, yaml.SequenceNode):
            where = themes_node if themes_node is not None else root
            raise self.error("the codebook needs a list of 'themes'", where)
        if not themes_node.value:
            raise self.error("the codebook has no themes; expected at least one", themes_node)
        themes = tuple(self.theme(n) for n in themes_node.value)
        self.check_names(themes_node)
        return Codebook(
            name=name,
            description=texts["description"],
            languages=languages,
            themes=themes,
            source=self.source,
            language=self.study,
            translations=translations,
        )

    def study_language(self, node: yaml.Node | None) -> str | None:
        value = self.text_value(node, "the study language")
        if not value:
            return None
        if value not in LANGUAGES:
            msg = (
                f"bad study language {value!r}; expected one of {', '.join(LANGUAGES)} "
                "(the languages reports are written in)"
            )
            raise self.error(msg, node)
        return value

    def languages(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None:
            return Codebook.languages
        items = self.text_list(node, "languages")
        for value, item in items:
            if not _LANG_RE.fullmatch(value):
                msg = f"bad language {value!r}; expected a language code such as 'id' or 'en'"
                raise self.error(msg, item)
        if not items:
            raise self.error("languages is empty; expected e.g. [id, en]", node)
        return tuple(dict.fromkeys(v for v, _ in items))

    def theme(self, node: yaml.Node) -> Theme:
        fields = self.mapping(node, THEME_FIELDS, "a theme")
        name = self.name_value(fields.get("name"), "theme", node)
        exclusive = False
        if "exclusive" in fields:
            ex = fields["exclusive"]
            if not (isinstance(ex, yaml.ScalarNode) and ex.tag == _BOOL_TAG):
                msg = f"'exclusive' of theme {name!r} must be true or false"
                raise self.error(msg, ex)
            exclusive = ex.value.lower() in ("true", "yes", "on", "y")
        codes_node = fields.get("codes")
        codes: list[Code] = []
        if codes_node is not None:
            self.code_list(codes_node, theme=name, parent=None, out=codes)
        texts, translations = self.texts_value(fields, ("label", "description"), f"theme {name!r}")
        theme = Theme(
            name=name,
            label=texts["label"],
            description=texts["description"],
            exclusive=exclusive,
            color=self.color_value(fields.get("color"), f"theme {name!r}"),
            codes=tuple(codes),
            translations=translations,
        )
        if exclusive:
            self.check_exclusive_keywords(node, theme)
        return theme

    def code_list(
        self, node: yaml.Node, *, theme: str, parent: str | None, out: list[Code]
    ) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return
        if not isinstance(node, yaml.SequenceNode):
            owner = f"code {parent!r}" if parent else f"theme {theme!r}"
            raise self.error(f"'codes' of {owner} must be a list of codes", node)
        for item in node.value:
            self.code(item, theme=theme, parent=parent, out=out)

    def code(self, node: yaml.Node, *, theme: str, parent: str | None, out: list[Code]) -> None:
        fields = self.mapping(node, CODE_FIELDS, "a code")
        name = self.name_value(fields.get("name"), "code", node)
        what = f"code {name!r}"
        keywords = self.text_list(fields.get("keywords"), f"the keywords of {what}")
        for kw, item in keywords:
            if not _WORD_RE.search(kw):
                msg = f"keyword {kw!r} of {what} has no letters or digits to match"
                raise self.error(msg, item)
        patterns = self.text_list(fields.get("patterns"), f"the patterns of {what}")
        excludes = self.text_list(fields.get("exclude_patterns"), f"the exclude_patterns of {what}")
        for pattern, item in patterns + excludes:
            problem = check_pattern(pattern)
            if problem:
                raise self.error(f"pattern {pattern!r} of {what}: {problem}", item)
        if "keywords" in fields and not keywords and not patterns:
            self.warn_empty_keywords(fields["keywords"], what)
        texts, translations = self.texts_value(fields, _CODE_TEXTS, what)
        out.append(
            Code(
                name=name,
                label=texts["label"],
                description=texts["description"],
                include=texts["include"],
                exclude=texts["exclude"],
                examples=tuple(v for v, _ in self.text_list(fields.get("examples"), what)),
                keywords=tuple(v for v, _ in keywords),
                patterns=tuple(v for v, _ in patterns),
                exclude_patterns=tuple(v for v, _ in excludes),
                color=self.color_value(fields.get("color"), what),
                theme=theme,
                parent=parent,
                translations=translations,
            )
        )
        if "codes" in fields:
            self.code_list(fields["codes"], theme=theme, parent=name, out=out)

    def warn_empty_keywords(self, node: yaml.Node, what: str) -> None:
        """Warn that ``keywords`` is given empty: the rules can never suggest the code.

        A warning, not an error: the codebook serves hand coding, review, agreement and the
        classifier as well, and a list left to fill in later should not stop those.
        """
        where = f"line {_line(node)}"
        if self.source is not None:
            where = f"{self.source} {where}"
        msg = (
            f"{where}: {what} has an empty keyword list, so the keyword rules will never suggest "
            "it; add keywords (or patterns), or remove the 'keywords' field if the code is for "
            "people and the classifier only"
        )
        warnings.warn(msg, CodebookWarning, stacklevel=2)

    # -- whole-document checks --------------------------------------------------------------------
    def check_names(self, themes_node: yaml.SequenceNode) -> None:
        seen_codes: dict[str, int] = {}
        seen_themes: dict[str, int] = {}
        for theme_node in themes_node.value:
            fields = dict((k.value, v) for k, v in theme_node.value)
            tname = str(fields["name"].value).strip()
            if tname in seen_themes:
                msg = f"duplicate theme name {tname!r} (first on line {seen_themes[tname]})"
                raise self.error(msg, fields["name"])
            seen_themes[tname] = _line(fields["name"])
            for name_node in _code_name_nodes(fields.get("codes")):
                cname = str(name_node.value).strip()
                if cname in seen_codes:
                    msg = (
                        f"duplicate code name {cname!r} (first on line {seen_codes[cname]}); "
                        "code names must be unique in the codebook"
                    )
                    raise self.error(msg, name_node)
                seen_codes[cname] = _line(name_node)

    def check_exclusive_keywords(self, theme_node: yaml.Node, theme: Theme) -> None:
        owner: dict[str, str] = {}
        for kw_node, code_name in _keyword_nodes(theme_node):
            key = " ".join(str(kw_node.value).casefold().split())
            first = owner.setdefault(key, code_name)
            if first != code_name:
                msg = (
                    f"keyword {kw_node.value!r} is under both {first!r} and {code_name!r} in "
                    f"the exclusive theme {theme.name!r}; a keyword of an exclusive theme must "
                    "belong to one code"
                )
                raise self.error(msg, kw_node)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}" if node.value != "" else "nothing"


def _code_name_nodes(codes_node: yaml.Node | None) -> list[yaml.Node]:
    out: list[yaml.Node] = []
    if not isinstance(codes_node, yaml.SequenceNode):
        return out
    for code_node in codes_node.value:
        fields = dict((k.value, v) for k, v in code_node.value)
        out.append(fields["name"])
        out.extend(_code_name_nodes(fields.get("codes")))
    return out


def _keyword_nodes(theme_node: yaml.Node) -> list[tuple[yaml.Node, str]]:
    out: list[tuple[yaml.Node, str]] = []

    def walk(codes_node: yaml.Node | None) -> None:
        if not isinstance(codes_node, yaml.SequenceNode):
            return
        for code_node in codes_node.value:
            fields = dict((k.value, v) for k, v in code_node.value)
            name = str(fields["name"].value).strip()
            kws = fields.get("keywords")
            if isinstance(kws, yaml.SequenceNode):
                out.extend((item, name) for item in kws.value)
            walk(fields.get("codes"))

    walk(dict((k.value, v) for k, v in theme_node.value).get("codes"))
    return out


# --- regular expressions: validity and catastrophic backtracking --------------------------------

try:  # Python >= 3.11
    import re._constants as _sre_c
    import re._parser as _sre_p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
if hasattr(_sre_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_sre_c.POSSESSIVE_REPEAT)
_ALPHABET = frozenset(chr(c) for c in range(9, 127)) | frozenset("éàüöñçß")
_CATEGORY_TESTS = {
    _sre_c.CATEGORY_DIGIT: str.isdigit,
    _sre_c.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    _sre_c.CATEGORY_SPACE: str.isspace,
    _sre_c.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    _sre_c.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    _sre_c.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


def check_pattern(pattern: str) -> str | None:
    """Return what is wrong with a codebook regular expression, or None if it is usable.

    Patterns are compiled case-insensitively. Patterns that can backtrack catastrophically are
    refused: an unbounded repeat of something that itself repeats (``(a+)+``, ``(a*)*``,
    ``(\\w+\\s?)*``) or of alternatives that can start with the same character (``(a|a)*``,
    ``(\\w|ab)+``).

    Examples
    --------
    >>> check_pattern(r"\\bpitch(ing)?\\b") is None
    True
    >>> check_pattern(r"(a+)+")
    'nested quantifier: a repeated group contains a repeat ...'
    """
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        return f"invalid regular expression: {err}"
    parsed = _sre_p.parse(pattern, re.IGNORECASE)
    return _check_items(list(parsed), inside_unbounded=False)


def _check_items(items: list[Any], *, inside_unbounded: bool) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            _lo, hi, body = av
            body = list(body)
            if inside_unbounded and hi is not None and (hi == _sre_c.MAXREPEAT or hi > 1):
                return (
                    "nested quantifier: a repeated group contains a repeat (like (a+)+ or "
                    "(a*)*), which can take exponential time; rewrite it without the inner "
                    "or outer repeat"
                )
            unbounded = hi == _sre_c.MAXREPEAT
            problem = _check_items(body, inside_unbounded=inside_unbounded or unbounded)
            if problem:
                return problem
        elif op == _sre_c.SUBPATTERN:
            problem = _check_items(list(av[-1]), inside_unbounded=inside_unbounded)
            if problem:
                return problem
        elif op == _sre_c.BRANCH:
            alternatives = [list(a) for a in av[1]]
            if inside_unbounded and _ambiguous(alternatives):
                return (
                    "ambiguous alternatives inside a repeat (like (a|a)* or (\\w|ab)+): two "
                    "alternatives can match the same text, which can take exponential time"
                )
            for alt in alternatives:
                problem = _check_items(alt, inside_unbounded=inside_unbounded)
                if problem:
                    return problem
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            problem = _check_items(list(av[1]), inside_unbounded=inside_unbounded)
            if problem:
                return problem
    return None


def _ambiguous(alternatives: list[list[Any]]) -> bool:
    firsts = []
    for i, alt in enumerate(alternatives):
        if any(alt == other for other in alternatives[:i]):
            return True
        firsts.append(_first_chars(alt)[0])
    for i, a in enumerate(firsts):
        for b in firsts[:i]:
            if a & b:
                return True
    return False


def _first_chars(items: list[Any]) -> tuple[frozenset[str], bool]:
    """Return (possible first characters over a sample alphabet, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of(op, av)
        out |= chars
        if not nullable:
            return frozenset(out), False
    return frozenset(out), True


def _first_of(op: Any, av: Any) -> tuple[frozenset[str], bool]:
    if op == _sre_c.LITERAL:
        return frozenset({chr(av).lower()}), False
    if op == _sre_c.NOT_LITERAL:
        return frozenset(c for c in _ALPHABET if c != chr(av).lower()), False
    if op == _sre_c.ANY:
        return _ALPHABET, False
    if op == _sre_c.IN:
        return frozenset(c for c in _ALPHABET if _in_set(c, av)), False
    if op in _REPEATS:
        chars, nullable = _first_chars(list(av[2]))
        return chars, nullable or av[0] == 0
    if op == _sre_c.SUBPATTERN:
        return _first_chars(list(av[-1]))
    if op == _sre_c.BRANCH:
        union: set[str] = set()
        any_empty = False
        for alt in av[1]:
            c, n = _first_chars(list(alt))
            union |= c
            any_empty = any_empty or n
        return frozenset(union), any_empty
    # anchors, lookarounds, backreferences: consume nothing we can see
    return frozenset(), True


def _in_set(ch: str, items: list[Any]) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op == _sre_c.NEGATE:
            negate = True
        elif op == _sre_c.LITERAL:
            hit = hit or ch == chr(av).lower()
        elif op == _sre_c.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1] or av[0] <= ord(ch.upper()) <= av[1]
        elif op == _sre_c.CATEGORY:
            test = _CATEGORY_TESTS.get(av)
            hit = hit or (test is not None and test(ch))
    return hit != negate


# --- reading and writing ----------------------------------------------------------------------


def parse_codebook(text: str, *, source: str | Path | None = None) -> Codebook:
    """Parse a codebook from YAML text.

    Parameters
    ----------
    text : str
        The YAML document (format: docs/codebook.md).
    source : str or Path, optional
        The file the text came from, used in error messages and kept as ``Codebook.source``.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        With ``.path`` and ``.line`` for YAML syntax errors, unknown or repeated fields, empty or
        duplicate names, a keyword under two codes of an exclusive theme, invalid or
        catastrophically slow regular expressions and bad colours.

    Examples
    --------
    >>> cb = parse_codebook('''
    ... name: demo
    ... languages: [en]
    ... themes:
    ...   - name: stages
    ...     codes:
    ...       - name: retain
    ...         keywords: [keep the client, loyalty]
    ... ''')
    >>> cb.code_names
    ('retain',)
    """
    return _Parser(text, Path(source) if source is not None else None).parse()


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook YAML file.

    Parameters
    ----------
    path : str or Path
        A ``.yaml``/``.yml`` file in the format of docs/codebook.md.

    Returns
    -------
    Codebook
        With ``source`` set to ``path``.

    Raises
    ------
    CodebookError
        If the file is missing, not UTF-8, or invalid (see :func:`parse_codebook`).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise CodebookError("codebook file not found", path=path) from err
    except IsADirectoryError as err:
        raise CodebookError("expected a codebook .yaml file, got a folder", path=path) from err
    except UnicodeDecodeError as err:
        raise CodebookError(f"the codebook is not UTF-8 text ({err.reason})", path=path) from err
    return parse_codebook(text, source=path)


class _FlowList(list):  # type: ignore[type-arg]
    """A list written in YAML flow style: ``[id, en]``."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def _put_texts(data: dict[str, Any], item: Any, keys: tuple[str, ...]) -> None:
    """Write each text as given: per language where it has translations, else plain."""
    for key in keys:
        given = {lang: text for f, lang, text in item.translations if f == key}
        if given:
            data[key] = given
        elif getattr(item, key):
            data[key] = getattr(item, key)


def _code_data(code: Code, children: dict[str | None, list[Code]]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": code.name}
    _put_texts(data, code, _CODE_TEXTS)
    if code.examples:
        data["examples"] = list(code.examples)
    if code.keywords:
        data["keywords"] = _FlowList(code.keywords)
    if code.patterns:
        data["patterns"] = list(code.patterns)
    if code.exclude_patterns:
        data["exclude_patterns"] = list(code.exclude_patterns)
    if code.color:
        data["color"] = code.color
    kids = children.get(code.name, [])
    if kids:
        data["codes"] = [_code_data(k, children) for k in kids]
    return data


def _codebook_data(codebook: Codebook) -> dict[str, Any]:
    themes = []
    for theme in codebook.themes:
        tdata: dict[str, Any] = {"name": theme.name}
        _put_texts(tdata, theme, ("label", "description"))
        tdata["exclusive"] = theme.exclusive
        if theme.color:
            tdata["color"] = theme.color
        children: dict[str | None, list[Code]] = {}
        for code in theme.codes:
            children.setdefault(code.parent, []).append(code)
        tdata["codes"] = [_code_data(c, children) for c in children.get(None, [])]
        themes.append(tdata)
    data: dict[str, Any] = {"name": codebook.name}
    _put_texts(data, codebook, ("name", "description"))
    if codebook.language:
        data["language"] = codebook.language
    data["languages"] = _FlowList(codebook.languages)
    data["themes"] = themes
    return data


def dump_codebook(codebook: Codebook) -> str:
    """Return the YAML text of ``codebook`` (the format :func:`parse_codebook` reads)."""
    text: str = yaml.dump(
        _codebook_data(codebook),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        indent=2,
    )
    return text


def write_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` to a YAML file; reading it back gives an equal codebook.

    Parameters
    ----------
    codebook : Codebook
    path : str or Path
        Destination ``.yaml`` file (parent folders are created).

    Returns
    -------
    Path
        The file written.
    """
    from qualcode.fileio import write_atomic

    text = dump_codebook(codebook)
    # renamed into place when complete: a failure never leaves a truncated codebook
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
