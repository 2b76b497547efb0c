"""Read a REFI-QDA project (``.qdpx``): :func:`read_qdpx`.

What real exporters write and how it is read:

- ``project.qde`` (or the one ``*.qde`` at the top of the archive), with or without a byte-order
  mark; elements in the QDA-XML namespace of any version or in none; elements of other
  namespaces and unknown elements are skipped.
- GUIDs in braces, upper or lower case (:func:`~qualcode.exchange.refi.guids.normalize_guid`).
- Text sources by ``plainTextPath`` (``internal://x.txt``, ``relative://x.txt``, or a bare name)
  or ``PlainTextContent``; the plain text is used even when ``richTextPath`` names a .docx or
  the source is a PDF's text ``Representation``. ``internal://`` is looked up in the archive's
  ``sources/`` (or ``Sources/``) folder; ``relative://`` there too, then beside the ``.qdpx``
  (also in ``<name> Media/``, where ATLAS.ti puts them), never outside that folder.
  ``absolute://`` paths are not read (a file someone sent cannot name files on this machine).
- Line ends: positions count the characters of the file as written (CRLF is two), which is
  what NVivo and QualCoder do; ATLAS.ti and MAXQDA count CRLF as one, so for a project whose
  ``origin`` names them CRLF becomes LF before positions are applied.
- Turns: a source whose text has speaker labels is read by qualcode's transcript parser (with
  the speakers and roles qualcode wrote, when the source carries ``qualcode speaker roles``);
  one without labels becomes one ``unknown`` turn per paragraph. A source is one interview,
  named after the source (its positions run 1.. over the source even where the parser sees
  headings). Turn ids are built as qualcode builds them (``<interview slug>-0001``), so an
  export of turns read by qualcode comes back with the same ids.
- A source's interview is its ``qualcode interview`` variable when it has one (qualcode writes
  file-safe source names and keeps the full name there), else the source's name.
- Memos come from notes and descriptions (:mod:`qualcode.exchange.refi.notes`); cases as
  :mod:`qualcode.exchange.refi.cases` says; a case's reference to a GUID that is not in the file
  (QualCoder writes these) is left out with a warning.
- Selections map onto turns as :mod:`qualcode.exchange.refi.align` says. A ``Coding``'s coder
  is the name of its ``creatingUser``; without one, the selection's, then the project's
  creating user, then the only user if there is one, else ``unknown``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.errors import ExchangeWarning, TranscriptParseError
from qualcode.exchange.refi.align import TurnMap
from qualcode.exchange.refi.archive_texts import find_qde, note_text, source_text
from qualcode.exchange.refi.cases import cases_table
from qualcode.exchange.refi.guids import normalize_guid
from qualcode.exchange.refi.notes import CASE_NOTE, MEMO_COLUMNS, empty_memos
from qualcode.exchange.refi.qde import QdeReader
from qualcode.exchange.refi.safety import (
    MAX_BYTES,
    MAX_ENTRY_BYTES,
    SafeArchive,
)
from qualcode.exchange.refi.writer import INTERVIEW_VARIABLE, ROLES_VARIABLE
from qualcode.transcripts.api import parse_transcript
from qualcode.transcripts.builder import UNKNOWN_SPEAKER, slugify

__all__ = ["UNKNOWN_CODER", "RefiProject", "read_qdpx"]

logger = logging.getLogger(__name__)

UNKNOWN_CODER = "unknown"
_CRLF_AS_ONE = re.compile(r"(?i)atlas|maxqda")


@dataclass(frozen=True)
class RefiProject:
    """A REFI-QDA project read into qualcode's tables.

    Attributes
    ----------
    name : str
        The project's name.
    turns : DataFrame
        The turns table (validated): one interview per text source.
    codings : DataFrame
        The codings table: coder = the REFI-QDA user's name, score 1.0, spans where a selection
        covers part of a turn.
    codebook : Codebook
        The codes (see :mod:`qualcode.exchange.refi.codes`).
    code_guids : dict of str to str
        Code (and theme) name -> GUID in the file.
    cases : DataFrame or None
        The cases table (case, interview, speaker, one column per variable), None if none.
    sources : list of (str, str)
        (interview name, plain text) per text source, in file order.
    users : dict of str to str
        User GUID -> name.
    origin : str
        The program that wrote the file (``origin`` attribute), "" if not said.
    memos : DataFrame
        about (project, code, turn, case), target, author, at, text.
    """

    name: str
    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    code_guids: dict[str, str] = field(default_factory=dict)
    cases: pd.DataFrame | None = None
    sources: list[tuple[str, str]] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    memos: pd.DataFrame = field(default_factory=empty_memos)


def _parse_turns(text: str, roles: dict[str, str] | None) -> pd.DataFrame:
    if not text.strip():
        return schema.empty_turns()
    speakers = list(roles) if roles else None
    # a REFI source's paragraphs are its units: each stays a turn (no merging of runs)
    try:
        return parse_transcript(
            text, source="source.txt", roles=roles, speakers=speakers, keep_paragraphs=True
        )
    except TranscriptParseError:
        try:
            return parse_transcript(
                text, source="source.txt", single_speaker=True, keep_paragraphs=True
            )
        except TranscriptParseError:
            return schema.empty_turns()


def _roles_of(values: dict[str, str], var_guid: str | None) -> dict[str, str] | None:
    if var_guid is None or var_guid not in values:
        return None
    out: dict[str, str] = {}
    for line in values[var_guid].splitlines():
        label, sep, role = line.rpartition("=")
        if sep and label.strip() and role.strip() in schema.ROLES:
            out[label.strip()] = role.strip()
    return out or None


def read_qdpx(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_entry_bytes: int = MAX_ENTRY_BYTES
) -> RefiProject:
    """Read a REFI-QDA project (``.qdpx``) into turns, codings, codebook and cases.

    Parameters
    ----------
    path : str or Path
        A ``.qdpx`` written by qualcode, NVivo, ATLAS.ti, MAXQDA, QualCoder, qualitative-coding...
    max_bytes : int, default 4 GiB
        Most bytes the archive may unpack to (all entries together, counted while reading).
    max_entry_bytes : int, default 1 GiB
        Most bytes one entry (or a source beside the archive) may unpack to.

    Returns
    -------
    RefiProject
        See :class:`RefiProject`; the module notes say how each part is read.

    Raises
    ------
    ExchangeError
        For a missing, truncated or corrupt archive, entries that escape it or unpack beyond
        ``max_bytes``, no ``project.qde``, malformed XML or XML with entities, a source whose
        text is missing, or a selection position that is not a number. Nothing is returned
        then: the import is all or nothing.
    """
    qdpx = Path(path)
    with SafeArchive(qdpx, max_bytes=max_bytes, max_entry_bytes=max_entry_bytes) as archive:
        entry = find_qde(archive)
        state = QdeReader(qdpx, entry)
        with archive.open(entry) as fh:
            state.run(fh)
        texts = [source_text(archive, src, qdpx) for src in state.sources]
        note_texts = {g: note_text(archive, n, qdpx) for g, n in state.notes.notes.items()}
    for kind, n in state.skipped.items():
        warnings.warn(
            f"{qdpx}: {n} {kind} element(s) skipped; only text sources are imported",
            ExchangeWarning,
            stacklevel=2,
        )
    origin = state.project.get("origin", "")
    if _CRLF_AS_ONE.search(origin):
        texts = [t.replace("\r\n", "\n") if t is not None else None for t in texts]
    return _assemble(qdpx, state, texts, origin, note_texts)


def _assemble(
    qdpx: Path,
    state: QdeReader,
    texts: list[str | None],
    origin: str,
    note_texts: dict[str, str],
) -> RefiProject:
    roles_var = next((g for g, n in state.variables.items() if n == ROLES_VARIABLE), None)
    iv_var = next((g for g, n in state.variables.items() if n == INTERVIEW_VARIABLE), None)
    ours = {roles_var, iv_var}
    used_names: set[str] = set()
    used_slugs: set[str] = set()
    cols: dict[str, list[Any]] = {c: [] for c in schema.TURN_COLUMNS}
    maps: dict[int, TurnMap] = {}
    offsets: dict[int, int] = {}
    source_names: dict[str, str] = {}
    sources: list[tuple[str, str]] = []
    for k, (src, text) in enumerate(zip(state.sources, texts, strict=True)):
        if text is None:
            continue
        name = src.name or (Path(src.plain).stem if src.plain else "") or src.guid
        if iv_var is not None and src.values.get(iv_var, "").strip():
            name = src.values[iv_var].strip()
        base, n = name, 2
        while name in used_names:
            name, n = f"{base} ({n})", n + 1
        used_names.add(name)
        source_names[src.guid] = name
        sources.append((name, text))
        slug, n = slugify(name), 2
        while slug in used_slugs:
            slug, n = f"{slugify(name)}-{n}", n + 1
        used_slugs.add(slug)
        parsed = _parse_turns(text, _roles_of(src.values, roles_var))
        ptexts = parsed[schema.TEXT].tolist()
        pspk = parsed[schema.SPEAKER].astype("string").fillna(UNKNOWN_SPEAKER).tolist()
        lines = [None if pd.isna(x) else int(x) for x in parsed[schema.LINE]]
        maps[k] = TurnMap.build(text, ptexts, pspk, lines)
        offsets[k] = len(cols[schema.TURN_ID])
        m = len(parsed)
        cols[schema.TURN_ID] += [f"{slug}-{p:04d}" for p in range(1, m + 1)]
        cols[schema.INTERVIEW] += [name] * m
        cols[schema.POSITION] += list(range(1, m + 1))
        cols[schema.SPEAKER] += pspk
        cols[schema.ROLE] += parsed[schema.ROLE].astype("string").tolist()
        cols[schema.TEXT] += ptexts
        cols[schema.START] += [pd.NA] * m
        cols[schema.END] += [pd.NA] * m
        cols[schema.SOURCE] += [qdpx.name] * m
        cols[schema.LINE] += lines
    turns = schema.validate_turns(pd.DataFrame(cols), source=qdpx)

    # codebook: a codable theme node is a code too when codings use it
    # GUIDs were kept as written: normalise each distinct value once
    spell = {g: normalize_guid(g) for g in {*state.cod_code, *state.cod_user}}
    cod_code = [spell[g] for g in state.cod_code]
    cod_user = [spell[g] for g in state.cod_user]
    codebook, code_guids, code_of = state.codes.build(coded=set(cod_code))
    codebook = Codebook(
        name=state.project.get("name") or qdpx.stem, themes=codebook.themes, source=qdpx
    )

    # the turns each selection covers
    sel_turns: dict[int, list[tuple[int, int, int]]] = {}
    unmapped = 0
    for k, src in enumerate(state.sources):
        if k not in maps:
            continue
        off, length = offsets[k], len(texts[k] or "")
        starts = [state.sel_start[s] for s in src.selections]
        ends = [length if state.sel_end[s] < 0 else state.sel_end[s] for s in src.selections]
        for s, hits in zip(src.selections, maps[k].covered(starts, ends), strict=True):
            if not hits:
                unmapped += 1
            sel_turns[s] = [(off + t, a, b) for t, a, b in hits]
    coder_of = _coder_names(state)
    turn_ids = cols[schema.TURN_ID]
    rows: dict[str, list[Any]] = {
        c: []
        for c in (schema.TURN_ID, schema.CODE, schema.CODER, schema.SPAN_START, schema.SPAN_END)
    }
    unknown_codes = 0
    for s, user, code_guid in zip(state.cod_sel, cod_user, cod_code, strict=True):
        code = code_of.get(code_guid)
        if code is None:
            unknown_codes += 1
            continue
        coder = coder_of(user)
        for t, a, b in sel_turns.get(s, ()):
            rows[schema.TURN_ID].append(turn_ids[t])
            rows[schema.CODE].append(code)
            rows[schema.CODER].append(coder)
            rows[schema.SPAN_START].append(a if a >= 0 else pd.NA)
            rows[schema.SPAN_END].append(b if b >= 0 else pd.NA)
    if unmapped:
        warnings.warn(
            f"{qdpx}: {unmapped} selection(s) cover no turn text (text the transcript parser "
            "does not read as speech, such as a title); their codings are not imported",
            ExchangeWarning,
            stacklevel=3,
        )
    if unknown_codes:
        warnings.warn(
            f"{qdpx}: {unknown_codes} coding(s) refer to codes not in the codebook; skipped",
            ExchangeWarning,
            stacklevel=3,
        )
    codings = pd.DataFrame(rows)
    codings = codings.drop_duplicates().reset_index(drop=True)
    codings = (
        schema.validate_codings(codings, source=qdpx) if len(codings) else schema.empty_codings()
    )

    wanted = {g for case in state.cases for g in case.selection_refs}
    guid_index = {normalize_guid(g): s for s, g in enumerate(state.sel_guid) if g} if wanted else {}
    known = {s.guid for s in state.sources} | state.other_sources
    for case in state.cases:
        for guid in case.dangling(known, set(guid_index)):
            warnings.warn(
                f"{qdpx}: case {case.name or case.guid!r} refers to {guid}, which is not in the "
                "file; that link is left out",
                ExchangeWarning,
                stacklevel=3,
            )
    selection_turns = {
        g: [t for t, _, _ in sel_turns.get(guid_index[g], [])] for g in wanted if g in guid_index
    }
    cases = cases_table(
        state.cases,
        variables={g: n for g, n in state.variables.items() if g not in ours},
        source_names=source_names,
        source_values={
            s.guid: {g: v for g, v in s.values.items() if g not in ours} for s in state.sources
        },
        selection_turns=selection_turns,
        turns=turns,
    )
    return RefiProject(
        name=state.project.get("name", ""),
        turns=turns,
        codings=codings,
        codebook=codebook,
        code_guids=code_guids,
        cases=cases,
        sources=sources,
        users=dict(state.users),
        origin=origin,
        memos=_memos(state, note_texts, maps, offsets, sel_turns, turn_ids, code_of, coder_of),
    )


def _memos(
    state: QdeReader,
    note_texts: dict[str, str],
    maps: dict[int, TurnMap],
    offsets: dict[int, int],
    sel_turns: dict[int, list[tuple[int, int, int]]],
    turn_ids: list[str],
    code_of: dict[str, str],
    coder_of: Callable[[str], str],
) -> pd.DataFrame:
    """The memos table from the notes and descriptions read (see the notes module)."""
    refs = state.notes
    rows: list[tuple[object, ...]] = []
    placed: set[str] = set()

    def add(about: str, target: object, guid: str | None, body: str, user: str = "", at: str = ""):
        if not body.strip():
            return
        if guid is not None:
            note = refs.notes[guid]
            placed.add(guid)
            user, at = note.user, note.at
        rows.append((about, target, coder_of(user), at or pd.NA, body.strip()))

    def first_turn(hits: list[tuple[int, int, int]]) -> str | None:
        return turn_ids[hits[0][0]] if hits else None

    for code_guid, guid in refs.codes:
        if guid in refs.notes and code_guid in code_of:
            add("code", code_of[code_guid], guid, note_texts[guid])
    for k, guid in refs.sources:
        note = refs.notes.get(guid)
        if note is None or k not in maps or note.start is None or note.end is None:
            continue
        hits = maps[k].covered([note.start], [note.end])[0]
        turn = first_turn([(offsets[k] + t, a, b) for t, a, b in hits])
        if turn is not None:
            add("turn", turn, guid, note_texts[guid])
    for s, guid in refs.selections:
        turn = first_turn(sel_turns.get(s, []))
        if guid in refs.notes and turn is not None:
            add("turn", turn, guid, note_texts[guid])
    for kind, target, body in refs.descriptions:
        if kind == "selection":
            turn = first_turn(sel_turns.get(int(str(target)), []))
            if turn is not None:
                add("turn", turn, None, body)
        else:
            add("project", pd.NA, None, body)
    for src in state.sources:
        if src.description:
            add("project", pd.NA, None, f"{src.name or src.guid}: {src.description}")
    case_names = {c.name for c in state.cases if c.name}
    from_notes: dict[str, list[str]] = {}
    for guid in [*refs.project, *refs.notes]:
        if guid not in refs.notes or guid in placed:
            continue
        name = refs.notes[guid].name
        of_case = name[len(CASE_NOTE) :] if name.startswith(CASE_NOTE) else None
        if of_case in case_names:
            add("case", of_case, guid, note_texts[guid])
            from_notes.setdefault(str(of_case), []).append(note_texts[guid].strip())
        else:
            add("project", pd.NA, guid, note_texts[guid])
    for case in state.cases:
        written = "\n\n".join(from_notes.get(case.name, []))
        if case.description and case.name and case.description.strip() != written:
            add("case", case.name, None, case.description)
    if not rows:
        return empty_memos()
    return pd.DataFrame(rows, columns=MEMO_COLUMNS)


def _coder_names(state: QdeReader) -> Callable[[str], str]:
    users = state.users
    project_user = normalize_guid(state.project.get("creatingUserGUID"))
    only = next(iter(users.values())) if len(users) == 1 else None

    def coder_of(guid: str) -> str:
        if guid:
            return users.get(guid) or f"user-{guid[:8]}"
        if project_user and project_user in users:
            return users[project_user]
        return only or UNKNOWN_CODER

    return coder_of
