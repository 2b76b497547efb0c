"""One way to code turns: a :class:`CodingJob` planned once, then applied to any turns.

A job is planned from the codebook, a trained model, the people's codings to train on and the
method (:meth:`CodingJob.plan`): that is where the method is chosen (``hybrid`` when there is
something to learn from, else ``rules``), where a hybrid that could learn nothing falls back to
the rules, and where the model a ``model`` or ``hybrid`` job needs is trained, on the whole
table. :meth:`CodingJob.code` then codes a table of turns (the whole table, or whole interviews
of it: coding a partition gives exactly the rows coding the whole table gives for its turns).
The local ``qualcode code``, :meth:`Project.code <qualcode.project.Project.code>`,
:func:`code_turns`, notebooks and each Dask partition (:mod:`qualcode.engine`) all code through
it.

Methods: ``rules`` (the keyword rules), ``model`` (the classifier) or ``hybrid``: the model
decides the codes it has learned from at least :data:`MIN_LEARNED` coded turns or example quotes
(it sees the rule hits as features and has learned how far to trust them); the rules alone
decide the other codes. The result is one codings table: coder ``model`` (score = probability;
evidence = the keywords the rules matched, then the terms that weighed most) or ``rules``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.human import Seen
from qualcode.coding.training import role_mask, train_model
from qualcode.errors import ModelError, QualcodeError
from qualcode.schema import (
    CODE,
    CODER,
    EVIDENCE,
    EVIDENCE_SEP,
    INTERVIEW,
    MODEL_CODER,
    SCORE,
    SPAN_END,
    SPAN_START,
    TURN_ID,
    empty_codings,
    normalize_codings,
)

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.coding.rules import KeywordCoder

# scikit-learn (through qualcode.coding.classifier) is imported by the functions that train or
# apply a model, not by this module: choosing a method or coding with rules alone does not need it

__all__ = [
    "METHODS",
    "MIN_LEARNED",
    "MODEL_CHUNK_TURNS",
    "CodingJob",
    "Method",
    "choose_method",
    "code_turns",
    "interview_chunks",
    "learned_codes",
    "merge_codings",
    "model_can_decide",
    "model_codings",
]

Method = Literal["rules", "model", "hybrid"]
METHODS: tuple[str, ...] = ("rules", "model", "hybrid")

#: coded examples a code needs before the hybrid lets the model decide it instead of the rules
MIN_LEARNED = 5


def choose_method(
    *,
    codebook: Codebook | None,
    model: CodeClassifier | None,
    train_codings: pd.DataFrame | None,
    method: str | None,
) -> str:
    """Return the method to use: ``method`` if given, else ``hybrid`` when there is something
    to learn from (example quotes, training codings or a model), else ``rules``."""
    if method is not None:
        if method not in METHODS:
            msg = f"unknown method {method!r}; expected one of {', '.join(METHODS)}"
            raise QualcodeError(msg)
        return method
    has_examples = codebook is not None and any(c.examples for c in codebook.codes)
    learnable = model is not None or train_codings is not None or has_examples
    return "hybrid" if learnable else "rules"


def model_can_decide(codebook: Codebook, train_codings: pd.DataFrame | None) -> bool:
    """Whether a model trained for the hybrid could decide any code.

    The hybrid lets the model decide only codes with at least :data:`MIN_LEARNED` coded turns or
    example quotes. Without training codings, when no code has that many example quotes, the
    hybrid's output is the rules' output: training (and importing scikit-learn) can be skipped.
    With training codings this returns True (they are checked when the model is trained).
    """
    if train_codings is not None:
        return True
    quotes = [sum(1 for q in c.examples if q.strip()) for c in codebook.codes]
    return not any(quotes) or max(quotes) >= MIN_LEARNED


@dataclass
class CodingJob:
    """What to code turns with, planned once; ready to be sent to workers (pickled once each).

    Build it with :meth:`plan` (which chooses the method and trains the model it needs), then
    call :meth:`code` on the turns.

    Parameters
    ----------
    codebook : Codebook
    method : {"rules", "model", "hybrid"}
        Already chosen (see :meth:`plan`).
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

    @classmethod
    def plan(
        cls,
        turns: pd.DataFrame,
        *,
        codebook: Codebook | None = None,
        model: CodeClassifier | None = None,
        train_codings: pd.DataFrame | None = None,
        method: str | None = None,
        all_speakers: bool = False,
        unit: str = "turn",
        languages: list[str] | tuple[str, ...] | None = None,
        seen: Seen = "interview",
    ) -> CodingJob:
        """Choose the method and train the model it needs (on all of ``turns``); return the job.

        Parameters
        ----------
        turns : DataFrame
            The turns a model is trained on (with ``train_codings``); not coded here.
        codebook : Codebook, optional
            Needed for rules; with ``model`` it must have the model's codes. Default: the
            model's.
        model : CodeClassifier, optional
            A trained model (e.g. from :func:`~qualcode.coding.classifier.load_model`).
        train_codings : DataFrame, optional
            Human codings of some of ``turns``: a model is trained on them (and the example
            quotes) when ``model`` is not given and the method needs one.
        method : {"rules", "model", "hybrid"}, optional
            Default: ``hybrid`` when there is something to learn from, else ``rules``. A hybrid
            whose model could decide no code (no training codings, too few example quotes) is
            planned as ``rules``: its output would be the rules' output.
        all_speakers, unit, languages
            What the keyword rules code (see :class:`~qualcode.coding.rules.KeywordCoder`).
        seen : {"interview", "all", "coded"}
            Labelled turns of ``train_codings`` (see :mod:`qualcode.coding.human`).

        Returns
        -------
        CodingJob

        Raises
        ------
        ModelError
            ``model`` was trained on another codebook.
        QualcodeError
            Neither codebook nor model, an unknown method, or nothing to learn from for
            ``model``/``hybrid``.
        """
        if codebook is None and model is None:
            msg = "give a codebook (keyword rules) or a trained model"
            raise QualcodeError(msg)
        if model is not None:
            if codebook is None:
                codebook = model.codebook_
            elif (codebook.code_names, codebook.exclusive_groups) != (
                model.codebook_.code_names,
                model.codebook_.exclusive_groups,
            ):
                msg = (
                    f"the model was trained on another codebook (codes "
                    f"{', '.join(model.classes_)}; given {', '.join(codebook.code_names)})"
                )
                raise ModelError(msg)
        assert codebook is not None
        chosen = choose_method(
            codebook=codebook, model=model, train_codings=train_codings, method=method
        )
        if chosen == "hybrid" and model is None and not model_can_decide(codebook, train_codings):
            chosen = "rules"  # the hybrid would keep only the rules' codings
        if chosen != "rules" and model is None:
            model = train_model(
                turns, train_codings, codebook=codebook, seen=seen, all_speakers=all_speakers
            )
        return cls(
            codebook=codebook,
            method=chosen,
            model=model if chosen != "rules" else None,
            all_speakers=all_speakers,
            unit=unit,
            languages=tuple(languages) if languages else None,
        )

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
            from qualcode.coding.rules import KeywordCoder  # lazy: spaCy lookups

            coder = KeywordCoder(
                self.codebook,
                languages=self.languages or None,
                all_speakers=self.all_speakers,
                unit=self.unit,
            )
            self._local.coder = coder
        return coder

    def use_rules_coder(self, coder: KeywordCoder) -> None:
        """Code with an already compiled keyword coder (for this codebook and these options)
        in this thread instead of compiling one."""
        self._local.coder = coder

    def code(self, turns: pd.DataFrame) -> pd.DataFrame:
        """Code ``turns`` (a whole table or whole interviews of one); return the codings table.

        Returns
        -------
        DataFrame
            A codings table (coders ``rules`` and/or ``model``).
        """
        if self.method == "rules":
            return self.rules_coder().code(turns)
        assert self.model is not None
        by_model = model_codings(self.model, turns, role_mask(turns, self.all_speakers))
        if self.method == "model":
            return by_model
        learned = learned_codes(self.model)
        by_model = by_model[by_model[CODE].isin(learned)]
        return merge_codings(self.rules_coder().code(turns), by_model, learned=learned)


#: turns the model explains at a time (whole interviews): bounds the memory of coding a corpus
MODEL_CHUNK_TURNS = 50_000


def interview_chunks(interview: pd.Series, size: int) -> list[slice]:
    """Row ranges of about ``size`` rows that hold whole interviews (one range when an
    interview's rows are not all adjacent: they cannot be split without cutting it)."""
    n = len(interview)
    codes = pd.factorize(interview)[0]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if n else np.array([0])
    if len(np.unique(codes)) != len(starts) or n <= size:
        return [slice(0, n)]
    chunks, begin = [], 0
    for s in starts[1:].tolist():
        if s - begin >= size:
            chunks.append(slice(begin, s))
            begin = s
    chunks.append(slice(begin, n))
    return chunks


def model_codings(model: CodeClassifier, turns: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The model's codings of the ``mask`` rows of ``turns`` (score = probability, evidence =
    the terms that weighed most), whole interviews at a time."""
    from qualcode.coding.inputs import turn_context

    X = turn_context(turns).loc[mask].reset_index(drop=True)
    ids = turns[TURN_ID].astype(str).to_numpy()[mask]
    if len(X) == 0:
        return empty_codings()
    parts = []
    # whole interviews at a time: the same rows as all at once (context and sequence decoding
    # stay inside an interview), in a fraction of the memory
    for rows in interview_chunks(X[INTERVIEW], MODEL_CHUNK_TURNS):
        part = model.explain(X.iloc[rows].reset_index(drop=True))
        parts.append(part.assign(row=part["row"].to_numpy(dtype=np.int64) + rows.start))
    expl = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out = pd.DataFrame(
        {
            TURN_ID: ids[expl["row"].to_numpy(dtype=int)],
            CODE: expl["code"].astype(str).to_numpy(),
            CODER: MODEL_CODER,
            SCORE: expl["probability"].to_numpy(dtype=float),
            EVIDENCE: expl["terms"].astype(str).to_numpy(),
        }
    )
    return normalize_codings(out)


def merge_codings(
    rules: pd.DataFrame, model: pd.DataFrame, *, learned: list[str] | tuple[str, ...]
) -> pd.DataFrame:
    """Merge rule and model codings into one table (the hybrid).

    Parameters
    ----------
    rules, model : DataFrame
        Codings by the keyword rules and by the model.
    learned : sequence of str
        Codes the model has learned (had coded examples of): the model decides these; the
        rules decide the others.

    Returns
    -------
    DataFrame
        A codings table: model rows (with the rules' keywords first in their evidence and the
        rules' span when the rules hit the same turn and code) and the rules' rows for codes
        the model did not learn.
    """
    learned_set = set(learned)
    rules = normalize_codings(rules)
    model = normalize_codings(model)
    first_hit = rules.drop_duplicates([TURN_ID, CODE])
    keys = pd.MultiIndex.from_arrays([first_hit[TURN_ID], first_hit[CODE]])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([model[TURN_ID], model[CODE]]))
    both = np.flatnonzero(at >= 0)  # model rows the rules also hit: one pass, no row loop
    merged_model = model.copy()
    if len(both):
        hit = first_hit.iloc[at[both]]
        evidence = [
            _join_evidence(r, m)
            for r, m in zip(
                hit[EVIDENCE].astype(str).tolist(),
                model[EVIDENCE].iloc[both].astype(str).tolist(),
                strict=True,
            )
        ]
        for col, values in (
            (EVIDENCE, pd.array(evidence, dtype="string")),
            (SPAN_START, hit[SPAN_START].array),
            (SPAN_END, hit[SPAN_END].array),
        ):
            column = merged_model[col].array.copy()
            column[both] = values
            merged_model[col] = column
    kept_rules = rules[~rules[CODE].isin(learned_set)]
    merged = pd.concat([merged_model, kept_rules], ignore_index=True)
    return normalize_codings(merged)


def _join_evidence(rules: str, model: str) -> str:
    """The rules' evidence items, then the model's items not among them."""
    items = [e for e in rules.split(EVIDENCE_SEP) if e]
    items += [e for e in model.split(EVIDENCE_SEP) if e and e not in items]
    return EVIDENCE_SEP.join(items)


def learned_codes(model: CodeClassifier, *, min_examples: int = MIN_LEARNED) -> list[str]:
    """Codes the model has at least ``min_examples`` coded turns or example quotes of."""
    learned: list[str] = []
    for head in model.heads_:
        if head["constant"] is not None:
            continue
        if head["kind"] == "binary" and head["n_pos"] >= min_examples:
            learned.append(str(model.classes_[head["code"]]))
        elif head["kind"] == "group":
            learned += [
                str(model.classes_[j])
                for j, n in zip(head["codes"], head["n_pos"], strict=True)
                if j >= 0 and n >= min_examples
            ]
    return learned


def code_turns(
    turns: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    model: CodeClassifier | None = None,
    train_codings: pd.DataFrame | None = None,
    method: str | None = None,
    all_speakers: bool = False,
    seen: Seen = "interview",
    rule_options: dict[str, Any] | None = None,
    coder: KeywordCoder | None = None,
) -> pd.DataFrame:
    """Code turns with keyword rules, a classifier, or both.

    Parameters
    ----------
    turns : DataFrame
        The turns to code.
    codebook : Codebook, optional
        Needed for rules; with ``model`` it must have the model's codes.
    model : CodeClassifier, optional
        A trained model (e.g. from :func:`~qualcode.coding.classifier.load_model`).
    train_codings : DataFrame, optional
        Human codings of some of ``turns``: a model is trained on them (and the example quotes)
        when ``model`` is not given.
    method : {"rules", "model", "hybrid"}, optional
        Default: ``hybrid`` when there is something to learn from, else ``rules``.
    all_speakers : bool, default False
        Code every turn, not only the participants'.
    seen : {"interview", "all", "coded"}
        Labelled turns of ``train_codings`` (see :mod:`qualcode.coding.human`).
    rule_options : dict, optional
        Further options of :class:`~qualcode.coding.rules.KeywordCoder` (``unit``,
        ``languages``).
    coder : KeywordCoder, optional
        An already compiled keyword coder for this codebook and these options, reused instead
        of building one (compiling takes a fraction of a second: worth saving when many
        partitions are coded, see :mod:`qualcode.engine`).

    Returns
    -------
    DataFrame
        A codings table (coders ``rules`` and/or ``model``).

    Notes
    -----
    The same as ``CodingJob.plan(turns, ...).code(turns)``: see :class:`CodingJob`.

    Raises
    ------
    ModelError
        ``model`` was trained on another codebook.
    QualcodeError
        Neither codebook nor model, or nothing to learn from for ``model``/``hybrid``.
    """
    options = {k: v for k, v in (rule_options or {}).items() if v is not None}
    job = CodingJob.plan(
        turns,
        codebook=codebook,
        model=model,
        train_codings=train_codings,
        method=method,
        all_speakers=all_speakers,
        unit=options.get("unit", "turn"),
        languages=options.get("languages"),
        seen=seen,
    )
    if coder is not None:
        job.use_rules_coder(coder)
    return job.code(turns)
