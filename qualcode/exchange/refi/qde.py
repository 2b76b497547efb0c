"""The streaming reader of ``project.qde``: what :func:`~qualcode.exchange.refi.read_qdpx` collects.

Elements are handled as expat reports them (:func:`~qualcode.exchange.refi.safety.parse_xml`);
nothing is kept but what the import needs: users, the code tree, variables, cases, and per text
source its paths, inline text, variable values, selections and codings (as flat lists, since a
large project has millions of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import ExchangeError
from qualcode.exchange.refi.cases import CaseIn
from qualcode.exchange.refi.codes import CodeTreeReader
from qualcode.exchange.refi.guids import normalize_guid
from qualcode.exchange.refi.notes import NoteIn, NoteRefs
from qualcode.exchange.refi.safety import parse_xml

__all__ = ["QdeReader", "SourceIn"]

_VALUE_TAGS = {
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
}
_OTHER_SOURCES = {"PictureSource", "AudioSource", "VideoSource"}


@dataclass
class SourceIn:
    """A text source as read: GUID, name, paths, inline text, variable values, selections."""

    guid: str
    name: str
    plain: str | None
    rich: str | None
    content: str | None = None
    description: str = ""
    values: dict[str, str] = field(default_factory=dict)
    selections: list[int] = field(default_factory=list)  # indices into _Parse.sel_*


class QdeReader:
    """Collect what the import needs from ``project.qde`` (call :meth:`run`)."""

    def __init__(self, path: Path, entry: str) -> None:
        self.path = path
        self.entry = entry
        self.project: dict[str, str] = {}
        self.users: dict[str, str] = {}
        self.codes = CodeTreeReader(path, entry)
        self.variables: dict[str, str] = {}
        self.cases: list[CaseIn] = []
        self.sources: list[SourceIn] = []
        self.sel_guid: list[str] = []
        self.sel_start: list[int] = []
        self.sel_end: list[int] = []
        self.sel_user: list[str] = []
        self.cod_sel: list[int] = []
        self.cod_user: list[str] = []
        self.cod_code: list[str] = []
        self.skipped: dict[str, int] = {}
        self.notes = NoteRefs()
        self._note: NoteIn | None = None
        self._code_guids: list[str] = []
        self.other_sources: set[str] = set()  # GUIDs of sources that are not read (pictures...)
        self._case: CaseIn | None = None
        self._var: str | None = None
        self._value: str | None = None
        self._coding_user: str | None = None
        self._source: SourceIn | None = None
        self._sel: int | None = None
        self._pdf = ""
        self._pdf_text = False

    def _int(self, elem: dict[str, str], name: str) -> int:
        value = elem.get(name)
        try:
            return int(str(value).strip())
        except ValueError as err:
            msg = (
                f"{self.entry}: PlainTextSelection {elem.get('guid')!r} has {name}={value!r}; "
                "expected a whole number of characters"
            )
            raise ExchangeError(msg, path=self.path) from err

    def run(self, stream: Any) -> None:
        """Parse ``project.qde`` from ``stream``."""
        self._stack: list[str] = []
        self._skip = 0  # depth inside elements of foreign namespaces
        parse_xml(stream, self, path=self.path, entry=self.entry)
        if not self.project:
            msg = f"{self.entry} has no <Project> root element; expected a REFI-QDA project"
            raise ExchangeError(msg, path=self.path)

    def start(self, name: str | None, attrs: dict[str, str]) -> None:
        """Handle an element start (see :class:`~qualcode.exchange.refi.safety.XmlHandler`).

        The elements a large project is made of (``PlainTextSelection``, ``Coding``,
        ``CodeRef``) are handled first and their GUIDs kept as written (normalised once per
        distinct value after the parse).
        """
        if self._skip or name is None:
            self._skip += 1
            return
        stack = self._stack
        parent = stack[-1] if stack else None
        stack.append(name)
        if name == "CodeRef":
            if parent == "Coding" and self._sel is not None:
                self.cod_sel.append(self._sel)
                self.cod_user.append(self._coding_user or self.sel_user[self._sel])
                self.cod_code.append(attrs.get("targetGUID", ""))
        elif name == "Coding":
            if self._source is not None:
                if parent in ("TextSource", "Representation") and self._sel is None:
                    # a coding of the whole source: a selection of all of its text
                    self._sel = len(self.sel_guid)
                    self.sel_guid.append("")
                    self.sel_start.append(0)
                    self.sel_end.append(-1)  # the text's length, once read
                    self.sel_user.append("")
                    self._source.selections.append(self._sel)
                self._coding_user = attrs.get("creatingUser", "")
        elif name == "PlainTextSelection":
            if self._note is not None and self._source is None:
                note = self._note
                note.start, note.end = (
                    self._int(attrs, "startPosition"),
                    self._int(attrs, "endPosition"),
                )
            elif self._source is not None:
                self._sel = len(self.sel_guid)
                try:
                    a, b = int(attrs["startPosition"]), int(attrs["endPosition"])
                except (KeyError, ValueError):
                    a, b = self._int(attrs, "startPosition"), self._int(attrs, "endPosition")
                self.sel_guid.append(attrs.get("guid", ""))
                self.sel_start.append(a)
                self.sel_end.append(b)
                self.sel_user.append(attrs.get("creatingUser", ""))
                self._source.selections.append(self._sel)
        else:
            self._start(name, parent, attrs, len(stack))

    def end(self, name: str | None, text: str) -> None:
        """Handle an element end."""
        if self._skip:
            self._skip -= 1
            return
        stack = self._stack
        name = stack.pop()  # as recorded at the start (a stray Code is renamed there)
        if name == "CodeRef":
            return
        if name == "PlainTextSelection":
            self._sel = None
            return
        self._end(name, stack[-1] if stack else None, text)

    def _description(self, parent: str | None, text: str) -> None:
        found = self.notes.descriptions
        if parent == "Project":
            found.append(("project", None, text))
        elif parent == "Case" and self._case is not None:
            self._case.description = text
        elif parent == "Note" and self._note is not None:
            self._note.description = text
        elif parent == "PlainTextSelection" and self._sel is not None:
            found.append(("selection", self._sel, text))
        elif parent in ("TextSource", "Representation") and self._source is not None:
            self._source.description = text

    def _start(self, name: str, parent: str | None, elem: dict[str, str], depth: int) -> None:
        if depth == 1:
            if name != "Project":
                msg = f"{self.entry}: the root element is <{name}>; expected <Project>"
                raise ExchangeError(msg, path=self.path)
            self.project = dict(elem)
            self.project.setdefault("name", "")
        elif name == "User" and parent == "Users":
            guid = normalize_guid(elem.get("guid"))
            self.users[guid] = elem.get("name") or elem.get("id") or guid
        elif name == "Code" and (parent in ("Codes", "Code")):
            self.codes.start(elem)
            self._code_guids.append(normalize_guid(elem.get("guid")))
        elif name == "NoteRef":
            self._note_ref(parent, normalize_guid(elem.get("targetGUID")))
        elif name == "Note" and parent == "Notes":
            self._note = NoteIn(
                guid=normalize_guid(elem.get("guid")),
                name=(elem.get("name") or "").strip(),
                user=normalize_guid(elem.get("creatingUser") or elem.get("modifyingUser")),
                at=elem.get("creationDateTime") or elem.get("modifiedDateTime") or "",
                plain=elem.get("plainTextPath"),
            )
        elif name == "Code":
            self._stack[-1] = "Code (elsewhere)"  # not part of the code tree
        elif name == "Variable" and parent == "Variables":
            self.variables[normalize_guid(elem.get("guid"))] = (elem.get("name") or "").strip()
        elif name == "Case" and parent == "Cases":
            self._case = CaseIn((elem.get("name") or "").strip(), normalize_guid(elem.get("guid")))
        elif name == "SourceRef" and parent == "Case" and self._case is not None:
            self._case.source_refs.append(normalize_guid(elem.get("targetGUID")))
        elif name == "SelectionRef" and parent == "Case" and self._case is not None:
            self._case.selection_refs.append(normalize_guid(elem.get("targetGUID")))
        elif name == "VariableRef" and parent == "VariableValue":
            self._var = normalize_guid(elem.get("targetGUID"))
        elif name == "VariableValue":
            self._var = self._value = None
        elif name == "TextSource" and parent == "Sources":
            self._source = SourceIn(
                guid=normalize_guid(elem.get("guid")),
                name=(elem.get("name") or "").strip(),
                plain=elem.get("plainTextPath"),
                rich=elem.get("richTextPath"),
            )
        elif name == "PDFSource" and parent == "Sources":
            self.other_sources.add(normalize_guid(elem.get("guid")))
            self._pdf = (elem.get("name") or "").strip()
            self._pdf_text = False
        elif name == "Representation" and parent == "PDFSource":
            # a PDF's text representation is a TextSource: read from its plain text
            self._pdf_text = True
            self._source = SourceIn(
                guid=normalize_guid(elem.get("guid")),
                name=(elem.get("name") or "").strip() or self._pdf,
                plain=elem.get("plainTextPath"),
                rich=elem.get("richTextPath"),
            )
        elif name in _OTHER_SOURCES and parent == "Sources":
            self.skipped[name] = self.skipped.get(name, 0) + 1
            self.other_sources.add(normalize_guid(elem.get("guid")))

    def _note_ref(self, parent: str | None, guid: str) -> None:
        refs = self.notes
        if parent == "Project":
            refs.project.append(guid)
        elif parent == "Code" and self._code_guids:
            refs.codes.append((self._code_guids[-1], guid))
        elif parent == "PlainTextSelection" and self._sel is not None:
            refs.selections.append((self._sel, guid))
        elif parent in ("TextSource", "Representation") and self._source is not None:
            refs.sources.append((len(self.sources), guid))

    def _end(self, name: str, parent: str | None, text: str) -> None:
        if name == "Code" and self.codes.inside:
            self.codes.end()
            self._code_guids.pop()
        elif name == "Description" and parent == "Code" and self.codes.inside:
            self.codes.description(text)
        elif name == "Description" and text.strip():
            self._description(parent, text.strip())
        elif name == "PlainTextContent" and self._note is not None and self._source is None:
            self._note.content = text
        elif name == "Note" and self._note is not None:
            self.notes.notes[self._note.guid] = self._note
            self._note = None
        elif name in _VALUE_TAGS and parent == "VariableValue":
            self._value = text.strip()
        elif name == "VariableValue" and self._var is not None and self._value is not None:
            if parent == "Case" and self._case is not None:
                self._case.values[self._var] = self._value
            elif parent in ("TextSource", "Representation") and self._source is not None:
                self._source.values[self._var] = self._value
        elif name == "Case" and self._case is not None:
            self.cases.append(self._case)
            self._case = None
        elif name == "PlainTextContent" and self._source is not None:
            self._source.content = text
        elif name == "Coding" and parent in ("TextSource", "Representation"):
            self._sel = None
        elif name == "PDFSource" and parent == "Sources" and not self._pdf_text:
            self.skipped[name] = self.skipped.get(name, 0) + 1
        elif name in ("TextSource", "Representation") and self._source is not None:
            self.sources.append(self._source)
            self._source = None
