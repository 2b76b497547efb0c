"""Report tables: coded segments, frequencies, co-occurrence and coder comparison.

Every function here is pure: it takes the ``turns`` and ``codings`` tables (see
:mod:`qualcode.schema`) and a :class:`~qualcode.codebook.Codebook`, and returns a DataFrame.
Codes are ordered as in the codebook everywhere and carry their labels (``Code.display``);
codes found in the codings but missing from the codebook are kept, after the codebook's
codes, under the theme ``""``.

Counting unit is the turn: a turn coded twice with the same code (two sentences, two
coders pooled) counts once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from qualcode import provenance
from qualcode.agreement import kappa_from_confusion
from qualcode.cases import case_attributes, case_of_turns, select_attributes, validate_cases
from qualcode.codebook import Codebook
from qualcode.errors import CodingsError, QualcodeError
from qualcode.schema import (
    CASE,
    CODE,
    CODER,
    EVIDENCE,
    EVIDENCE_SEP,
    INTERVIEW,
    INTERVIEWER,
    LINE,
    PARTICIPANT,
    POSITION,
    ROLE,
    ROLES,
    SCORE,
    SOURCE,
    SPAN_END,
    SPAN_START,
    SPEAKER,
    TEXT,
    TURN_ID,
    validate_codings,
    validate_turns,
)

logger = logging.getLogger(__name__)

# --- column names of the report tables ---------------------------------------------------
THEME = "theme"
THEME_LABEL = "theme_label"
CODE_LABEL = "code_label"
MARKED_TEXT = "marked_text"
SPANS = "spans"
QUESTION = "question"
QUESTION_TURN_ID = "question_turn_id"
TURNS = "turns"
BASE_TURNS = "base_turns"
SHARE = "share"
INTERVIEWS = "interviews"
INTERVIEWS_TOTAL = "interviews_total"
SPEAKERS = "speakers"
SPEAKERS_TOTAL = "speakers_total"
CODE_A, CODE_B = "code_a", "code_b"
CODER_A, CODER_B = "coder_a", "coder_b"
BOTH, ONLY_A, ONLY_B, NEITHER = "both", "only_a", "only_b", "neither"
TURNS_A, TURNS_B = "turns_a", "turns_b"
EITHER = "either"
JACCARD = "jaccard"
AGREEMENT = "agreement"
KAPPA = "kappa"
ATTRIBUTE = "attribute"
VALUE = "value"
CASES = "cases"
CASES_TOTAL = "cases_total"

#: theme name given to codes that are in the codings but not in the codebook
OTHER_THEME = ""
#: separator between spans in the ``spans`` column ("start-end; start-end")
SPAN_SEP = "; "
#: default evidence markers in ``marked_text``
MARKS = ("«", "»")

_GROUPINGS = (INTERVIEW, SPEAKER, ROLE)

Selection = str | Iterable[str] | None


# --- shared preparation ------------------------------------------------------------------
@dataclass(frozen=True)
class _Frame:
    """Validated inputs: turns, codings and the code/theme metadata in order."""

    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    meta: pd.DataFrame  # index code: code_label, theme, theme_label (codebook order)

    @property
    def codes(self) -> list[str]:
        return list(self.meta.index)

    @property
    def themes(self) -> list[str]:
        return list(dict.fromkeys(self.meta[THEME]))


def _isin(series: pd.Series, values: Iterable[object]) -> np.ndarray:
    """``series.isin(values)`` as a boolean array, fast for string columns (a Python set
    lookup; pandas' ``isin`` on Arrow strings converts every value)."""
    wanted = set(_values(values) if isinstance(values, pd.Series) else values)
    return np.fromiter((v in wanted for v in _values(series)), dtype=bool, count=len(series))


def _unique(series: pd.Series) -> list[str]:
    """Distinct non-missing values in order of first appearance."""
    return [str(v) for v in series.dropna().unique()]


def _values(series: pd.Series) -> np.ndarray:
    """The values as an object array, missing -> None (iterating Arrow strings is slow)."""
    return series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def _as_list(value: Selection) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def code_table(codebook: Codebook, codings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the codes of a codebook in order, with their labels and themes.

    Parameters
    ----------
    codebook : Codebook
        The codebook.
    codings : DataFrame, optional
        A codings table; its codes that the codebook lacks are appended (theme ``""``).

    Returns
    -------
    DataFrame
        Indexed by ``code``; columns ``code_label``, ``theme``, ``theme_label``.

    Examples
    --------
    >>> from qualcode.codebook import Codebook
    >>> code_table(Codebook.from_code_names(["identify", "retain"]))["code_label"].tolist()
    ['identify', 'retain']
    """
    rows = []
    theme_labels = {t.name: t.display for t in codebook.themes}
    for code in codebook.codes:
        rows.append((code.name, code.display, code.theme, theme_labels.get(code.theme, code.theme)))
    if codings is not None and len(codings):
        known = set(codebook.code_names)
        extra = [c for c in _unique(codings[CODE]) if c not in known]
        if extra:
            logger.warning(
                "codes not in the codebook %s are reported after its codes: %s",
                codebook.name,
                ", ".join(extra),
            )
        rows.extend((c, c, OTHER_THEME, OTHER_THEME) for c in extra)
    meta = pd.DataFrame(rows, columns=[CODE, CODE_LABEL, THEME, THEME_LABEL], dtype="string")
    return meta.set_index(CODE)


#: ids of the tables :func:`report_tables` has checked, while it builds its tables from them
#: (each table would otherwise check the same turns and codings again: half of its time)
_CHECKED: ContextVar[frozenset[int]] = ContextVar("checked_tables", default=frozenset())


def _prepare(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
) -> _Frame:
    checked = _CHECKED.get()
    t = turns if id(turns) in checked else validate_turns(turns)
    c = codings if id(codings) in checked else validate_codings(codings)
    unknown = ~_isin(c[TURN_ID], t[TURN_ID])
    if unknown.any():
        ids = _unique(c.loc[unknown, TURN_ID])
        shown = ", ".join(map(repr, ids[:5])) + (" ..." if len(ids) > 5 else "")
        msg = (
            f"{len(ids)} turn id(s) in the codings are not in the turns table ({shown}); "
            "give the turns table the codings were made on"
        )
        raise CodingsError(msg)
    if codebook is None:
        codebook = Codebook.from_code_names(_unique(c[CODE]))
    meta = code_table(codebook, c)
    coders = _as_list(coder)
    if coders is not None:
        present = _unique(c[CODER])
        missing = [x for x in coders if x not in present]
        if missing:
            msg = (
                f"no codings by coder(s) {', '.join(missing)}; "
                f"the codings hold {', '.join(present) or 'no coders'}"
            )
            raise CodingsError(msg)
        c = c[_isin(c[CODER], coders)]
    if min_score is not None:
        c = c[c[SCORE].fillna(1.0) >= float(min_score)]
    return _Frame(t, c.reset_index(drop=True), codebook, meta)


def _select_codes(frame: _Frame, codes: Selection, themes: Selection) -> list[str]:
    selected = frame.codes
    code_list = _as_list(codes)
    if code_list is not None:
        for name in code_list:
            if name not in frame.meta.index:
                frame.codebook.code(name)  # raises CodebookError naming the known codes
        selected = [c for c in selected if c in code_list]
    theme_list = _as_list(themes)
    if theme_list is not None:
        for name in theme_list:
            if name not in frame.themes:
                frame.codebook.theme(name)  # raises CodebookError naming the known themes
        selected = [c for c in selected if frame.meta.at[c, THEME] in theme_list]
    return selected


def _base_turns(turns: pd.DataFrame, roles: Selection) -> pd.DataFrame:
    role_list = _as_list(roles)
    if role_list is None:
        return turns
    bad = [r for r in role_list if r not in ROLES]
    if bad:
        msg = f"unknown role(s) {', '.join(bad)}; expected some of {', '.join(ROLES)}"
        raise QualcodeError(msg)
    return turns[_isin(turns[ROLE], role_list)]


def _interview_order(turns: pd.DataFrame) -> list[str]:
    return _unique(turns[INTERVIEW])


def _ordered(series: pd.Series, order: Sequence[str]) -> pd.Categorical:
    return pd.Categorical(series, categories=list(dict.fromkeys(order)), ordered=True)


def _with_meta(df: pd.DataFrame, meta: pd.DataFrame, *, theme: bool = True) -> pd.DataFrame:
    """Insert code_label (and theme, theme_label) after the ``code`` column."""
    out = df.copy()
    pos = list(out.columns).index(CODE)
    out.insert(pos + 1, CODE_LABEL, out[CODE].map(meta[CODE_LABEL]).astype("string"))
    if theme:
        out.insert(pos, THEME_LABEL, out[CODE].map(meta[THEME_LABEL]).astype("string"))
        out.insert(pos, THEME, out[CODE].map(meta[THEME]).astype("string"))
    return out


# --- spans -------------------------------------------------------------------------------
def format_spans(spans: Iterable[tuple[int, int]]) -> str:
    """Format character spans as ``"start-end; start-end"`` (the ``spans`` column).

    Examples
    --------
    >>> format_spans([(0, 4), (10, 15)])
    '0-4; 10-15'
    """
    return SPAN_SEP.join(f"{s}-{e}" for s, e in spans)


def parse_spans(value: object) -> list[tuple[int, int]]:
    """Parse a ``spans`` cell written by :func:`format_spans` (empty -> ``[]``).

    Examples
    --------
    >>> parse_spans("0-4; 10-15")
    [(0, 4), (10, 15)]
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    out = []
    for part in str(value).split(SPAN_SEP.strip()):
        part = part.strip()
        if not part:
            continue
        start, _, end = part.partition("-")
        try:
            out.append((int(start), int(end)))
        except ValueError as err:
            msg = f"bad span {part!r}; expected 'start-end' character offsets"
            raise QualcodeError(msg) from err
    return out


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clip spans to ``[0, length]``, drop empty ones and merge overlapping ones, in order."""
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def mark_text(
    text: str, spans: Iterable[tuple[int, int]], *, marks: tuple[str, str] = MARKS
) -> str:
    """Return ``text`` with ``marks[0]``/``marks[1]`` around each span.

    Examples
    --------
    >>> mark_text("kami menjaga hubungan dengan klien", [(13, 21)])
    'kami menjaga «hubungan» dengan klien'
    """
    return _mark(text, merge_spans(spans, len(text)), marks)


def _mark(text: str, merged: list[tuple[int, int]], marks: tuple[str, str]) -> str:
    pieces, last = [], 0
    for s, e in merged:
        pieces += [text[last:s], marks[0], text[s:e], marks[1]]
        last = e
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=16384)
def _evidence_items(evidence: str) -> tuple[str, ...]:
    items = (i.strip().lower() for i in evidence.split(EVIDENCE_SEP.strip()))
    return tuple(dict.fromkeys(i for i in items if i))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def evidence_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    """Find where the items of an ``evidence`` cell (keywords, terms) occur in ``text``.

    Matching ignores case and needs word boundaries on both sides of an item.

    Examples
    --------
    >>> evidence_spans("Klien baru dan klien lama", "klien")
    [(0, 5), (15, 20)]
    """
    items = _evidence_items(evidence or "")
    if not items:
        return []
    low = text.lower()
    if len(low) != len(text):  # lower() changed offsets (rare letters): use a regex
        alts = "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
        return [m.span() for m in pattern.finditer(text)]
    found = []
    n = len(low)
    for item in items:
        start = low.find(item)
        while start != -1:
            end = start + len(item)
            if (start == 0 or not _is_word(low[start - 1])) and (
                end == n or not _is_word(low[end])
            ):
                found.append((start, end))
            start = low.find(item, start + 1)
    return sorted(found)


# --- coded segments ----------------------------------------------------------------------
def previous_questions(turns: pd.DataFrame) -> pd.DataFrame:
    """For each turn, the closest earlier interviewer turn of the same interview."""
    t = turns[[TURN_ID, INTERVIEW, ROLE, TEXT]]
    is_q = t[ROLE] == INTERVIEWER
    q_text = t[TEXT].where(is_q)
    q_id = t[TURN_ID].where(is_q)
    prev = pd.DataFrame({QUESTION: q_text, QUESTION_TURN_ID: q_id, INTERVIEW: t[INTERVIEW]})
    shifted = prev.groupby(INTERVIEW, sort=False)[[QUESTION, QUESTION_TURN_ID]].shift(1)
    shifted[INTERVIEW] = t[INTERVIEW]
    filled = shifted.groupby(INTERVIEW, sort=False)[[QUESTION, QUESTION_TURN_ID]].ffill()
    filled.index = t[TURN_ID].to_numpy()
    return filled.astype("string")


def coded_segments(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    codes: Selection = None,
    themes: Selection = None,
    interviews: Selection = None,
    speakers: Selection = None,
    roles: Selection = None,
    coders: Selection = None,
    min_score: float | None = None,
    context: bool = False,
    spans: pd.DataFrame | None = None,
    mark_evidence: bool = True,
    marks: tuple[str, str] = MARKS,
) -> pd.DataFrame:
    """List every coded turn per code, with its evidence marked in the text.

    Several codings rows for the same turn, code and coder (for example one per coded
    sentence) become one segment whose spans are all marked.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook, optional
        Gives the order, labels and themes of the codes (default: codes in order of
        appearance, no themes).
    codes, themes, interviews, speakers, roles, coders : str or list of str, optional
        Keep only segments with these values.
    min_score : float, optional
        Keep only codings with at least this score.
    context : bool, default False
        Add the question asked before the turn (the previous interviewer turn of the
        interview) as ``question`` and ``question_turn_id``.
    spans : DataFrame, optional
        Extra evidence spans, e.g. ``KeywordCoder.explain(turns)``: columns ``turn_id``,
        ``code``, ``span_start``, ``span_end`` (and ``coder`` to restrict to one coder).
    mark_evidence : bool, default True
        Also mark where the items of the ``evidence`` cell (matched keywords, model terms)
        occur in the text.
    marks : (str, str), default ("«", "»")
        What to put before and after each marked span in ``marked_text``.

    Returns
    -------
    DataFrame
        One row per (code, turn, coder), codes in codebook order, then interview and turn
        order. Columns ``theme``, ``theme_label``, ``code``, ``code_label``, ``interview``,
        ``position``, ``turn_id``, ``speaker``, ``role``, ``coder``, ``score``, ``evidence``,
        [``question``, ``question_turn_id``], ``text``, ``marked_text``, ``spans``
        (``"start-end; ..."`` offsets into ``text``), ``source``, ``line``.

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["t1", "t2"], "interview": "N1", "position": [1, 2],
    ...     "speaker": ["P", "N1"], "role": ["interviewer", "participant"],
    ...     "text": ["Bagaimana AE mendapatkan klien?", "Lewat referensi dari klien lama."]})
    >>> codings = pd.DataFrame({"turn_id": ["t2"], "code": ["acquire"], "coder": ["rules"],
    ...     "evidence": ["referensi"]})
    >>> seg = coded_segments(turns, codings, context=True)
    >>> seg.loc[0, "question"], seg.loc[0, "marked_text"]
    ('Bagaimana AE mendapatkan klien?', 'Lewat «referensi» dari klien lama.')
    """
    frame = _prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    selected = _select_codes(frame, codes, themes)
    c = frame.codings[_isin(frame.codings[CODE], selected)]
    t = frame.turns
    for col, value in ((INTERVIEW, interviews), (SPEAKER, speakers)):
        wanted = _as_list(value)
        if wanted is not None:
            t = t[_isin(t[col], wanted)]
    t = _base_turns(t, roles)
    c = c[_isin(c[TURN_ID], t[TURN_ID])]

    keys = [TURN_ID, CODE, CODER]
    # one entry per (turn, code, coder): best score, evidence items, spans
    entries: dict[tuple[str, str, str], tuple[list[float], list[str], list[tuple[int, int]]]] = {}
    arrays = [_values(c[col]) for col in (*keys, SCORE, EVIDENCE, SPAN_START, SPAN_END)]
    for tid, code, coder, score, evidence, start, end in zip(*arrays, strict=True):
        entry = entries.get((tid, code, coder))
        if entry is None:
            entry = entries[(tid, code, coder)] = ([], [], [])
        if score is not None and score == score:  # not NaN
            entry[0].append(float(score))
        if isinstance(evidence, str) and evidence:
            entry[1].extend(i.strip() for i in evidence.split(EVIDENCE_SEP.strip()) if i.strip())
        if start is not None and end is not None:
            entry[2].append((int(start), int(end)))
    extra_map: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    extra_by_coder = False
    if spans is not None and len(spans):
        extra_by_coder = CODER in spans.columns
        cols = [TURN_ID, CODE, CODER] if extra_by_coder else [TURN_ID, CODE]
        ok = spans[spans[SPAN_START].notna() & spans[SPAN_END].notna()]
        for row in ok[[*cols, SPAN_START, SPAN_END]].itertuples(index=False):
            extra_map.setdefault(tuple(map(str, row[:-2])), []).append((int(row[-2]), int(row[-1])))

    grouped = pd.DataFrame(
        {
            TURN_ID: pd.array([k[0] for k in entries], dtype="string"),
            CODE: pd.array([k[1] for k in entries], dtype="string"),
            CODER: pd.array([k[2] for k in entries], dtype="string"),
            SCORE: np.array([max(v[0]) if v[0] else np.nan for v in entries.values()], float),
            EVIDENCE: pd.array(
                [EVIDENCE_SEP.join(dict.fromkeys(v[1])) for v in entries.values()], dtype="string"
            ),
        }
    )
    turn_cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, ROLE, TEXT, SOURCE, LINE]
    seg = grouped.merge(t[turn_cols], on=TURN_ID, how="inner")
    all_spans, marked = [], []
    rows = zip(*(_values(seg[col]) for col in (*keys, TEXT, EVIDENCE)), strict=True)
    for tid, code, coder, text, evidence in rows:
        found = list(entries[(tid, code, coder)][2])
        found += extra_map.get((tid, code, coder) if extra_by_coder else (tid, code), [])
        if mark_evidence and evidence:
            found += evidence_spans(text, evidence)
        merged = merge_spans(found, len(text))
        all_spans.append(format_spans(merged))
        marked.append(_mark(text, merged, marks))
    seg[MARKED_TEXT] = pd.array(marked, dtype="string")
    seg[SPANS] = pd.array(all_spans, dtype="string")
    if context:
        questions = previous_questions(frame.turns)
        seg[QUESTION] = questions[QUESTION].reindex(seg[TURN_ID]).to_numpy()
        seg[QUESTION_TURN_ID] = questions[QUESTION_TURN_ID].reindex(seg[TURN_ID]).to_numpy()

    order_code = _ordered(seg[CODE], frame.codes)
    order_int = _ordered(seg[INTERVIEW], _interview_order(frame.turns))
    seg = (
        seg.assign(_c=order_code, _i=order_int)
        .sort_values(["_c", "_i", POSITION, CODER], kind="stable")
        .drop(columns=["_c", "_i"])
    )
    seg = _with_meta(seg, frame.meta)
    columns: list[str] = [
        THEME,
        THEME_LABEL,
        CODE,
        CODE_LABEL,
        INTERVIEW,
        POSITION,
        TURN_ID,
        SPEAKER,
        ROLE,
        CODER,
        SCORE,
        EVIDENCE,
        *([QUESTION, QUESTION_TURN_ID] if context else []),
        TEXT,
        MARKED_TEXT,
        SPANS,
        SOURCE,
        LINE,
    ]
    out = seg[columns].reset_index(drop=True)
    for col in (QUESTION, QUESTION_TURN_ID, EVIDENCE):
        if col in out.columns:
            out[col] = out[col].astype("string")
    return out


# --- frequencies -------------------------------------------------------------------------
def _coded_pairs(frame: _Frame, base: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Distinct (turn_id, unit) pairs among the base turns; unit = code or theme."""
    c = frame.codings[_isin(frame.codings[TURN_ID], base[TURN_ID])]
    if level == "theme":
        c = c.assign(**{CODE: c[CODE].map(frame.meta[THEME])})
    return c[[TURN_ID, CODE]].drop_duplicates()


def _default_roles(roles: Selection, by: str | None) -> Selection:
    if roles is not None:
        return roles
    return None if by == ROLE else (PARTICIPANT,)


def code_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    by: str | None = None,
    level: str = "code",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count the turns coded with each code (or theme), overall or per group.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook, optional
        Order, labels and themes of the codes.
    by : {None, "interview", "speaker", "role"}
        Count per group instead of overall.
    level : {"code", "theme"}
        Count codes, or themes (a turn with any code of the theme counts once).
    coder : str or list of str, optional
        Count only these coders' codings (default: all coders, a turn counted once).
    min_score : float, optional
        Count only codings with at least this score.
    roles : str or list of str, optional
        Turns counted and used as the base of the shares. Default: participant turns
        (all roles when ``by="role"``).

    Returns
    -------
    DataFrame
        One row per code (or theme) and group, all codes listed (zeros included), in codebook
        order. Columns ``theme``, ``theme_label``, [``code``, ``code_label``], [the ``by``
        column], ``turns`` (coded turns), ``base_turns`` (turns of the group counted),
        ``share`` (turns / base_turns). Overall (``by=None``) also ``interviews`` and
        ``interviews_total`` (interviews in which the code appears, of all), ``speakers`` and
        ``speakers_total`` (likewise for speakers: "3 of 3 informants").

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["a", "b"], "interview": ["N1", "N2"],
    ...     "position": [1, 1], "speaker": ["N1", "N2"], "role": "participant",
    ...     "text": ["klien lama", "klien baru"]})
    >>> codings = pd.DataFrame({"turn_id": ["a", "b"], "code": ["retain", "acquire"]})
    >>> code_frequencies(turns, codings)[["code", "turns", "share", "interviews"]]
          code  turns  share  interviews
    0   retain      1    0.5           1
    1  acquire      1    0.5           1
    """
    if by is not None and by not in _GROUPINGS:
        msg = f"cannot count by {by!r}; expected one of {', '.join(_GROUPINGS)} or None"
        raise QualcodeError(msg)
    if level not in ("code", "theme"):
        msg = f"unknown level {level!r}; expected 'code' or 'theme'"
        raise QualcodeError(msg)
    frame = _prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = _base_turns(frame.turns, _default_roles(roles, by))
    pairs = _coded_pairs(frame, base, level=level)
    units = frame.codes if level == "code" else frame.themes
    unit_col = CODE if level == "code" else THEME

    group_col = by if by is not None else "_all"
    base = base.assign(_all="all")
    groups = _unique(base[group_col]) if len(base) else []
    base_counts = base.groupby(group_col, sort=False).size()
    keep = list(dict.fromkeys([TURN_ID, group_col, INTERVIEW, SPEAKER]))
    merged = pairs.merge(base[keep], on=TURN_ID)
    counts = merged.groupby([CODE, group_col], sort=False).size()
    index = pd.MultiIndex.from_product([units, groups], names=[unit_col, group_col])
    out = pd.DataFrame(index=index).reset_index()
    keys = list(zip(out[unit_col], out[group_col], strict=True))
    out[TURNS] = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    out[BASE_TURNS] = out[group_col].map(base_counts).astype("int64")
    out[SHARE] = (out[TURNS] / out[BASE_TURNS].where(out[BASE_TURNS] > 0)).astype("float64")
    if by is None:
        n_int = merged.groupby(CODE)[INTERVIEW].nunique()
        n_spk = merged.groupby(CODE)[SPEAKER].nunique()
        out[INTERVIEWS] = out[unit_col].map(n_int).fillna(0).astype("int64")
        out[INTERVIEWS_TOTAL] = int(base[INTERVIEW].nunique())
        out[SPEAKERS] = out[unit_col].map(n_spk).fillna(0).astype("int64")
        out[SPEAKERS_TOTAL] = int(base[SPEAKER].nunique())
        out = out.drop(columns=[group_col])
    else:
        out[group_col] = out[group_col].astype("string")
    if level == "code":
        out[CODE] = out[CODE].astype("string")
        out = _with_meta(out, frame.meta)
    else:
        labels = frame.meta.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
        out[THEME] = out[THEME].astype("string")
        out.insert(1, THEME_LABEL, out[THEME].map(labels).astype("string"))
    return out.reset_index(drop=True)


def theme_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Count the turns coded with any code of each theme; see :func:`code_frequencies`."""
    return code_frequencies(turns, codings, codebook, level="theme", **kwargs)  # type: ignore[arg-type]


def code_interview_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    value: str = "turns",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Tabulate codes (rows, codebook order) against interviews (columns, transcript order).

    Parameters
    ----------
    value : {"turns", "share"}
        Coded turns, or their share of the interview's (participant) turns.
    coder, min_score, roles
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        Index ``code`` (names), one column per interview; ``attrs["labels"]`` maps code names
        to labels.
    """
    if value not in (TURNS, SHARE):
        msg = f"unknown value {value!r}; expected 'turns' or 'share'"
        raise QualcodeError(msg)
    freq = code_frequencies(
        turns, codings, codebook, by=INTERVIEW, coder=coder, min_score=min_score, roles=roles
    )
    codes = _unique(freq[CODE])
    interviews = _unique(freq[INTERVIEW])
    matrix = freq.pivot(index=CODE, columns=INTERVIEW, values=value).reindex(
        index=codes, columns=interviews
    )
    matrix.columns.name = INTERVIEW
    matrix.index = pd.Index(codes, name=CODE, dtype="string")
    if value == TURNS:
        matrix = matrix.fillna(0).astype("int64")
    matrix.attrs["labels"] = dict(zip(freq[CODE], freq[CODE_LABEL], strict=True))
    return matrix


# --- codes by case attribute -------------------------------------------------------------
def code_attribute_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    attributes: Selection = None,
    level: str = "code",
    coder: Selection = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """Count coded turns and cases per code (or theme) and value of each case attribute.

    The turns counted are those that belong to a case (:func:`qualcode.cases.case_of_turns`:
    with an interview-only join, the participant turns). A case counts for a code when at
    least one of its turns has the code: "2 of 3 cases" with that attribute value.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    cases : DataFrame
        A cases table (:func:`qualcode.cases.read_cases`).
    codebook : Codebook, optional
        Order, labels and themes of the codes.
    attributes : str or list of str, optional
        Attributes to count by (default: every attribute, in the table's order).
    level : {"code", "theme"}
        Count codes, or themes (a turn with any code of the theme counts once).
    coder, min_score
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        One row per attribute, code (or theme) and value: ``attribute``, ``theme``,
        ``theme_label``, [``code``, ``code_label``], ``value``, ``turns`` (coded turns of the
        cases with the value), ``base_turns`` (all their turns), ``share``, ``cases`` (cases
        with the value that have the code at least once) and ``cases_total`` (cases with the
        value). Attributes in the order asked, codes in codebook order, values in order of
        first appearance in the cases table; a case without a value is left out of that
        attribute's counts.

    Raises
    ------
    QualcodeError
        For an unknown attribute or level; :class:`~qualcode.errors.TableError` when a cases
        row matches no turn.

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["a", "b", "c"], "interview": ["I1", "I1", "I2"],
    ...     "position": [1, 2, 1], "speaker": ["P", "N1", "N2"],
    ...     "role": ["interviewer", "participant", "participant"],
    ...     "text": ["Bagaimana?", "klien lama", "klien baru"]})
    >>> codings = pd.DataFrame({"turn_id": ["b", "c"], "code": ["retain", "retain"]})
    >>> cases = pd.DataFrame({"case": ["Juliana", "Jimmy"], "interview": ["I1", "I2"],
    ...     "gender": ["female", "male"]})
    >>> code_attribute_frequencies(turns, codings, cases)[["value", "turns", "cases"]]
        value  turns  cases
    0  female      1      1
    1    male      1      1
    """
    if level not in ("code", "theme"):
        msg = f"unknown level {level!r}; expected 'code' or 'theme'"
        raise QualcodeError(msg)
    frame = _prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    checked = validate_cases(cases)
    chosen = select_attributes(checked, attributes)
    of_turn = case_of_turns(frame.turns, checked)
    member = of_turn.notna().to_numpy()
    base = frame.turns.loc[member, [TURN_ID]].assign(**{CASE: of_turn[member].to_numpy()})
    pairs = _coded_pairs(frame, base, level=level).merge(base, on=TURN_ID)
    units = frame.codes if level == "code" else frame.themes
    unit_col = CODE if level == "code" else THEME
    table = case_attributes(checked).set_index(CASE)
    with_turns = set(_values(base[CASE]))
    names = [c for c in table.index if c in with_turns]
    coded = (
        pd.crosstab(pairs[CODE], pairs[CASE])
        .reindex(index=units, columns=names, fill_value=0)
        .to_numpy(dtype=np.int64)
    )
    base_turns = base[CASE].value_counts().reindex(names).to_numpy(dtype=np.int64)
    frames = []
    for attr in chosen:
        value_of = table.loc[names, attr]
        values = _unique(value_of)
        member_of = np.array([[v == value for value in values] for v in _values(value_of)])
        member_of = member_of.reshape(len(names), len(values)).astype(np.int64)
        n_turns, n_cases = coded @ member_of, (coded > 0).astype(np.int64) @ member_of
        n_base, n_total = base_turns @ member_of, member_of.sum(axis=0)
        frames.append(
            pd.DataFrame(
                {
                    ATTRIBUTE: attr,
                    unit_col: np.repeat(units, len(values)),
                    VALUE: np.tile(values, len(units)),
                    TURNS: n_turns.ravel(),
                    BASE_TURNS: np.tile(n_base, len(units)),
                    CASES: n_cases.ravel(),
                    CASES_TOTAL: np.tile(n_total, len(units)),
                }
            )
        )
    columns = [ATTRIBUTE, unit_col, VALUE, TURNS, BASE_TURNS, CASES, CASES_TOTAL]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    for col in (ATTRIBUTE, unit_col, VALUE):
        out[col] = out[col].astype("string")
    for col in (TURNS, BASE_TURNS, CASES, CASES_TOTAL):
        out[col] = out[col].astype("int64")
    out.insert(
        list(out.columns).index(CASES),
        SHARE,
        (out[TURNS] / out[BASE_TURNS].where(out[BASE_TURNS] > 0)).astype("float64"),
    )
    if level == "code":
        return _with_meta(out, frame.meta)
    labels = frame.meta.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
    out.insert(2, THEME_LABEL, out[THEME].map(labels).astype("string"))
    return out


def code_attribute_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    attribute: str,
    value: str = "turns",
    coder: Selection = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """Tabulate codes (rows, codebook order) against the values of one case attribute.

    Parameters
    ----------
    attribute : str
        The attribute (a column of the cases table).
    value : {"turns", "cases", "share"}
        Coded turns, cases with the code, or the coded share of the cases' turns.
    coder, min_score
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        Index ``code`` (names), one column per attribute value; ``attrs["labels"]`` maps code
        names to labels and ``attrs["cases_total"]`` each value to its number of cases.
    """
    if value not in (TURNS, CASES, SHARE):
        msg = f"unknown value {value!r}; expected 'turns', 'cases' or 'share'"
        raise QualcodeError(msg)
    freq = code_attribute_frequencies(
        turns, codings, cases, codebook, attributes=[attribute], coder=coder, min_score=min_score
    )
    codes, values = _unique(freq[CODE]), _unique(freq[VALUE])
    matrix = freq.pivot(index=CODE, columns=VALUE, values=value).reindex(
        index=codes, columns=values
    )
    matrix.columns.name = attribute
    matrix.index = pd.Index(codes, name=CODE, dtype="string")
    matrix.attrs["labels"] = dict(zip(freq[CODE], freq[CODE_LABEL], strict=True))
    matrix.attrs["cases_total"] = dict(zip(freq[VALUE], freq[CASES_TOTAL], strict=True))
    return matrix


# --- co-occurrence -----------------------------------------------------------------------
def _indicator(frame: _Frame, base: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """0/1 matrix turns x codes (codebook order) for the base turns."""
    pairs = _coded_pairs(frame, base, level="code")
    codes = frame.codes
    row = pd.Index(base[TURN_ID]).get_indexer(pd.Index(pairs[TURN_ID]))
    col = pd.Index(codes).get_indexer(pd.Index(pairs[CODE]))
    x = np.zeros((len(base), len(codes)), dtype=np.int64)
    x[row, col] = 1
    return x, codes


def cooccurrence(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count how often two codes are given to the same turn, for every pair of codes.

    Returns
    -------
    DataFrame
        One row per pair (codebook order, ``code_a`` before ``code_b``): ``code_a``,
        ``code_a_label``, ``code_b``, ``code_b_label``, ``both`` (turns with both codes),
        ``turns_a``, ``turns_b``, ``either`` and ``jaccard`` (both / either; NaN when
        neither code is used).
    """
    frame = _prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = _base_turns(frame.turns, _default_roles(roles, None))
    x, codes = _indicator(frame, base)
    co = x.T @ x
    labels = frame.meta[CODE_LABEL]
    rows = []
    for i, j in combinations(range(len(codes)), 2):
        both, na, nb = int(co[i, j]), int(co[i, i]), int(co[j, j])
        either = na + nb - both
        rows.append(
            (
                codes[i],
                labels[codes[i]],
                codes[j],
                labels[codes[j]],
                both,
                na,
                nb,
                either,
                both / either if either else np.nan,
            )
        )
    cols = [CODE_A, f"{CODE_A}_label", CODE_B, f"{CODE_B}_label", BOTH, TURNS_A, TURNS_B]
    out = pd.DataFrame(rows, columns=[*cols, EITHER, JACCARD])
    for col in cols[:4]:
        out[col] = out[col].astype("string")
    out[JACCARD] = out[JACCARD].astype("float64")
    return out


def cooccurrence_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    measure: str = "count",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Square code x code table of co-occurrence within a turn.

    Parameters
    ----------
    measure : {"count", "jaccard"}
        Turns with both codes (the diagonal: turns with the code), or the Jaccard index
        both / either (diagonal 1.0; NaN for unused codes).

    Returns
    -------
    DataFrame
        Index and columns are code names in codebook order; ``attrs["labels"]`` maps names
        to labels.
    """
    if measure not in ("count", JACCARD):
        msg = f"unknown measure {measure!r}; expected 'count' or 'jaccard'"
        raise QualcodeError(msg)
    frame = _prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = _base_turns(frame.turns, _default_roles(roles, None))
    x, codes = _indicator(frame, base)
    co = x.T @ x
    index = pd.Index(codes, name=CODE, dtype="string")
    if measure == "count":
        out = pd.DataFrame(co, index=index, columns=index.rename(None))
    else:
        diag = np.diag(co)
        either = diag[:, None] + diag[None, :] - co
        with np.errstate(invalid="ignore", divide="ignore"):
            jac = np.where(either > 0, co / np.where(either > 0, either, 1), np.nan)
        out = pd.DataFrame(jac, index=index, columns=index.rename(None))
    out.attrs["labels"] = frame.meta[CODE_LABEL].to_dict()
    return out


# --- coders ------------------------------------------------------------------------------
def coder_counts(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coders: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count the turns each coder gave each code.

    Returns
    -------
    DataFrame
        One row per code and coder (codes in codebook order, coders in order of appearance):
        ``theme``, ``theme_label``, ``code``, ``code_label``, ``coder``, ``turns``.
    """
    frame = _prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    base = _base_turns(frame.turns, _default_roles(roles, None))
    c = frame.codings[_isin(frame.codings[TURN_ID], base[TURN_ID])]
    coder_list = _as_list(coders) or _unique(frame.codings[CODER])
    counts = c.drop_duplicates([TURN_ID, CODE, CODER]).groupby([CODE, CODER]).size()
    index = pd.MultiIndex.from_product([frame.codes, coder_list], names=[CODE, CODER])
    out = pd.DataFrame(index=index).reset_index()
    keys = list(zip(out[CODE], out[CODER], strict=True))
    out[TURNS] = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    out[CODE] = out[CODE].astype("string")
    out[CODER] = out[CODER].astype("string")
    return _with_meta(out, frame.meta)


def _kappa(both: int, only_a: int, only_b: int, neither: int) -> float:
    """Cohen's kappa of two coders' yes/no table (the one kappa: :mod:`qualcode.agreement`)."""
    return kappa_from_confusion(np.array([[both, only_a], [only_b, neither]], dtype=float))


def coder_agreement(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coders: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Compare every pair of coders code by code: overlap, percent agreement and Cohen's kappa.

    A pair is compared on the turns (of the given roles, default participants) of the
    interviews that both coders coded: a coder who did not code an interview at all is not
    taken to have said "no" to its turns.

    Returns
    -------
    DataFrame
        One row per coder pair and code: ``coder_a``, ``coder_b``, ``code``, ``code_label``,
        ``turns`` (turns compared), ``both``, ``only_a``, ``only_b``, ``neither``,
        ``agreement`` ((both + neither) / turns) and ``kappa`` (Cohen's kappa; NaN when
        undefined, e.g. neither coder used the code). Empty with fewer than two coders.
    """
    frame = _prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    base = _base_turns(frame.turns, _default_roles(roles, None))
    coder_list = _as_list(coders) or _unique(frame.codings[CODER])
    c = frame.codings
    interviews_of = c.merge(frame.turns[[TURN_ID, INTERVIEW]], on=TURN_ID)
    coded_interviews = {
        who: set(group) for who, group in interviews_of.groupby(CODER, sort=False)[INTERVIEW]
    }
    rows = []
    for a, b in combinations(coder_list, 2):
        shared = coded_interviews.get(a, set()) & coded_interviews.get(b, set())
        units = base[_isin(base[INTERVIEW], shared)]
        sets = {}
        for who in (a, b):
            mine = c[(c[CODER] == who) & _isin(c[TURN_ID], units[TURN_ID])]
            sets[who] = {code: set(ids) for code, ids in mine.groupby(CODE)[TURN_ID]}
        n = len(units)
        for code in frame.codes:
            sa, sb = sets[a].get(code, set()), sets[b].get(code, set())
            both, only_a, only_b = len(sa & sb), len(sa - sb), len(sb - sa)
            neither = n - both - only_a - only_b
            rows.append(
                (
                    a,
                    b,
                    code,
                    n,
                    both,
                    only_a,
                    only_b,
                    neither,
                    (both + neither) / n if n else np.nan,
                    _kappa(both, only_a, only_b, neither),
                )
            )
    cols = [CODER_A, CODER_B, CODE, TURNS, BOTH, ONLY_A, ONLY_B, NEITHER, AGREEMENT, KAPPA]
    out = pd.DataFrame(rows, columns=cols)
    for col in (CODER_A, CODER_B, CODE):
        out[col] = out[col].astype("string")
    for col in (TURNS, BOTH, ONLY_A, ONLY_B, NEITHER):
        out[col] = out[col].astype("int64")
    for col in (AGREEMENT, KAPPA):
        out[col] = out[col].astype("float64")
    return _with_meta(out, frame.meta, theme=False)


# --- all tables of a report --------------------------------------------------------------
def report_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    context: bool = True,
    spans: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
) -> dict[str, pd.DataFrame]:
    """Build every table of a report, keyed by a short file-friendly name.

    Parameters
    ----------
    coder : str or list of str, optional
        Coders reported (default: all; the frequency and co-occurrence tables pool them,
        counting a turn once). With two or more coders the coders are compared.
    min_score, context, spans
        As in :func:`coded_segments` / :func:`code_frequencies`.
    cases : DataFrame, optional
        A cases table (:func:`qualcode.cases.read_cases`): adds the cases and, when they have
        attributes, the codes and themes counted per attribute value.
    attributes : str or list of str, optional
        The attributes counted by (default: all of them).

    Returns
    -------
    dict of str to DataFrame
        ``segments``, ``code_frequencies``, ``theme_frequencies``, ``by_interview``,
        ``by_speaker``, ``by_role``, ``code_by_interview`` (matrix with a ``code`` column),
        ``cooccurrence``, ``coder_counts``, with two or more coders ``coder_agreement``, and
        with cases ``cases`` (:func:`qualcode.cases.case_attributes`), ``code_by_attribute``
        and ``theme_by_attribute`` (:func:`code_attribute_frequencies`).
    """
    turns = validate_turns(turns)
    codings = validate_codings(codings)
    token = _CHECKED.set(frozenset((id(turns), id(codings))))
    try:
        return _report_tables(
            turns,
            codings,
            codebook,
            coder=coder,
            min_score=min_score,
            context=context,
            spans=spans,
            cases=cases,
            attributes=attributes,
        )
    finally:
        _CHECKED.reset(token)


def _report_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    *,
    coder: Selection,
    min_score: float | None,
    context: bool,
    spans: pd.DataFrame | None,
    cases: pd.DataFrame | None,
    attributes: Selection,
) -> dict[str, pd.DataFrame]:
    common: dict[str, Any] = {"coder": coder, "min_score": min_score}
    tables = {
        "segments": coded_segments(
            turns,
            codings,
            codebook,
            coders=coder,
            min_score=min_score,
            context=context,
            spans=spans,
        ),
        "code_frequencies": code_frequencies(turns, codings, codebook, **common),
        "theme_frequencies": theme_frequencies(turns, codings, codebook, **common),
        "by_interview": code_frequencies(turns, codings, codebook, by=INTERVIEW, **common),
        "by_speaker": code_frequencies(turns, codings, codebook, by=SPEAKER, **common),
        "by_role": code_frequencies(turns, codings, codebook, by=ROLE, **common),
    }
    matrix = code_interview_matrix(turns, codings, codebook, **common)
    labels = matrix.attrs.pop("labels")
    flat = matrix.reset_index()
    flat.insert(1, CODE_LABEL, flat[CODE].map(labels).astype("string"))
    flat.columns = [str(col) for col in flat.columns]
    tables["code_by_interview"] = flat
    tables["cooccurrence"] = cooccurrence(turns, codings, codebook, **common)
    tables["coder_counts"] = coder_counts(
        turns, codings, codebook, coders=coder, min_score=min_score
    )
    coders = _as_list(coder) or _unique(codings[CODER])
    if len(coders) > 1:
        tables["coder_agreement"] = coder_agreement(
            turns, codings, codebook, coders=coders, min_score=min_score
        )
    if cases is not None:
        checked_cases = validate_cases(cases)
        tables["cases"] = case_attributes(checked_cases)
        if select_attributes(checked_cases, attributes):
            for level in ("code", "theme"):
                tables[f"{level}_by_attribute"] = code_attribute_frequencies(
                    turns,
                    codings,
                    checked_cases,
                    codebook,
                    attributes=attributes,
                    level=level,
                    **common,
                )
    _mark_kinds(
        tables,
        turns,
        codings,
        codebook,
        coder=coder,
        min_score=min_score,
        cases=cases,
        attributes=attributes,
    )
    # the first table says whose codings the report shows (a workbook's first sheet)
    shown = provenance.coders_shown(tables["segments"])
    order = pd.Index(pd.unique(codings[CODER].astype(str).to_numpy(dtype=object)))
    shown = shown.iloc[np.argsort(order.get_indexer(pd.Index(shown[CODER])), kind="stable")]
    return {"coders_shown": shown.reset_index(drop=True), **tables}


def _mark_kinds(
    tables: dict[str, pd.DataFrame],
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    **options: Any,
) -> None:
    """Say who made the codings (:mod:`qualcode.provenance`): a ``kind`` column on the segments
    and coder counts, and with open suggestions a ``suggested_turns`` column on the counts."""
    kinds = provenance.coder_kinds(codings)
    for name in ("segments", "coder_counts"):
        table = tables[name]
        table[provenance.KIND] = table[CODER].astype(str).map(kinds).astype("string")
    if provenance.SUGGESTION not in kinds.values():
        return
    people = codings[provenance.coding_kinds(codings) != provenance.SUGGESTION]
    chosen = _as_list(options["coder"])
    if chosen is not None:
        chosen = [c for c in chosen if kinds.get(c) != provenance.SUGGESTION] or None
        if chosen is None:
            people = people.iloc[:0]
    plain = _report_tables(
        turns, people, codebook, **{**options, "coder": chosen}, context=False, spans=None
    )
    provenance.add_suggested_counts(tables, plain)
