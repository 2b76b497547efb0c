"""The coding job both engines run: codebook, trained model and options, applied to turns.

A :class:`CodingJob` is built once on the machine that reads the inputs
(:func:`prepare_job`: it picks the method and trains the model a hybrid needs, on the whole
table) and is then applied to the whole turns table (local engine) or to each partition of whole
interviews (Dask engine). Coding a partition gives exactly the rows coding the whole table gives
for its turns; :func:`order_codings` puts the partitions' rows back in the local engine's order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.coding.rules import KeywordCoder

__all__ = ["CodingJob", "order_codings", "prepare_job", "summarize"]


@dataclass
class CodingJob:
    """What to code turns with, ready to be sent to workers (pickled once per worker).

    Parameters
    ----------
    codebook : Codebook
    method : {"rules", "model", "hybrid"}
        Already chosen (see :func:`qualcode.coding.suggest.choose_method`).
    model : CodeClassifier, optional
        Fitted; needed unless ``method == "rules"``.
    all_speakers : bool
        Code every turn, not only participants'.
    unit : {"turn", "sentence"}
    languages : tuple of str, optional
        Lemmatiser languages (default: the codebook's).
    """

    codebook: Codebook
    method: str
    model: CodeClassifier | None = None
    all_speakers: bool = False
    unit: str = "turn"
    languages: tuple[str, ...] | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_local")  # compiled coders are rebuilt where the job runs
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def rules_coder(self) -> KeywordCoder:
        """The keyword coder of this thread (compiled on first use, then reused)."""
        coder = getattr(self._local, "coder", None)
        if coder is None:
            from qualcode.coding.rules import KeywordCoder

            coder = KeywordCoder(
                self.codebook,
                languages=self.languages or None,
                all_speakers=self.all_speakers,
                unit=self.unit,
            )
            self._local.coder = coder
        return coder

    def code(self, turns: pd.DataFrame) -> pd.DataFrame:
        """Code ``turns`` (a whole table or whole interviews of one); return the codings table."""
        if self.method == "rules":
            return self.rules_coder().code(turns)
        from qualcode.coding.suggest import code_turns

        return code_turns(
            turns,
            codebook=self.codebook,
            model=self.model,
            method=self.method,
            all_speakers=self.all_speakers,
            rule_options={"unit": self.unit, "languages": self.languages or None},
            coder=self.rules_coder(),
        )


def prepare_job(
    turns: pd.DataFrame,
    *,
    codebook: Codebook,
    model: CodeClassifier | None = None,
    train_codings: pd.DataFrame | None = None,
    method: str | None = None,
    all_speakers: bool = False,
    unit: str = "turn",
    languages: list[str] | tuple[str, ...] | None = None,
) -> CodingJob:
    """Choose the method and train the model it needs (on all of ``turns``); return the job.

    The model is trained as :func:`qualcode.coding.suggest.code_turns` trains it, so the job
    codes exactly as the local ``qualcode code`` does.
    """
    from qualcode.coding.suggest import choose_method, model_can_decide

    chosen = choose_method(
        codebook=codebook, model=model, train_codings=train_codings, method=method
    )
    if chosen == "hybrid" and model is None and not model_can_decide(codebook, train_codings):
        chosen = "rules"  # the hybrid would keep only the rules' codings (see code_turns)
    if chosen != "rules" and model is None:
        from qualcode.coding.suggest import train_model

        model = train_model(turns, train_codings, codebook=codebook, all_speakers=all_speakers)
    return CodingJob(
        codebook=codebook,
        method=chosen,
        model=model if chosen != "rules" else None,
        all_speakers=all_speakers,
        unit=unit,
        languages=tuple(languages) if languages else None,
    )


def order_codings(codings: pd.DataFrame, turn_ids: pd.Series) -> pd.DataFrame:
    """Put codings of partitions, concatenated, in the order coding the whole table gives.

    That order is: the model's rows, then the rules' rows; each in turn order (the order of
    ``turn_ids``), and within a turn as coded. A stable sort restores it from any order of
    partitions, because each partition keeps it for its own turns.
    """
    row = pd.Index(turn_ids.astype(str)).get_indexer(pd.Index(codings[schema.TURN_ID].astype(str)))
    block = (codings[schema.CODER].astype(str) != schema.MODEL_CODER).to_numpy()
    order = np.lexsort((row, block))
    return codings.iloc[order].reset_index(drop=True)


def summarize(
    turns: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook, *, all_speakers: bool
) -> pd.DataFrame:
    """Return turns coded per interview (rows, plus ``total``) and per code (columns).

    The last two columns are ``coded`` (turns with at least one code) and ``turns`` (turns that
    were eligible for coding). Interviews are in the order they first appear in ``turns``.
    Counting is done on integer codes (one pass over the codings, none per interview).
    """
    ivs, names = pd.factorize(turns[schema.INTERVIEW].astype(str), sort=False)
    codes = list(codebook.code_names)
    coded = codings.drop_duplicates([schema.TURN_ID, schema.CODE])
    ids = pd.Index(turns[schema.TURN_ID].astype(str))
    row = ids.get_indexer(pd.Index(coded[schema.TURN_ID].astype(str)))
    known = row >= 0
    col = pd.Index(codes).get_indexer(pd.Index(coded[schema.CODE].astype(str)))
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
        pool = (turns[schema.ROLE] == schema.PARTICIPANT).to_numpy(dtype=bool, na_value=False)
    table["turns"] = np.bincount(ivs[pool], minlength=n_iv).astype(int)
    total = table.sum(axis=0)
    total["coded"] = coded[schema.TURN_ID].nunique()
    table.loc["total"] = total
    table.index.name = "interview"
    table.columns.name = None
    return table


#: interviews a command prints in its summary; of a longer table, the first and last ones
SUMMARY_ROWS = 40


def summary_text(table: pd.DataFrame, *, max_rows: int = SUMMARY_ROWS) -> str:
    """The :func:`summarize` table as ``qualcode code`` prints it.

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
