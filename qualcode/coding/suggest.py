"""Coding workflow around the classifier: train from codings, hybrid rules + model, active learning.

* :func:`train_model` fits a :class:`~qualcode.coding.classifier.CodeClassifier` on the turns a
  researcher coded (and the codebook's example quotes).
* :func:`code_turns` codes turns with the keyword rules, the model, or both (``hybrid``): the
  model decides the codes it has learned from at least :data:`MIN_LEARNED` coded turns or
  example quotes (it sees the rule hits as features and has learned how far to trust them);
  the rules alone decide the other codes. The
  result is one codings table: coder ``model`` (score = probability; evidence = the keywords the
  rules matched, then the terms that weighed most) or ``rules``.
* :func:`suggest_turns` lists the uncoded turns whose coding would teach the model most: the
  most uncertain ones, picked with maximal marginal relevance on tf-idf cosine similarity so the
  list covers different kinds of turns.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.human import Seen, check_codings, labelled_mask
from qualcode.errors import ModelError, QualcodeError
from qualcode.schema import (
    CODE,
    CODER,
    EVIDENCE,
    EVIDENCE_SEP,
    INTERVIEW,
    MODEL_CODER,
    PARTICIPANT,
    POSITION,
    ROLE,
    SCORE,
    SPAN_END,
    SPAN_START,
    SPEAKER,
    TEXT,
    TURN_ID,
    empty_codings,
    normalize_codings,
)

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.coding.rules import KeywordCoder
    from qualcode.coding.sequence import Links

# scikit-learn (through qualcode.coding.classifier) is imported by the functions that train or
# apply a model, not by this module: choosing a method or coding with rules alone does not need it

__all__ = [
    "MIN_LEARNED",
    "Method",
    "choose_method",
    "code_turns",
    "learned_codes",
    "merge_codings",
    "model_can_decide",
    "suggest_turns",
    "train_model",
]

log = logging.getLogger(__name__)

Method = Literal["rules", "model", "hybrid"]

#: coded examples a code needs before the hybrid lets the model decide it instead of the rules
MIN_LEARNED = 5

#: cosine similarity from which a turn counts as a near-copy of another in suggestions
NEAR_DUPLICATE = 0.9
METHODS: tuple[str, ...] = ("rules", "model", "hybrid")


def _role_mask(turns: pd.DataFrame, all_speakers: bool) -> np.ndarray:
    if all_speakers:
        return np.ones(len(turns), dtype=bool)
    return (turns[ROLE].astype(str) == PARTICIPANT).to_numpy()


def _resolve_codebook(
    codings: pd.DataFrame | None, codebook: Codebook | None, exclusive: bool
) -> Codebook:
    if codebook is not None:
        return codebook
    if codings is None or codings.empty:
        msg = "no codebook and no codings: nothing says which codes there are"
        raise QualcodeError(msg)
    return Codebook.from_code_names(list(dict.fromkeys(codings[CODE])), exclusive=exclusive)


def train_model(
    turns: pd.DataFrame,
    codings: pd.DataFrame | None,
    *,
    codebook: Codebook | None = None,
    exclusive: bool = False,
    seen: Seen = "interview",
    all_speakers: bool = False,
    **params: Any,
) -> CodeClassifier:
    """Fit a CodeClassifier on the coded turns of ``turns`` and the codebook's example quotes.

    Parameters
    ----------
    turns : DataFrame
        Turns table; the context (turn before, speaker change) is taken from it.
    codings : DataFrame or None
        Human codings of some of these turns (the coder column is ignored: codings are pooled).
    codebook : Codebook, optional
        Without it, the codes found in ``codings`` (independent, or one exclusive theme with
        ``exclusive``).
    seen : {"interview", "all", "coded"}
        Which turns are labelled (see :mod:`qualcode.coding.human`).
    all_speakers : bool, default False
        Learn from every role's turns; by default only participants' turns.
    **params
        Passed to :class:`CodeClassifier`.

    Returns
    -------
    CodeClassifier
        Fitted.
    """
    from qualcode.coding.classifier import CodeClassifier, turn_context

    cb = _resolve_codebook(codings, codebook, exclusive)
    X = turn_context(turns)
    if codings is not None and not codings.empty:
        check_codings(codings, turns=turns, codebook=cb)
        mask = labelled_mask(turns, codings, seen=seen) & _role_mask(turns, all_speakers)
    else:
        mask = np.zeros(len(turns), dtype=bool)
    ids = turns[TURN_ID].astype(str).to_numpy()[mask]
    y = pd.DataFrame(0, index=range(int(mask.sum())), columns=list(cb.code_names))
    if codings is not None and mask.any():
        pos = {t: i for i, t in enumerate(ids)}
        for turn, code in zip(codings[TURN_ID], codings[CODE], strict=True):
            if turn in pos:
                y.at[pos[turn], code] = 1
    params.setdefault("random_state", 0)
    model = CodeClassifier(codebook=cb, **params)
    return model.fit(X.loc[mask].reset_index(drop=True), y)


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


#: turns the model explains at a time (whole interviews): bounds the memory of coding a corpus
MODEL_CHUNK_TURNS = 50_000


def _interview_chunks(interview: pd.Series, size: int) -> list[slice]:
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


def _model_codings(model: CodeClassifier, turns: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    from qualcode.coding.inputs import turn_context

    X = turn_context(turns).loc[mask].reset_index(drop=True)
    ids = turns[TURN_ID].astype(str).to_numpy()[mask]
    if len(X) == 0:
        return empty_codings()
    parts = []
    # whole interviews at a time: the same rows as all at once (context and sequence decoding
    # stay inside an interview), in a fraction of the memory
    for rows in _interview_chunks(X[INTERVIEW], MODEL_CHUNK_TURNS):
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

    Raises
    ------
    ModelError
        ``model`` was trained on another codebook.
    QualcodeError
        Neither codebook nor model, or nothing to learn from for ``model``/``hybrid``.
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
                f"the model was trained on another codebook (codes {', '.join(model.classes_)}; "
                f"given {', '.join(codebook.code_names)})"
            )
            raise ModelError(msg)
    assert codebook is not None
    chosen = choose_method(
        codebook=codebook, model=model, train_codings=train_codings, method=method
    )
    mask = _role_mask(turns, all_speakers)

    def rules() -> pd.DataFrame:
        if coder is not None:
            return coder.code(turns)
        from qualcode.coding.rules import KeywordCoder  # lazy: spaCy lookups

        options = {k: v for k, v in (rule_options or {}).items() if v is not None}
        return KeywordCoder(codebook, all_speakers=all_speakers, **options).code(turns)

    if chosen == "rules" or (
        chosen == "hybrid" and model is None and not model_can_decide(codebook, train_codings)
    ):
        return normalize_codings(rules())
    if model is None:
        model = train_model(
            turns, train_codings, codebook=codebook, seen=seen, all_speakers=all_speakers
        )
    by_model = _model_codings(model, turns, mask)
    if chosen == "model":
        return by_model
    learned = learned_codes(model)
    by_model = by_model[by_model[CODE].isin(learned)]
    return merge_codings(rules(), by_model, learned=learned)


# --- active learning -----------------------------------------------------------------------
def _uncertainty(model: CodeClassifier, P: np.ndarray, links: Links | None = None) -> np.ndarray:
    """1 for a coin toss, 0 for certainty; the most uncertain decision of a turn counts
    (``links``: between the rows of ``P``, for a model with sequence decoding)."""
    parts = []
    for head in model.heads_:
        if head["constant"] is not None:
            continue
        if head["kind"] == "binary":
            j, t = head["code"], head["threshold"]
            p = P[:, j]
            parts.append(1.0 - np.abs(p - t) / np.where(p >= t, 1.0 - t, t))
        else:
            # the gap between the two codes the decision compares (after its per-code offsets)
            group = model._group_weights(head, P, links)
            if group.shape[1] < 2:
                continue
            top2 = -np.sort(-group, axis=1)[:, :2]
            parts.append(1.0 - (top2[:, 0] - top2[:, 1]))
    if not parts:
        return np.ones(P.shape[0])
    return np.clip(np.max(np.vstack(parts), axis=0), 0.0, 1.0)


def suggest_turns(
    turns: pd.DataFrame,
    codings: pd.DataFrame | None,
    *,
    codebook: Codebook | None = None,
    exclusive: bool = False,
    n: int = 10,
    diversity: float = 0.3,
    seen: Seen = "interview",
    all_speakers: bool = False,
    random_state: int = 0,
) -> pd.DataFrame:
    """List the uncoded turns whose coding would teach the model most.

    A model is trained on the coded turns (and example quotes); each uncoded turn gets an
    uncertainty (how close its least certain decision is to the threshold, or how close the two
    best codes of an exclusive theme are). Turns are then picked greedily by maximal marginal
    relevance: ``(1 - diversity) * uncertainty - diversity * max cosine similarity`` (tf-idf of
    words) to the turns already picked; near-copies of a listed turn (similarity of at least
    :data:`NEAR_DUPLICATE`) come only when nothing else is left. With nothing to
    learn from yet, uncertainty is 1 everywhere and the list is simply diverse.

    Parameters
    ----------
    turns, codings, codebook, exclusive, seen, all_speakers
        As for :func:`train_model`; candidates are the unlabelled turns (per ``seen``) of the
        roles coded.
    n : int, default 10
        How many turns to list.
    diversity : float in [0, 1], default 0.3
        Weight of the similarity penalty.

    Returns
    -------
    DataFrame
        Columns ``rank``, ``turn_id``, ``interview``, ``position``, ``speaker``, ``text``,
        ``uncertainty`` and ``guess`` (codes the current model would give, ``"; "``-joined).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qualcode.coding.inputs import turn_context

    if not 0.0 <= diversity <= 1.0:
        msg = f"diversity must be between 0 and 1, got {diversity}"
        raise QualcodeError(msg)
    role = _role_mask(turns, all_speakers)
    labelled = (
        labelled_mask(turns, codings, seen=seen)
        if codings is not None and not codings.empty
        else np.zeros(len(turns), dtype=bool)
    )
    candidates = np.flatnonzero(role & ~labelled)
    columns = ["rank", TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, "uncertainty", "guess"]
    if len(candidates) == 0 or n <= 0:
        return pd.DataFrame(columns=columns)
    X = turn_context(turns).iloc[candidates].reset_index(drop=True)
    guess = [""] * len(candidates)
    try:
        model = train_model(
            turns,
            codings,
            codebook=codebook,
            exclusive=exclusive,
            seen=seen,
            all_speakers=all_speakers,
            random_state=random_state,
        )
    except QualcodeError as err:
        if codings is not None and not codings.empty:
            raise
        log.info("no model yet (%s): listing diverse turns", err)
        uncertainty = np.ones(len(candidates))
    else:
        P = model.predict_proba(X)
        links = model.links(X)
        uncertainty = _uncertainty(model, P, links)
        D = model._decide(P, links)
        guess = [EVIDENCE_SEP.join(model.classes_[np.flatnonzero(row)]) for row in D]
    texts = X[TEXT].tolist()
    try:
        V = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
        sim = (V @ V.T).toarray()
    except ValueError:  # no words at all
        sim = np.zeros((len(texts), len(texts)))
    rng = np.random.default_rng(random_state)
    tiebreak = rng.random(len(candidates)) * 1e-9
    chosen: list[int] = []
    max_sim = np.zeros(len(candidates))
    available = np.ones(len(candidates), dtype=bool)
    for _ in range(min(n, len(candidates))):
        score = (1 - diversity) * uncertainty - diversity * max_sim + tiebreak
        score[~available] = -np.inf
        fresh = available & (max_sim < NEAR_DUPLICATE)
        if fresh.any():  # a near-copy of a listed turn would teach nothing new
            score[~fresh] = -np.inf
        k = int(np.argmax(score))
        chosen.append(k)
        available[k] = False
        max_sim = np.maximum(max_sim, sim[k])
    rows = turns.iloc[candidates[chosen]]
    out = pd.DataFrame(
        {
            "rank": range(1, len(chosen) + 1),
            TURN_ID: rows[TURN_ID].to_numpy(),
            INTERVIEW: rows[INTERVIEW].to_numpy(),
            POSITION: rows[POSITION].to_numpy(),
            SPEAKER: rows[SPEAKER].to_numpy(),
            TEXT: rows[TEXT].to_numpy(),
            "uncertainty": uncertainty[chosen],
            "guess": [guess[k] for k in chosen],
        }
    )
    return out[columns]
