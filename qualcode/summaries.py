"""Summaries of the tables and results, readable in Jupyter (HTML) and in a terminal (text).

Each ``summarize_*`` function returns a small object with the figures a researcher looks at
first, the full tables as attributes (``.table`` and friends) and a rich display; the plain
DataFrame functions (:func:`qualcode.agreement_table`, :func:`qualcode.evaluate`, ...) are
unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qualcode.agreement import OVERALL, Seen
from qualcode.codebook import Codebook
from qualcode.display import Displayed, Summary
from qualcode.schema import CODE, CODER, INTERVIEW, PARTICIPANT, ROLE, SPEAKER, TEXT, TURN_ID

__all__ = [
    "SUMMARY_ROWS",
    "AgreementSummary",
    "CodingsSummary",
    "EvaluationSummary",
    "TurnsSummary",
    "coding_run_table",
    "coding_run_text",
    "coding_table_text",
    "kappa_strength",
    "summarize_agreement",
    "summarize_codings",
    "summarize_evaluation",
    "summarize_turns",
]

#: Landis & Koch (1977) bands for kappa, upper bounds
_BANDS = (
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
)


def kappa_strength(kappa: float) -> str:
    """Name the strength of agreement of a kappa after Landis & Koch (1977).

    Examples
    --------
    >>> kappa_strength(0.65), kappa_strength(0.1), kappa_strength(float("nan"))
    ('substantial', 'slight', 'undefined')
    """
    if kappa is None or np.isnan(kappa):
        return "undefined"
    for top, name in _BANDS:
        if kappa < top or (top == 1.0 and kappa <= top):
            return name
    return "almost perfect"


def _figure(value: float, *, decimals: int = 2) -> str:
    return "–" if value is None or np.isnan(value) else f"{value:.{decimals}f}"


# --- turns --------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class TurnsSummary(Displayed):
    """What a turns table holds: interviews, turns by role, speakers.

    Attributes
    ----------
    table : DataFrame
        One row per interview: ``interview``, ``source``, ``turns``, ``participant_turns``,
        ``words`` and ``speakers`` (``label (role)``).
    n_turns, n_interviews, n_participant_turns, n_words : int
    """

    table: pd.DataFrame
    n_turns: int
    n_interviews: int
    n_participant_turns: int
    n_words: int

    def summary(self) -> Summary:
        """Return the displayed summary."""
        return Summary(
            title=f"Turns: {self.n_turns} in {self.n_interviews} interview(s)",
            facts={
                "interviews": self.n_interviews,
                "turns": self.n_turns,
                "participant turns": self.n_participant_turns,
                "words": self.n_words,
            },
            tables={"Per interview": self.table},
        )


def summarize_turns(turns: pd.DataFrame) -> TurnsSummary:
    """Summarise a turns table: interviews, turns, participant turns, words and speakers.

    Parameters
    ----------
    turns : DataFrame
        A turns table.

    Returns
    -------
    TurnsSummary
        Shown as HTML in Jupyter and as text by ``print``; ``.table`` is the per-interview
        DataFrame.

    Examples
    --------
    >>> from qualcode import parse_transcript
    >>> summarize_turns(parse_transcript("Q: Why?\\nA: Because I can.")).n_words
    4
    """
    from qualcode.transcripts.summary import summarize_interviews

    base = summarize_interviews(turns)
    words = pd.Series(
        [len(str(text).split()) for text in turns[TEXT].tolist()], index=turns.index, dtype=int
    )
    is_part = (turns[ROLE].astype(str) == PARTICIPANT).to_numpy()
    keys = turns[INTERVIEW].astype(str).to_numpy()
    by = pd.DataFrame({"i": keys, "p": is_part, "w": words.to_numpy()}).groupby("i", sort=False)
    base.insert(3, "participant_turns", by["p"].sum().reindex(base["interview"]).to_numpy())
    base.insert(4, "words", by["w"].sum().reindex(base["interview"]).to_numpy())
    return TurnsSummary(
        table=base,
        n_turns=len(turns),
        n_interviews=len(base),
        n_participant_turns=int(is_part.sum()),
        n_words=int(words.sum()),
    )


# --- codings ------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class CodingsSummary(Displayed):
    """What a codings table holds: coders, codes used, turns coded.

    Attributes
    ----------
    table : DataFrame
        One row per code (codebook order when a codebook is given): ``code``, ``label``,
        then the turns each coder gave the code (one column per coder).
    coders : tuple of str
    n_codings, n_turns_coded : int
    """

    table: pd.DataFrame
    coders: tuple[str, ...]
    n_codings: int
    n_turns_coded: int

    def summary(self) -> Summary:
        """Return the displayed summary."""
        return Summary(
            title=f"Codings: {self.n_codings} on {self.n_turns_coded} turn(s)",
            facts={
                "codings": self.n_codings,
                "turns coded": self.n_turns_coded,
                "coders": ", ".join(self.coders) or "none",
                "codes used": int((self.table[list(self.coders)].sum(axis=1) > 0).sum())
                if self.coders
                else 0,
            },
            tables={"Turns per code and coder": self.table},
        )


def summarize_codings(codings: pd.DataFrame, *, codebook: Codebook | None = None) -> CodingsSummary:
    """Summarise a codings table: turns per code and coder.

    Parameters
    ----------
    codings : DataFrame
        A codings table.
    codebook : Codebook, optional
        Code order and labels; codes of the codebook nobody used are listed with 0.

    Returns
    -------
    CodingsSummary
        ``.table`` has one row per code and one column per coder.
    """
    from qualcode.schema import validate_codings

    codings = validate_codings(codings)
    coders = tuple(dict.fromkeys(codings[CODER].astype(str)))
    used = list(dict.fromkeys(codings[CODE].astype(str)))
    if codebook is not None:
        order = list(codebook.code_names) + [c for c in used if c not in codebook.code_names]
        labels = {c.name: c.display for c in codebook.codes}
    else:
        order, labels = used, {}
    pairs = codings.drop_duplicates([TURN_ID, CODE, CODER])
    counts = pairs.groupby([pairs[CODE].astype(str), pairs[CODER].astype(str)]).size()
    wide = counts.unstack(fill_value=0).reindex(index=order, columns=list(coders), fill_value=0)
    table = wide.reset_index(names=CODE)
    table.insert(1, "label", [labels.get(c, c) for c in table[CODE]])
    table.columns.name = None
    return CodingsSummary(
        table=table,
        coders=coders,
        n_codings=len(codings),
        n_turns_coded=int(codings[TURN_ID].nunique()),
    )


# --- agreement ----------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class AgreementSummary(Displayed):
    """Agreement between coders: per code, per pair and the turns they disagree on.

    Attributes
    ----------
    table : DataFrame
        :func:`qualcode.agreement_table` (per code and ``(overall)``).
    pairwise : DataFrame
        :func:`qualcode.pairwise_agreement`.
    disagreements : DataFrame or None
        :func:`qualcode.disagreements` (needs the turns table).
    coders : tuple of str
    """

    table: pd.DataFrame
    pairwise: pd.DataFrame
    disagreements: pd.DataFrame | None
    coders: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> pd.Series:
        """The ``(overall)`` row of :attr:`table`."""
        row = self.table.set_index(CODE).loc[OVERALL]
        assert isinstance(row, pd.Series)
        return row

    def summary(self) -> Summary:
        """Return the displayed summary."""
        o = self.overall.to_dict()
        kappa, alpha = float(o["kappa"]), float(o["alpha"])
        per_code = self.table.copy()
        per_code.insert(1, "label", [self.labels.get(c, c) for c in per_code[CODE]])
        per_code["strength"] = [kappa_strength(k) for k in per_code["kappa"]]
        tables = {"Per code": per_code}
        if self.disagreements is not None and len(self.disagreements):
            cols = [
                c
                for c in (INTERVIEW, SPEAKER, CODE, "coded_by", "not_coded_by", TEXT)
                if c in self.disagreements.columns
            ]
            tables[f"Disagreements ({len(self.disagreements)})"] = self.disagreements[cols]
        weak = [
            self.labels.get(c, c)
            for c, k in zip(self.table[CODE], self.table["kappa"], strict=True)
            if c != OVERALL and not np.isnan(k) and k < 0.6
        ]
        notes = ["Strength after Landis & Koch (1977): below 0.60 is moderate or weaker."]
        if weak:
            notes.append("Review the codebook definitions of: " + ", ".join(weak) + ".")
        return Summary(
            title=f"Agreement between {', '.join(self.coders)}",
            facts={
                "coders": len(self.coders),
                "turns compared": int(self.table["n_units"].iloc[0]) if len(self.table) > 1 else 0,
                "decisions compared (turn x code)": int(o["n_units"]),
                "percent agreement (overall)": f"{float(o['percent_agreement']):.1%}",
                "Cohen's kappa (overall)": f"{_figure(kappa)} ({kappa_strength(kappa)})",
                "Krippendorff's alpha (overall)": _figure(alpha),
                "disagreements": "–" if self.disagreements is None else len(self.disagreements),
            },
            tables=tables,
            notes=tuple(notes),
            percent=("percent_agreement",),
        )


def summarize_agreement(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> AgreementSummary:
    """Measure agreement between two or more coders and bundle the tables for display.

    Parameters
    ----------
    codings, turns, codebook, coders, seen, all_speakers
        As in :func:`qualcode.agreement_table`; with ``turns`` the disagreements are listed.

    Returns
    -------
    AgreementSummary
        ``.table`` (per code and overall), ``.pairwise``, ``.disagreements``, ``.overall``.
    """
    from qualcode.agreement import agreement_table, disagreements, pairwise_agreement

    kw: dict[str, Any] = {
        "turns": turns,
        "codebook": codebook,
        "coders": coders,
        "seen": seen,
        "all_speakers": all_speakers,
    }
    table = agreement_table(codings, **kw)
    pairs = pairwise_agreement(codings, **kw)
    diff = disagreements(codings, **kw) if turns is not None else None
    names = tuple(dict.fromkeys(pairs["coder_a"].tolist() + pairs["coder_b"].tolist()))
    labels = {c.name: c.display for c in codebook.codes} if codebook is not None else {}
    return AgreementSummary(
        table=table, pairwise=pairs, disagreements=diff, coders=names, labels=labels
    )


# --- evaluation ---------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class EvaluationSummary(Displayed):
    """Machine coding scored against people: per code and micro / macro.

    Attributes
    ----------
    table : DataFrame
        :func:`qualcode.evaluate`'s table.
    method : str or None
    n_folds : int
        Cross-validation folds (0 for rules or a fixed test set).
    """

    table: pd.DataFrame
    method: str | None = None
    n_folds: int = 0

    def summary(self) -> Summary:
        """Return the displayed summary."""
        from qualcode.evaluation import MACRO, MICRO

        rows = self.table.set_index(CODE)
        micro = rows.loc[MICRO].to_dict() if MICRO in rows.index else None
        macro = rows.loc[MACRO].to_dict() if MACRO in rows.index else None
        facts: dict[str, object] = {"method": self.method or "–", "turns scored": "–"}
        if micro is not None:
            facts["turns scored"] = int(micro["n"])
            facts["kappa (micro)"] = (
                f"{_figure(float(micro['kappa']))} [{_figure(float(micro['kappa_low']))}, "
                f"{_figure(float(micro['kappa_high']))}] ({kappa_strength(float(micro['kappa']))})"
            )
        if macro is not None:
            facts["F1 (macro)"] = _figure(float(macro["f1"]))
        facts["folds"] = self.n_folds or "none (no training, or a fixed test set)"
        return Summary(
            title=f"Evaluation of {self.method or 'machine coding'} against human codings",
            facts=facts,
            tables={"Per code": self.table},
            notes=("kappa_low / kappa_high: bootstrap 95% interval over turns.",),
            percent=("prevalence", "predicted"),
        )


def summarize_evaluation(scores: pd.DataFrame) -> EvaluationSummary:
    """Bundle :func:`qualcode.evaluate`'s table for display.

    Parameters
    ----------
    scores : DataFrame
        The table :func:`qualcode.evaluate` returned (``attrs["method"]`` and
        ``attrs["folds"]`` are read when present).

    Returns
    -------
    EvaluationSummary
    """
    folds = scores.attrs.get("folds")
    n_folds = 0
    if isinstance(folds, pd.Series) and len(folds):
        n_folds = int((folds.unique() >= 0).sum())
    return EvaluationSummary(table=scores, method=scores.attrs.get("method"), n_folds=n_folds)


# --- a coding run (``qualcode code``, local or on Dask) -----------------------------------------
def coding_run_table(
    turns: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook, *, all_speakers: bool
) -> pd.DataFrame:
    """Return turns coded per interview (rows, plus ``total``) and per code (columns).

    The last two columns are ``coded`` (turns with at least one code) and ``turns`` (turns that
    were eligible for coding). Interviews are in the order they first appear in ``turns``.
    Counting is done on integer codes (one pass over the codings, none per interview).
    """
    ivs, names = pd.factorize(turns[INTERVIEW].astype(str), sort=False)
    codes = list(codebook.code_names)
    coded = codings.drop_duplicates([TURN_ID, CODE])
    ids = pd.Index(turns[TURN_ID].astype(str))
    row = ids.get_indexer(pd.Index(coded[TURN_ID].astype(str)))
    known = row >= 0
    col = pd.Index(codes).get_indexer(pd.Index(coded[CODE].astype(str)))
    n_iv, n_codes = len(names), len(codes)
    hit = known & (col >= 0)
    counts = np.bincount(ivs[row[hit]] * n_codes + col[hit], minlength=n_iv * n_codes)
    table = pd.DataFrame(
        counts.reshape(n_iv, n_codes), index=pd.Index(list(names)), columns=codes
    ).astype(int)
    coded_rows = np.unique(row[known])
    table["coded"] = np.bincount(ivs[coded_rows], minlength=n_iv).astype(int)
    pool = np.ones(len(turns), dtype=bool)
    if not all_speakers:
        pool = (turns[ROLE] == PARTICIPANT).to_numpy(dtype=bool, na_value=False)
    table["turns"] = np.bincount(ivs[pool], minlength=n_iv).astype(int)
    total = table.sum(axis=0)
    total["coded"] = coded[TURN_ID].nunique()
    table.loc["total"] = total
    table.index.name = "interview"
    table.columns.name = None
    return table


#: interviews a command prints in its summary; of a longer table, the first and last ones
SUMMARY_ROWS = 40


def coding_table_text(table: pd.DataFrame, *, max_rows: int = SUMMARY_ROWS) -> str:
    """The :func:`coding_run_table` table as ``qualcode code`` prints it.

    Up to ``max_rows`` interviews every row; beyond that the first and last ``max_rows // 2``
    rows (the last is ``total``) and how many there are: formatting every row of 50,000
    interviews took longer than coding a million turns, for a table nobody reads on screen.
    """
    n = len(table) - 1  # the total row
    if n <= max_rows:
        return table.to_string()
    half = max_rows // 2
    text = table.to_string(max_rows=2 * half, min_rows=2 * half)
    return f"{text}\n({n:,} interviews; the first and last {half} rows shown)"


def coding_run_text(
    table: pd.DataFrame,
    *,
    codebook: Codebook,
    n_codings: int,
    unit: str,
    all_speakers: bool,
    max_rows: int = SUMMARY_ROWS,
) -> str:
    """What ``qualcode code`` says about a run: "Coded X of Y turns ..." and the table.

    Parameters
    ----------
    table : DataFrame
        From :func:`coding_run_table`.
    codebook, n_codings, unit, all_speakers
        What was coded with, how many codings, which unit, whose turns.
    max_rows : int
        See :func:`coding_table_text`.

    Returns
    -------
    str
        Three or more lines, without a final newline.
    """
    who = "turns" if all_speakers else "participant turns"
    n_coded = int(table["coded"].iloc[-1])
    n_all = int(table["turns"].iloc[-1])
    return (
        f"Coded {n_coded} of {n_all} {who} with {codebook.name!r} "
        f"({n_codings} codings, unit: {unit}).\n"
        "Turns coded per interview and code:\n" + coding_table_text(table, max_rows=max_rows)
    )
