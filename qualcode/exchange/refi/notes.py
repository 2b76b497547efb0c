"""Memos as REFI-QDA notes, both ways.

qualcode's memos are about the project, a code, a turn or a case (``about``, ``target``,
``author``, ``at``, ``text``: :meth:`qualcode.Project.memos`). Written the way QualCoder and
NVivo read them:

- a memo on the project or on a code is a ``Note`` whose text is a file in the archive
  (``plainTextPath="internal://<guid>.txt"``: QualCoder imports such notes as journal entries),
  referred to by a ``NoteRef`` in the ``Project`` or in the ``Code``;
- a memo on a turn is a ``Note`` with ``PlainTextContent`` and a ``PlainTextSelection`` over the
  turn's text, referred to by a ``NoteRef`` in the turn's ``TextSource`` (an annotation);
- a memo on a case is the ``Description`` of the ``Case`` (several memos as paragraphs; what
  QualCoder reads), and also a project note named ``memo on case <name>``, which keeps its
  author and time (a ``Case`` cannot refer to a note).

Every ``Note`` has ``creatingUser`` (the author) and ``creationDateTime``.

Read back, also from other tools: ``Note`` elements (text from ``PlainTextContent``, their file,
or their ``Description``) referred to from the project, a code, a text source (with a selection:
a memo on the turn it covers) or a selection (a memo on its turn); notes nothing refers to are
memos on the project (journals); ``Description`` of the project, of a case (case memo), of a
selection (QualCoder's coding memo: a memo on the turn) and of a text source (a project memo
naming the source).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from qualcode.exchange.refi.guids import make_guid
from qualcode.exchange.refi.xmlout import attr, text

__all__ = [
    "CASE_NOTE",
    "MEMO_COLUMNS",
    "NoteIn",
    "NoteOut",
    "NotePlan",
    "NoteRefs",
    "empty_memos",
    "note_refs",
    "optional_text",
    "plan_notes",
    "write_notes",
    "xml_datetime",
]

MEMO_COLUMNS = ["about", "target", "author", "at", "text"]
#: the name of a note that holds a memo on a case (the case's name follows)
CASE_NOTE = "memo on case "


def empty_memos() -> pd.DataFrame:
    """A memos table with no rows (columns about, target, author, at, text)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in MEMO_COLUMNS})


def optional_text(value: object) -> str | None:
    """A table cell as text, None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def xml_datetime(value: object) -> str:
    """``value`` (ISO 8601 text or a timestamp) as an xsd:dateTime in UTC, ``...Z``."""
    stamp = pd.Timestamp(str(value)) if value is not None and str(value) else pd.Timestamp.now()
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class NoteOut:
    """One ``Note`` to write."""

    guid: str
    name: str
    user: str
    at: str
    text: str
    file: bool  # text in sources/<guid>.txt (project and code memos) or PlainTextContent
    selection: tuple[str, int, int] | None = None  # (GUID, start, end) of a turn memo


@dataclass
class NotePlan:
    """The notes of a project and where each is referred to from."""

    notes: list[NoteOut] = field(default_factory=list)
    project_refs: list[str] = field(default_factory=list)
    code_refs: dict[str, list[str]] = field(default_factory=dict)  # code name -> note GUIDs
    source_refs: dict[str, list[str]] = field(default_factory=dict)  # interview -> note GUIDs
    case_texts: dict[str, str] = field(default_factory=dict)  # case -> Description

    @property
    def authors(self) -> list[str]:
        """Everyone who wrote a note (users to declare)."""
        return list(dict.fromkeys(n.user for n in self.notes))

    def files(self) -> Iterator[tuple[str, str]]:
        """(entry name, text) of the notes kept as files."""
        for note in self.notes:
            if note.file:
                yield f"sources/{note.guid}.txt", note.text


def plan_notes(
    memos: pd.DataFrame | None,
    *,
    turn_place: dict[str, tuple[str, int, int]],
    code_names: set[str],
    case_names: set[str],
    ns: uuid.UUID,
) -> NotePlan:
    """Lay out memos as notes; ``turn_place`` maps turn id -> (interview, start, end) in its
    source. A memo on a turn, code or case that is not exported becomes a project memo that
    names it."""
    plan = NotePlan()
    if memos is None or len(memos) == 0:
        return plan
    cases: dict[str, list[str]] = {}
    for k, row in enumerate(memos.itertuples(index=False)):
        about, target = str(row.about), optional_text(row.target)
        body = str(row.text)
        author = optional_text(row.author) or "unknown"
        at = xml_datetime(row.at)
        guid = make_guid(ns, "note", k, about, target, author, body)
        if about == "case" and target in case_names:
            cases.setdefault(target, []).append(body)
            plan.notes.append(NoteOut(guid, f"{CASE_NOTE}{target}", author, at, body, True))
            plan.project_refs.append(guid)
            continue
        if about == "turn" and target in turn_place:
            iv, a, b = turn_place[target]
            sel = (make_guid(ns, "note selection", guid), a, b)
            plan.notes.append(NoteOut(guid, f"memo on turn {target}", author, at, body, False, sel))
            plan.source_refs.setdefault(iv, []).append(guid)
            continue
        if about == "code" and target in code_names:
            plan.notes.append(NoteOut(guid, f"memo on code {target}", author, at, body, True))
            plan.code_refs.setdefault(target, []).append(guid)
            continue
        if about in ("turn", "code", "case") and target:
            body = f"({about} {target}) {body}"
        plan.notes.append(NoteOut(guid, "memo", author, at, body, True))
        plan.project_refs.append(guid)
    plan.case_texts = {name: "\n\n".join(texts) for name, texts in cases.items()}
    return plan


def write_notes(plan: NotePlan, user_ids: dict[str, str]) -> Iterator[str]:
    """Yield ``<Notes>`` (nothing when there are none)."""
    if not plan.notes:
        return
    yield "<Notes>"
    for note in plan.notes:
        head = (
            f'<Note guid="{note.guid}" name={attr(note.name)} '
            f'creatingUser="{user_ids[note.user]}" creationDateTime="{note.at}"'
        )
        if note.file:
            yield f'{head} plainTextPath="internal://{note.guid}.txt"/>'
            continue
        yield f"{head}><PlainTextContent>{text(note.text)}</PlainTextContent>"
        if note.selection is not None:
            guid, a, b = note.selection
            yield (
                f'<PlainTextSelection guid="{guid}" startPosition="{a}" endPosition="{b}" '
                f'creatingUser="{user_ids[note.user]}" creationDateTime="{note.at}"/>'
            )
        yield "</Note>"
    yield "</Notes>"


def note_refs(guids: list[str]) -> Iterator[str]:
    """Yield ``<NoteRef>`` elements."""
    for guid in guids:
        yield f'<NoteRef targetGUID="{guid}"/>'


# --- reading ---------------------------------------------------------------------------------


@dataclass
class NoteIn:
    """A ``Note`` as read."""

    guid: str
    name: str
    user: str
    at: str
    plain: str | None
    content: str | None = None
    description: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class NoteRefs:
    """Where notes and descriptions were found while reading ``project.qde``."""

    notes: dict[str, NoteIn] = field(default_factory=dict)
    project: list[str] = field(default_factory=list)  # note GUIDs
    codes: list[tuple[str, str]] = field(default_factory=list)  # (code GUID, note GUID)
    sources: list[tuple[int, str]] = field(default_factory=list)  # (source index, note GUID)
    selections: list[tuple[int, str]] = field(default_factory=list)  # (selection, note GUID)
    descriptions: list[tuple[str, object, str]] = field(default_factory=list)
    # (kind: project / case / selection / source, target, text)
