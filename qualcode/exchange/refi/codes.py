"""The codebook as REFI-QDA ``<Code>`` elements, both ways.

Writing: each theme is a ``Code`` with ``isCodable="false"`` holding its codes; a sub-code is a
``Code`` inside its parent code. ``Description`` holds the code's description, then its include
and exclude notes as paragraphs starting ``Include:`` and ``Exclude:`` (read back into the three
fields). Labels, keywords, patterns and examples have no place in REFI-QDA and are not written.

Reading any tool's tree (any depth): a top-level ``Code`` with children becomes a theme and its
descendants its codes (a sub-code's ``parent`` is the code it sits in); top-level codes without
children are gathered in a theme called ``codes``. A codable top-level node that codings use is
also a code of its theme, of the same name. Codes without ``isCodable`` are codable (the
standard's default). Names must be unique in qualcode but need not be in REFI-QDA (NVivo repeats
``citizenship`` under two parents): a repeated name is qualified by its parent
(``digital_citizenship/citizenship``), then by more ancestors, then numbered.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.codebook import Code, Codebook, Theme
from qualcode.errors import ExchangeError
from qualcode.exchange.refi.guids import is_guid, make_guid, normalize_guid
from qualcode.exchange.refi.xmlout import attr, text

__all__ = [
    "DEFAULT_THEME",
    "CodeNode",
    "CodeTreeReader",
    "codebook_guids",
    "description_of",
    "normalize_color",
    "split_description",
    "write_codes",
]

#: theme that collects top-level codes without a theme
DEFAULT_THEME = "codes"

_COLOR_RE = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_NOTE_RE = re.compile(r"(?is)^(include|exclude)\s*:\s*(.*)$")


def normalize_color(value: str | None) -> str | None:
    """Return a colour as ``#rrggbb`` (lower case), or None if it is not a hex colour."""
    if not value:
        return None
    m = _COLOR_RE.fullmatch(value.strip())
    if m is None:
        return None
    digits = m.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def description_of(code: Code) -> str:
    """The ``Description`` text of a code: description, then Include: and Exclude: paragraphs."""
    parts = [code.description.strip()] if code.description.strip() else []
    if code.include.strip():
        parts.append(f"Include: {code.include.strip()}")
    if code.exclude.strip():
        parts.append(f"Exclude: {code.exclude.strip()}")
    return "\n\n".join(parts)


def split_description(value: str) -> tuple[str, str, str]:
    """Split a ``Description`` back into (description, include, exclude)."""
    paragraphs = re.split(r"\n\s*\n", value.replace("\r\n", "\n").strip())
    notes = {"include": "", "exclude": ""}
    while paragraphs:
        m = _NOTE_RE.match(paragraphs[-1].strip())
        if m is None or notes[m.group(1).lower()]:
            break
        notes[m.group(1).lower()] = m.group(2).strip()
        paragraphs.pop()
    return "\n\n".join(p.strip() for p in paragraphs).strip(), notes["include"], notes["exclude"]


# --- writing ---------------------------------------------------------------------------------


def codebook_guids(
    codebook: Codebook, namespace: uuid.UUID, code_guids: Mapping[str, str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """GUIDs of the codes and of the themes: given ones first, else derived from the names.

    Raises
    ------
    ExchangeError
        If a given GUID is not a GUID or two codes would share one.
    """
    given = {}
    for name, value in (code_guids or {}).items():
        guid = normalize_guid(value)
        if not is_guid(guid):
            msg = f"code_guids[{name!r}] is {value!r}, not a GUID; expected 8-4-4-4-12 hex digits"
            raise ExchangeError(msg)
        given[name] = guid
    codes = {
        c.name: given.get(c.name) or make_guid(namespace, "code", c.name) for c in codebook.codes
    }
    themes = {
        t.name: (given.get(t.name) if t.name not in codes else None)
        or make_guid(namespace, "theme", t.name)
        for t in codebook.themes
    }
    seen: dict[str, str] = {}
    for name, guid in [*codes.items(), *themes.items()]:
        if guid in seen:
            msg = f"{seen[guid]!r} and {name!r} would share the GUID {guid}; GUIDs must be unique"
            raise ExchangeError(msg)
        seen[guid] = name
    return codes, themes


def write_codes(
    codebook: Codebook,
    code_guids: Mapping[str, str],
    theme_guids: Mapping[str, str],
    *,
    notes: Mapping[str, list[str]] | None = None,
) -> Iterator[str]:
    """Yield the XML of ``<Codes>...</Codes>`` for a codebook (``notes``: code name -> GUIDs
    of the notes to refer to from the code)."""
    yield "<Codes>"
    for theme in codebook.themes:
        children: dict[str | None, list[Code]] = {}
        for code in theme.codes:
            parent = code.parent if code.parent in {c.name for c in theme.codes} else None
            children.setdefault(parent, []).append(code)
        color = normalize_color(theme.color)
        head = f"<Code guid={attr(theme_guids[theme.name])} name={attr(theme.name)}"
        head += ' isCodable="false"' + (f" color={attr(color)}" if color else "") + ">"
        yield head
        if theme.description.strip():
            yield f"<Description>{text(theme.description.strip())}</Description>"
        yield from _write_children(children, None, code_guids, notes or {})
        yield "</Code>"
    yield "</Codes>"


def _write_children(
    children: dict[str | None, list[Code]],
    parent: str | None,
    guids: Mapping[str, str],
    notes: Mapping[str, list[str]],
) -> Iterator[str]:
    for code in children.get(parent, []):
        color = normalize_color(code.color)
        head = f'<Code guid={attr(guids[code.name])} name={attr(code.name)} isCodable="true"'
        head += f" color={attr(color)}" if color else ""
        desc = description_of(code)
        kids = children.get(code.name, [])
        refs = notes.get(code.name, [])
        if not desc and not kids and not refs:
            yield head + "/>"
            continue
        yield head + ">"
        if desc:
            yield f"<Description>{text(desc)}</Description>"
        for guid in refs:
            yield f'<NoteRef targetGUID="{guid}"/>'
        yield from _write_children(children, code.name, guids, notes)
        yield "</Code>"


# --- reading ---------------------------------------------------------------------------------


@dataclass
class CodeNode:
    """A ``Code`` element as read: its attributes, description and child nodes."""

    guid: str
    name: str
    codable: bool
    color: str | None
    description: str = ""
    children: list[CodeNode] = field(default_factory=list)


class CodeTreeReader:
    """Collect ``Code`` elements from parse events (works inside a streaming parse)."""

    def __init__(self, path: Path, entry: str) -> None:
        self.path = path
        self.entry = entry
        self.roots: list[CodeNode] = []
        self._stack: list[CodeNode] = []

    def start(self, elem: Any) -> None:
        """Handle the start of a ``Code`` element."""
        name = (elem.get("name") or "").strip()
        if not name:
            msg = f"{self.entry}: a Code has no name; every code needs a name attribute"
            raise ExchangeError(msg, path=self.path)
        node = CodeNode(
            guid=normalize_guid(elem.get("guid")),
            name=name,
            codable=(elem.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            color=normalize_color(elem.get("color")),
        )
        (self._stack[-1].children if self._stack else self.roots).append(node)
        self._stack.append(node)

    def description(self, value: str | None) -> None:
        """Handle the end of a ``Description`` directly inside the current ``Code``."""
        if self._stack:
            self._stack[-1].description = (value or "").strip()

    def end(self) -> None:
        """Handle the end of a ``Code`` element."""
        self._stack.pop()

    @property
    def inside(self) -> bool:
        """Is the parse inside a ``Code`` element?"""
        return bool(self._stack)

    def build(
        self, *, coded: set[str] | None = None
    ) -> tuple[Codebook, dict[str, str], dict[str, str]]:
        """Return (codebook, node name -> GUID, GUID -> code name).

        ``coded`` holds the GUIDs codings use: a codable theme node among them is also a code.
        """
        return _build(self.roots, coded or set())


def _build(
    roots: list[CodeNode], coded: set[str]
) -> tuple[Codebook, dict[str, str], dict[str, str]]:
    used: set[str] = set()
    guid_of: dict[str, str] = {}
    code_of: dict[str, str] = {}  # GUID -> code name

    def unique(node: CodeNode, ancestors: list[str]) -> str:
        if node.name not in used:
            return node.name
        for k in range(1, len(ancestors) + 1):
            candidate = "/".join([*ancestors[-k:], node.name])
            if candidate not in used:
                return candidate
        n = 2
        while f"{node.name} ({n})" in used:
            n += 1
        return f"{node.name} ({n})"

    def code(node: CodeNode, theme: str, parent: str | None, ancestors: list[str]) -> list[Code]:
        name = unique(node, ancestors)
        used.add(name)
        guid_of[name] = node.guid
        code_of[node.guid] = name
        desc, include, exclude = split_description(node.description)
        out = [
            Code(
                name=name,
                description=desc,
                include=include,
                exclude=exclude,
                color=node.color,
                theme=theme,
                parent=parent,
            )
        ]
        for child in node.children:
            out += code(child, theme, name, [*ancestors, node.name])
        return out

    themes: list[Theme] = []
    theme_names: set[str] = set()
    loose: list[Code] = []
    loose_at: int | None = None
    theme_guids: dict[str, str] = {}

    def theme_name(name: str) -> str:
        out, n = name, 2
        while out in theme_names:
            out, n = f"{name} ({n})", n + 1
        theme_names.add(out)
        return out

    for root in roots:
        if root.children or not root.codable:
            name = theme_name(root.name)
            codes: list[Code] = []
            if root.codable and root.guid in coded:
                alone = CodeNode(root.guid, root.name, True, root.color, root.description)
                codes += code(alone, name, None, [])
            for child in root.children:
                codes += code(child, name, None, [root.name])
            themes.append(
                Theme(name=name, description=root.description, color=root.color, codes=tuple(codes))
            )
            theme_guids[name] = root.guid
        else:
            if loose_at is None:
                loose_at = len(themes)
                themes.append(Theme(name=""))  # placeholder, filled below
            loose += code(root, "", None, [])
    if loose_at is not None:
        name = theme_name(DEFAULT_THEME) if DEFAULT_THEME in theme_names else DEFAULT_THEME
        theme_names.add(name)
        fixed = tuple(dataclasses.replace(c, theme=name) for c in loose)
        themes[loose_at] = Theme(name=name, codes=fixed)
    names = dict(guid_of)
    for name, guid in theme_guids.items():
        names.setdefault(name, guid)
    return Codebook(name="codebook", themes=tuple(themes)), names, code_of
