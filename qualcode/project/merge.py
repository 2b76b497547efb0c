"""Merging another coder's work into a project: one mechanism for .qdpx files and projects.

A colleague codes the same interviews in their own copy (a qualcode project, NVivo, QualCoder,
...). What comes in (:class:`Incoming`: turns, people's codings, rejections, codebook, cases,
memos) is merged by :func:`merge_into`:

- *Interviews are matched by their text*, not by file or turn ids: the checksum of an
  interview's normalised turn texts (Unicode NFC, whitespace runs as one space, each turn
  trimmed) finds the project's interview with the same text; its turns are then the project's
  turns, in order. An interview with no match by text but the name of one of the project's is
  refused (its text differs), unless ``as_new``, which adds it under a new name. Other
  interviews are added as new transcripts (turn ids kept, or made unique).
- *Codings land on the project's turns under their own coder names* (a coder is a name: NVivo
  gives the same person a new user GUID in every export, and the reader already turned GUIDs
  into names). A coding the project has (same turn, code, coder and span) is not added again.
- A person's rejection of a suggestion is carried onto the project's suggestion of the same turn
  and code, if the project has one that this person has not decided; accepted suggestions come
  as that person's codings.
- Codes the project lacks are added to its codebook (in their themes); cases the project lacks
  (by name) are added, cases it has are left as they are; memos are added unless the project
  has the same memo (about, target, author, text).

Everything is one batch (one ``undo`` removes the whole merge); when nothing is new no batch is
made at all, so merging the same file twice changes nothing and logs nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook, Theme
from qualcode.errors import ProjectError
from qualcode.transcripts.builder import slugify

if TYPE_CHECKING:
    from qualcode.project.project import Project

__all__ = ["Incoming", "MergeResult", "interview_keys", "merge_into", "with_codes_of"]

MEMO_KEY = ["about", "target", "author", "text"]
_SPACE_RE = re.compile(r"\s+")
_CODING_KEY = [schema.TURN_ID, schema.CODE, schema.CODER, schema.SPAN_START, schema.SPAN_END]


@dataclass
class Incoming:
    """Another coder's work, as tables.

    Attributes
    ----------
    name : str
        Where it comes from (a file name), for messages and the log.
    turns : DataFrame
        The turns table; each interview is matched or added whole.
    codings : DataFrame
        People's codings (coder = a person's name) on ``turns``.
    codebook : Codebook
        The codes the codings use (and any others).
    code_guids : dict of str to str
        GUIDs to keep for codes the project lacks.
    suggestions : DataFrame, optional
        Machine codings (coders ``rules``/``model``) on ``turns``: added as suggestions where
        the project has none of that turn, code and coder.
    rejections : DataFrame, optional
        turn_id, code, coder: suggestions a person rejected.
    cases : DataFrame, optional
        The cases table.
    memos : DataFrame, optional
        about, target, author, text (targets: turn ids of ``turns``, codes, cases).
    """

    name: str
    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    code_guids: dict[str, str] = field(default_factory=dict)
    suggestions: pd.DataFrame | None = None
    rejections: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None
    memos: pd.DataFrame | None = None


@dataclass
class MergeResult:
    """What :func:`merge_into` did (counts of what was new; ``batch`` None if nothing was)."""

    matched: dict[str, str] = field(default_factory=dict)  # incoming interview -> project's
    added: list[str] = field(default_factory=list)  # interviews added (their names in P)
    renamed: dict[str, str] = field(default_factory=dict)  # added under another name (as_new)
    codes: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    suggestions: int = 0
    rejections: int = 0
    rejections_unmatched: int = 0
    cases: int = 0
    cases_kept: int = 0
    memos: int = 0
    batch: int | None = None

    @property
    def changed(self) -> bool:
        """Did the merge change the project?"""
        return self.batch is not None


def _text_or_none(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _normal(text: str) -> str:
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _groups(turns: pd.DataFrame) -> dict[str, np.ndarray]:
    """Interview -> positions of its rows, interviews in order of first appearance."""
    ivs = pd.Index(turns[schema.INTERVIEW].astype(str).to_numpy(dtype=object))
    codes, names = pd.factorize(ivs)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {str(name): order[bounds[k] : bounds[k + 1]] for k, name in enumerate(names.tolist())}


def interview_keys(turns: pd.DataFrame) -> dict[str, str]:
    """Interview -> checksum of its normalised turn texts (in order; see the module notes)."""
    out: dict[str, str] = {}
    if turns.empty:
        return out
    texts = turns[schema.TEXT].to_numpy(dtype=object)
    for iv, rows in _groups(turns).items():
        joined = "\x1e".join(_normal(str(t)) for t in texts[rows])
        out[iv] = hashlib.sha256(joined.encode("utf-8")).hexdigest()
    return out


def with_codes_of(base: Codebook, extra: Codebook) -> Codebook:
    """``base`` with the codes of ``extra`` it lacks (in their themes; new themes at the end)."""
    have = set(base.code_names)
    themes = list(base.themes)
    names = [t.name for t in themes]
    for theme in extra.themes:
        new = tuple(c for c in theme.codes if c.name not in have)
        if not new:
            continue
        if theme.name in names:
            k = names.index(theme.name)
            themes[k] = dataclasses.replace(themes[k], codes=themes[k].codes + new)
        else:
            themes.append(Theme(name=theme.name, label=theme.label, codes=new))
            names.append(theme.name)
    return dataclasses.replace(base, themes=tuple(themes))


def _unique(name: str, used: set[str]) -> str:
    out, n = name, 2
    while out in used:
        out, n = f"{name} ({n})", n + 1
    used.add(out)
    return out


def _pick(candidates: list[str], name: str, taken: set[str]) -> str | None:
    """The project's interview with the same text for incoming ``name``: the one of the same
    name, else the first not matched yet (a study may hold the same text twice)."""
    if name in candidates:
        return name
    free = [c for c in candidates if c not in taken]
    return free[0] if free else (candidates[0] if candidates else None)


def _plan_turns(
    project: Project, incoming: Incoming, *, as_new: bool
) -> tuple[dict[str, str], pd.DataFrame, MergeResult]:
    """Incoming turn id -> project turn id, the turns to add, and the interviews matched."""
    mine = project.turns()
    theirs = schema.validate_turns(incoming.turns) if len(incoming.turns) else mine.iloc[:0]
    result = MergeResult()
    by_key: dict[str, list[str]] = {}
    for iv, key in interview_keys(mine).items():
        by_key.setdefault(key, []).append(iv)
    taken: set[str] = set()
    names = set(mine[schema.INTERVIEW].astype(str))
    my_ids = mine[schema.TURN_ID].to_numpy(dtype=object)
    my_rows = _groups(mine)
    their_rows = _groups(theirs)
    their_ids = theirs[schema.TURN_ID].to_numpy(dtype=object)
    mapping: dict[str, str] = {}
    new_parts: list[pd.DataFrame] = []
    used_ids = set(my_ids.tolist())
    sources = set(mine[schema.SOURCE].astype(str))
    for iv, key in interview_keys(theirs).items():
        target = _pick(by_key.get(key, []), iv, taken)
        if target is not None:
            taken.add(target)
            mapping.update(
                zip(
                    their_ids[their_rows[iv]].tolist(),
                    my_ids[my_rows[target]].tolist(),
                    strict=True,
                )
            )
            result.matched[iv] = target
            continue
        name = iv
        if iv in names:
            if not as_new:
                msg = (
                    f"{incoming.name}: interview {iv!r} is in the project already, with other "
                    "text (edited, or another transcription); refusing to merge it. Merge with "
                    "--as-new (as_new=True) to add it as a new interview next to the project's"
                )
                raise ProjectError(msg, path=project.path)
            name = _unique(f"{iv} ({Path(incoming.name).stem})", names)
            result.renamed[iv] = name
        names.add(name)
        part = theirs.iloc[their_rows[iv]].copy()
        old_ids = part[schema.TURN_ID].astype(str).tolist()
        if name != iv or used_ids.intersection(old_ids):
            base = slugify(name)
            new_ids = []
            for pos in range(1, len(old_ids) + 1):
                tid, n = f"{base}-{pos:04d}", 2
                while tid in used_ids:
                    tid, n = f"{base}-{n}-{pos:04d}", n + 1
                new_ids.append(tid)
            part[schema.TURN_ID] = new_ids
        used_ids.update(part[schema.TURN_ID].astype(str))
        part[schema.INTERVIEW] = name
        mapping.update(zip(old_ids, part[schema.TURN_ID].astype(str), strict=True))
        new_parts.append(part)
        result.added.append(name)
    new_turns = pd.concat(new_parts, ignore_index=True) if new_parts else theirs.iloc[:0]
    if len(new_turns):
        # a transcript of the project with the same source name would be taken as this one
        src = new_turns[schema.SOURCE].astype(str)
        renamed = {s: _unique(s, sources) if s in sources else s for s in dict.fromkeys(src)}
        new_turns[schema.SOURCE] = src.map(renamed)
    return mapping, new_turns, result


def _spans_onto(
    codings: pd.DataFrame, mapping: dict[str, str], mine: pd.Series, theirs: pd.Series
) -> pd.DataFrame:
    """Codings moved onto the project's turn ids; a span on a turn whose text differs (only by
    whitespace) is placed where its text is in the project's turn, else the whole turn."""
    out = codings.copy()
    old = out[schema.TURN_ID].astype(str)
    out[schema.TURN_ID] = old.map(mapping)
    spans = out[schema.SPAN_START].notna().to_numpy()
    if not spans.any():
        return out
    their_text = old.map(theirs).to_numpy(dtype=object)
    my_text = out[schema.TURN_ID].map(mine).to_numpy(dtype=object)
    differ = np.flatnonzero(spans & (their_text != my_text))
    if not len(differ):
        return out
    starts = out[schema.SPAN_START].astype("float64").to_numpy(na_value=np.nan, copy=True)
    ends = out[schema.SPAN_END].astype("float64").to_numpy(na_value=np.nan, copy=True)
    for k in differ.tolist():
        piece = str(their_text[k])[int(starts[k]) : int(ends[k])]
        at = str(my_text[k]).find(piece) if piece else -1
        starts[k], ends[k] = (at, at + len(piece)) if at >= 0 else (np.nan, np.nan)
    out[schema.SPAN_START] = pd.Series(starts, index=out.index).astype("Int64")
    out[schema.SPAN_END] = pd.Series(ends, index=out.index).astype("Int64")
    return out


def _key_index(table: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    arrays = []
    for col in key:
        values = table[col]
        if col in (schema.SPAN_START, schema.SPAN_END):
            arrays.append(values.astype("float64").fillna(-1).to_numpy())
        else:
            arrays.append(values.astype(str).to_numpy(dtype=object))
    return pd.MultiIndex.from_arrays(arrays)


def _fresh(table: pd.DataFrame, have: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows of ``table`` whose ``key`` is not in ``have`` (nor repeated in ``table``)."""
    if table.empty:
        return table
    idx = _key_index(table, key)
    keep = ~idx.duplicated()
    if len(have):
        keep &= ~idx.isin(_key_index(have, key))
    return table[np.asarray(keep, dtype=bool)]


def merge_into(
    project: Project,
    incoming: Incoming,
    *,
    as_new: bool = False,
    action: str = "merge",
    who: str | None = None,
) -> MergeResult:
    """Merge another coder's work into ``project`` as one batch (see the module notes).

    Parameters
    ----------
    project : Project
    incoming : Incoming
        What comes in.
    as_new : bool, default False
        Add an interview whose name the project has but whose text differs as a new interview
        (named ``<name> (<file stem>)``) instead of refusing the merge.
    action : str, default "merge"
        The batch's name in the log (``import`` for a .qdpx).
    who : str, optional
        Recorded in the log.

    Returns
    -------
    MergeResult
        What was matched and added (``batch`` None when nothing was new).

    Raises
    ------
    ProjectError
        An interview with the project's name but other text (without ``as_new``). Nothing is
        changed then.
    QualcodeError
        Tables that do not fit (checked before anything is stored).
    """
    mapping, new_turns, result = _plan_turns(project, incoming, as_new=as_new)
    book = project.codebook()
    merged_book = with_codes_of(book, incoming.codebook)
    result.codes = len(merged_book.codes) - len(book.codes)

    mine = project.turns()
    my_text = pd.Series(mine[schema.TEXT].astype(str).to_numpy(), index=mine[schema.TURN_ID])
    their_text = pd.Series(
        incoming.turns[schema.TEXT].astype(str).to_numpy(), index=incoming.turns[schema.TURN_ID]
    )
    codings = schema.validate_codings(incoming.codings) if len(incoming.codings) else None
    if codings is not None:
        added_text = pd.Series(
            new_turns[schema.TEXT].astype(str).to_numpy(), index=new_turns[schema.TURN_ID]
        )
        all_text = pd.concat([my_text, added_text])
        codings = _spans_onto(codings, mapping, all_text, their_text)
        coders = sorted(set(codings[schema.CODER].astype(str)))
        codings = _fresh(codings, project.codings(people=True, coder=coders), _CODING_KEY)
        result.codings = len(codings)
        result.coders = list(dict.fromkeys(codings[schema.CODER].astype(str)))

    suggestions = _plan_suggestions(project, incoming, mapping, result)
    decisions = _plan_rejections(project, incoming, mapping, result)
    cases = _plan_cases(project, incoming, result)
    memos = _plan_memos(project, incoming, mapping, result)
    todo = [len(new_turns), result.codes, result.codings, result.suggestions, len(decisions)]
    if not any(todo) and cases is None and not len(memos):
        return result
    with project.batch(action, who=who) as batch:
        if result.codes:
            project.set_codebook(merged_book, who=who, code_guids=incoming.code_guids)
        if len(new_turns):
            project.add_turns(new_turns, who=who)
        if codings is not None and len(codings):
            project.add_codings(codings, who=who)
        if suggestions is not None:
            project.add_suggestions(suggestions, who=who)
        for coder, part in decisions.groupby("coder", sort=False):
            project.decide(part[["suggestion_id", "decision"]], coder=str(coder))
        if cases is not None:
            project.set_cases(cases, who=who)
        for memo in memos.itertuples(index=False):
            target = _text_or_none(memo.target)
            project.add_memo(
                str(memo.text),
                turn=target if memo.about == "turn" else None,
                code=target if memo.about == "code" else None,
                case=target if memo.about == "case" else None,
                author=str(memo.author),
            )
        result.batch = batch
    return result


def _plan_suggestions(
    project: Project, incoming: Incoming, mapping: dict[str, str], result: MergeResult
) -> pd.DataFrame | None:
    """The machine codings to store: the project's open ones (storing suggestions replaces a
    coder's open ones) and the new ones; None when none is new."""
    table = incoming.suggestions
    if table is None or table.empty:
        return None
    table = schema.validate_codings(table)
    table = table.assign(turn_id=table[schema.TURN_ID].astype(str).map(mapping))
    have = project.codings(coder=sorted(set(table[schema.CODER].astype(str))))
    new = _fresh(table, have, [schema.TURN_ID, schema.CODE, schema.CODER])
    result.suggestions = len(new)
    if new.empty:
        return None
    pending = project.suggestions()
    pending = pending[pending[schema.CODER].isin(set(new[schema.CODER]))]
    return pd.concat([pending[list(schema.CODING_COLUMNS)], new], ignore_index=True)


def _plan_rejections(
    project: Project, incoming: Incoming, mapping: dict[str, str], result: MergeResult
) -> pd.DataFrame:
    cols = ["suggestion_id", "decision", "coder"]
    rej = incoming.rejections
    if rej is None or rej.empty:
        return pd.DataFrame(columns=cols)
    rej = rej.assign(turn_id=rej[schema.TURN_ID].astype(str).map(mapping)).dropna(
        subset=[schema.TURN_ID]
    )
    open_ = project.suggestions()
    decided = project.decisions()
    out = []
    for coder, part in rej.groupby(schema.CODER, sort=False):
        done = set(decided.loc[decided[schema.CODER] == coder, "suggestion_id"])
        avail = open_[~open_["suggestion_id"].isin(done)]
        ids = avail.drop_duplicates([schema.TURN_ID, schema.CODE]).set_index(
            [schema.TURN_ID, schema.CODE]
        )["suggestion_id"]
        keys = pd.MultiIndex.from_frame(part[[schema.TURN_ID, schema.CODE]].astype(str))
        found = ids.reindex(keys)
        result.rejections_unmatched += int(found.isna().sum())
        for sid in found.dropna().astype(int):
            out.append((sid, "reject", str(coder)))
    result.rejections = len(out)
    return pd.DataFrame(out, columns=cols)


def _plan_cases(project: Project, incoming: Incoming, result: MergeResult) -> pd.DataFrame | None:
    cases = incoming.cases
    if cases is None or cases.empty:
        return None
    cases = cases.copy()
    if schema.INTERVIEW in cases.columns:
        renamed = cases[schema.INTERVIEW].astype("string")
        names = {**result.matched, **result.renamed}
        cases[schema.INTERVIEW] = renamed.map(lambda v: names.get(v, v) if pd.notna(v) else v)
    have = set(project.cases()["case"].astype(str))
    new = cases[~cases["case"].astype(str).isin(have)]
    result.cases_kept = len(set(cases["case"].astype(str)) & have)
    result.cases = int(new["case"].nunique())
    return new if len(new) else None


def _plan_memos(
    project: Project, incoming: Incoming, mapping: dict[str, str], result: MergeResult
) -> pd.DataFrame:
    memos = incoming.memos
    if memos is None or memos.empty:
        return pd.DataFrame(columns=MEMO_KEY)
    memos = memos.copy()
    on_turn = (memos["about"] == "turn").to_numpy()
    memos.loc[on_turn, "target"] = memos.loc[on_turn, "target"].astype(str).map(mapping)
    memos = memos[~(on_turn & memos["target"].isna().to_numpy())]
    have = project.memos()
    fresh = _fresh(memos.fillna({"target": ""}), have.fillna({"target": ""}), MEMO_KEY)
    fresh = fresh.assign(target=fresh["target"].replace("", pd.NA))
    result.memos = len(fresh)
    return fresh


def merge_project(
    project: Project, other: str | Path, *, as_new: bool = False, who: str | None = None
) -> MergeResult:
    """Merge a colleague's copy of a qualcode project (its transcripts, people's codings and
    decisions, memos, cases and codes) into ``project``; see :func:`merge_into`."""
    path = Path(other)
    if path.resolve() == project.path.resolve():
        msg = "this is the project itself; expected a colleague's copy to merge"
        raise ProjectError(msg, path=path)
    with type(project).open(path) as theirs:  # opened as this one is: no import of Project
        decisions = theirs.decisions()
        rejected = decisions[decisions["decision"] == "rejected"]
        incoming = Incoming(
            name=path.name,
            turns=theirs.turns(),
            codings=theirs.codings(people=True),
            codebook=theirs.codebook(),
            code_guids=theirs.code_guids(),
            rejections=rejected[[schema.TURN_ID, schema.CODE, schema.CODER]],
            cases=theirs.cases(),
            memos=theirs.memos(),
        )
    return merge_into(project, incoming, as_new=as_new, who=who)
