"""The codebook's YAML file format, read: :func:`parse_codebook` (format: docs/codebook.md).

Parsing walks the composed YAML node tree so that every problem can name the line it is on.
"""

from __future__ import annotations

import difflib
import re
import warnings
from pathlib import Path

import yaml

from qualcode.codebook.model import CODE_TEXTS, Code, Codebook, Theme
from qualcode.codebook.patterns import check_pattern
from qualcode.errors import CodebookError, CodebookWarning
from qualcode.languages import LANGUAGES

__all__ = ["CODE_FIELDS", "THEME_FIELDS", "TOP_FIELDS", "parse_codebook"]

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
        texts, translations = self.texts_value(fields, CODE_TEXTS, what)
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
