"""CodeClassifier: a scikit-learn estimator that learns a codebook from a researcher's coding.

Input ``X``
    Either a sequence of turn texts (no context), or a table with the columns ``text``,
    ``context`` (text of the turn before: in an interview usually the interviewer's question),
    ``speaker_change`` (1 if that turn was by another speaker, 0 if by the same one, empty for
    the first turn of an interview), ``after`` and ``after_change`` (the same for the turn
    after); a 2-D array gives them by position (the first one or more). :func:`turn_context`
    builds the table from a turns table, and a turns table passed as ``X`` is converted with it.
    Context comes from the texts only, never from codes, so it exists for new transcripts too.
    Build it on the whole turns table *before* splitting rows into folds.
Target ``y``
    The 0/1 table, shape (n_samples, n_codes): a DataFrame whose columns are code names or an
    array whose columns follow the codebook. A 1-D sequence of code names is also accepted: it
    means one mutually exclusive theme, and ``predict`` then returns code names.

Model
    Features are tf-idf of word 1-2-grams (tokens are words, one-letter words included, and
    single punctuation marks; n-grams include the turn's start and end, so "<start> uh" and
    "? <end>" are features) and of character 3-4-grams within words (robust to Indonesian
    affixes, clitics such as ``-nya`` and code-switching), sublinear tf; the word n-grams of the
    turns before and after, kept apart by whether the speaker changed; the pairs "last token of
    the turn before | first token of this turn" (and this turn's last | the next one's first);
    the turn's length in tokens (binned); optionally the hit counts of the codebook's keyword
    rules. Each distinct text is featurised once (a neighbour's features are its own rows), so
    context costs little; see :class:`~qualcode.coding.tfidf.TextEncoder` for how tokens and
    n-grams are counted without per-n-gram Python work.
    Independent codes get one balanced logistic regression each (one-vs-rest), with
    Platt-calibrated probabilities and a decision threshold that maximises F1 on out-of-fold
    predictions. A mutually exclusive theme gets one multiclass linear model (plus a "none of
    these" class when some turns have none of its codes); its probabilities are a softmax of
    the decision scores with a temperature and per-code offsets fitted on held-out data
    (vector scaling: the offsets restore code frequencies a one-vs-rest SVM under-states).
    Its decision is, by default (``decision="kappa"``), the argmax of the log-probabilities
    plus per-code offsets chosen on the same held-out predictions to maximise Cohen's kappa
    with the human codes; ``decision="argmax"`` takes the most probable code. ``class_weight``
    can rebalance rare codes fully (``"balanced"``) or partly (a strength between 0 and 1).
    When ``X`` carries the turns' interview and position (as :func:`turn_context` gives) and
    neighbouring turns were coded, an exclusive theme is also decoded along the conversation
    (``sequence=True``, :mod:`qualcode.coding.sequence`): which code follows which, learned
    from the training codes, weighs each turn's code with its neighbours' predicted codes; the
    strength is chosen on held-out predictions and is zero when it does not raise kappa there.

Saved models (:meth:`CodeClassifier.save`, :func:`load_model`) are a zip of JSON and a NumPy
``.npz`` read with ``allow_pickle=False`` plus a checksum, with the codebook inside: nothing is
unpickled, and a modified file is refused.

The estimator is here; its parts have rooms of their own: reading ``X`` and ``y``
(:mod:`~qualcode.coding.inputs`), the text encoder (:mod:`~qualcode.coding.tfidf`), the feature
union (:mod:`~qualcode.coding.features`), calibration and decision offsets
(:mod:`~qualcode.coding.calibration`), the per-code and per-theme heads
(:mod:`~qualcode.coding.heads`) and the model file (:mod:`~qualcode.coding.modelfile`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from qualcode.codebook import Codebook
from qualcode.coding.features import TurnFeatures, top_terms
from qualcode.coding.heads import (
    check_decision,
    decide,
    decide_scores,
    fit_binary_head,
    fit_group_head,
    group_weights,
    proba_from_scores,
    weight_rows,
)
from qualcode.coding.inputs import TurnInput, read_targets, split_x, turn_context, with_examples
from qualcode.coding.modelfile import (
    check_codebook,
    codebook_from_dict,
    codebook_to_dict,
    read_model_file,
    write_model_file,
)
from qualcode.coding.sequence import Links, SequenceModel
from qualcode.errors import ModelError, QualcodeError

__all__ = ["CodeClassifier", "load_model", "turn_context"]

#: the "auto" solver uses SGD above this many training samples (lbfgs below)
SGD_ABOVE = 5000


def _has_rules(codebook: Codebook) -> bool:
    return any(c.keywords or c.patterns for c in codebook.codes)


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Predict codebook codes for speaker turns, learning from human codings.

    Parameters
    ----------
    codebook : Codebook, optional
        Gives the codes (in order), which themes are mutually exclusive, the example quotes
        (extra training text when ``use_examples``) and the keyword rules (features when
        ``use_rules``). Without it the codes are the columns of ``y``.
    exclusive : bool, default False
        Without a codebook: treat all codes as one mutually exclusive theme.
    context : bool, default True
        Use the context columns of ``X`` (previous turn text, speaker change) when present.
    word_ngrams : tuple of int, default (1, 2)
    char_ngrams : tuple of int or None, default (3, 4)
        Character n-grams within words (each word padded with a space on both sides); None
        turns them off.
    min_df : int, default 1
        Drop n-grams seen in fewer training texts.
    use_rules : bool, default True
        Add the codebook keyword-rule hit counts as features (if it has keywords).
    use_examples : bool, default True
        Train on the codebook's example quotes as well.
    class_weight : {"balanced"}, float or None, default "balanced"
        Weighting of rare codes. ``"balanced"`` weights each class by
        ``n_samples / (n_classes * count)``; a number ``s`` between 0 and 1 is a partial
        rebalancing, weights ``(n_samples / (n_classes * count)) ** s`` (1 = balanced, 0 = none):
        useful when rare codes matter but fully balanced weights over-predict them; None gives
        every turn the same weight.
    C : float, default 1.0
        Inverse regularisation strength.
    cv : int, default 3
        Folds used inside ``fit`` for calibration, per-code thresholds and (exclusive themes
        of up to 5,000 turns) the decision offsets.
    solver : {"auto", "lbfgs", "sgd"}, default "auto"
        Multiclass learner of exclusive themes: ``lbfgs`` (multinomial logistic regression),
        ``sgd`` (one-vs-rest linear SVM trained by averaged SGD on 90% of the turns, its softmax
        temperature and offsets fitted on the other 10%: for tens of thousands of turns and
        more). ``auto`` picks ``sgd`` above 5,000 samples (and lbfgs above 5,000 fits its
        offsets on a held-out 10% too, then refits on all turns).
    max_iter : int, default 5
        Epochs of the SGD solver (averaged SGD converges in few).
    decision : {"kappa", "argmax"}, default "kappa"
        How an exclusive theme picks its code. ``argmax``: the most probable one (maximises
        accuracy). ``kappa``: the most probable after adding a per-code offset to the
        log-probabilities, the offsets chosen on the held-out predictions ``fit`` already makes
        (the 10% slice or the cross-validation folds) to maximise Cohen's kappa with the
        human codes; it trades a little accuracy on frequent codes for agreement on the others
        (kappa discounts agreement on frequent codes). Codes with fewer than 20 held-out turns
        keep offset 0.
    sequence : bool, default True
        Decode an exclusive theme along the conversation: learn which code follows which
        (apart for a change of speaker) and weigh each turn's codes by those of the turns
        before and after it (:mod:`qualcode.coding.sequence`). Needs ``X`` with the
        ``interview`` and ``position`` columns of :func:`turn_context`; its strength is chosen
        on the held-out predictions (and is 0, no sequence, unless it raises held-out kappa).
    random_state : int or None, default None

    Attributes
    ----------
    codebook_ : Codebook
        The codebook used (given, or built from the codes of ``y``).
    classes_ : ndarray of str
        Code names, the column order of ``predict`` and ``predict_proba``.
    thresholds_ : ndarray of float
        Decision threshold per code (NaN for codes of exclusive themes: see ``decision``).
    n_features_ : int

    Examples
    --------
    >>> X = ["we keep our clients", "new clients come", "we retain them", "we win new ones"]
    >>> y = ["retain", "acquire", "retain", "acquire"]
    >>> clf = CodeClassifier(random_state=0).fit(X, y)
    >>> list(clf.classes_)
    ['acquire', 'retain']
    """

    def __init__(
        self,
        *,
        codebook: Codebook | None = None,
        exclusive: bool = False,
        context: bool = True,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 4),
        min_df: int = 1,
        use_rules: bool = True,
        use_examples: bool = True,
        class_weight: str | float | None = "balanced",
        C: float = 1.0,
        cv: int = 3,
        solver: str = "auto",
        max_iter: int = 5,
        decision: str = "kappa",
        sequence: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.codebook = codebook
        self.exclusive = exclusive
        self.context = context
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.use_rules = use_rules
        self.use_examples = use_examples
        self.class_weight = class_weight
        self.C = C
        self.cv = cv
        self.solver = solver
        self.max_iter = max_iter
        self.decision = decision
        self.sequence = sequence
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags

    # -- fitting
    def fit(self, X: Any, y: Any) -> CodeClassifier:
        """Learn the codes from texts ``X`` and the 0/1 table ``y``.

        Returns
        -------
        CodeClassifier
            self.
        """
        inp = split_x(X)
        Y, cb, one_d = read_targets(y, codebook=self.codebook, exclusive=self.exclusive)
        if len(inp) != len(Y):
            msg = f"X has {len(inp)} samples but y has {len(Y)}"
            raise QualcodeError(msg)
        if self.use_examples:
            inp, Y = with_examples(inp, Y, cb)
        texts = inp.texts
        if len(texts) == 0:
            msg = "nothing to learn from: no coded turns and no codebook example quotes"
            raise QualcodeError(msg)
        self.codebook_ = cb
        self.classes_ = np.array(cb.code_names, dtype=object)
        self.one_d_ = one_d
        self.solver_ = (
            self.solver if self.solver != "auto" else ("sgd" if len(texts) > SGD_ABOVE else "lbfgs")
        )
        if self.solver_ not in ("lbfgs", "sgd"):
            msg = f"solver must be 'auto', 'lbfgs' or 'sgd', got {self.solver!r}"
            raise QualcodeError(msg)
        check_decision(self.decision, self.class_weight)
        self.features_ = TurnFeatures(
            word_ngrams=self.word_ngrams,
            char_ngrams=self.char_ngrams,
            min_df=self.min_df,
            context=self.context and (inp.before is not None or inp.after is not None),
            codebook=cb if self.use_rules and _has_rules(cb) else None,
        )
        F = self.features_.fit_transform(inp)
        self.n_features_ = F.shape[1]
        n_codes = len(cb.code_names)
        coef = np.zeros((0, F.shape[1]), dtype=np.float32)
        rows: list[np.ndarray] = []
        intercepts: list[float] = []
        self.heads_: list[dict[str, Any]] = []
        self.thresholds_ = np.full(n_codes, np.nan)
        index = {c: i for i, c in enumerate(cb.code_names)}
        in_group: set[int] = set()
        links = inp.links() if self.sequence else None
        from qualcode.progress import progress_bar

        grouped = {index[c] for group in cb.exclusive_groups for c in group}
        n_heads = len(cb.exclusive_groups) + n_codes - len(grouped)
        with progress_bar(total=n_heads, desc="training", unit="code") as bar:
            for group in cb.exclusive_groups:
                idx = [index[c] for c in group]
                in_group.update(idx)
                head = fit_group_head(self, F, Y[:, idx], idx, rows, intercepts, group, links=links)
                self.heads_.append(head)
                bar.update(1)
            for j in range(n_codes):
                if j in in_group:
                    continue
                head = fit_binary_head(self, F, Y[:, j], j, rows, intercepts)
                self.heads_.append(head)
                self.thresholds_[j] = head["threshold"]
                bar.update(1)
        coef = np.vstack(rows).astype(np.float32) if rows else coef
        self.coef_ = coef
        self.intercept_ = np.asarray(intercepts, dtype=np.float64)
        return self

    # -- prediction
    def _features(self, X: Any) -> sp.csr_matrix:
        return self.features_.transform(split_x(X))

    def _prepare(self, X: Any) -> tuple[sp.csr_matrix, Links | None]:
        """Features of ``X`` and the links between its rows (for sequence decoding)."""
        inp = split_x(X)
        return self.features_.transform(inp), self._links(inp)

    def _links(self, inp: TurnInput) -> Links | None:
        if not any(h.get("sequence") for h in self.heads_ if h["kind"] == "group"):
            return None
        return inp.links()

    def links(self, X: Any) -> Links | None:
        """The links between the rows of ``X`` that sequence decoding uses (None when the
        model has no sequence decoding or ``X`` lacks the columns)."""
        check_is_fitted(self)
        return self._links(split_x(X))

    def _decision(self, F: sp.csr_matrix) -> np.ndarray:
        """Linear scores ``F @ coef_.T + intercept_`` (a contiguous copy of ``coef_.T`` is kept:
        scipy would otherwise copy the transposed weights on every call)."""
        cached = getattr(self, "_coef_t", None)
        if cached is None or cached[0] is not self.coef_:
            cached = (self.coef_, np.ascontiguousarray(self.coef_.T))
            self._coef_t = cached
        return np.asarray(F @ cached[1], dtype=np.float64) + self.intercept_

    def _scores_of(self, F: sp.csr_matrix) -> np.ndarray | None:
        return self._decision(F) if self.coef_.shape[0] else None

    def _proba_from_features(self, F: sp.csr_matrix, S: np.ndarray | None) -> np.ndarray:
        return proba_from_scores(self, F, S)

    def _decide(self, P: np.ndarray, links: Links | None = None) -> np.ndarray:
        """0/1 decisions from the probabilities of :meth:`predict_proba` (see
        :func:`~qualcode.coding.heads.decide`)."""
        return decide(self, P, links)

    def _group_weights(
        self, head: dict[str, Any], P: np.ndarray, links: Links | None = None
    ) -> np.ndarray:
        """What an exclusive theme's decision compares (see
        :func:`~qualcode.coding.heads.group_weights`)."""
        return group_weights(self, head, P, links)

    def _decide_scores(
        self, S: np.ndarray | None, n: int, links: Links | None = None
    ) -> np.ndarray:
        """0/1 decisions from the linear scores ``S`` (see
        :func:`~qualcode.coding.heads.decide_scores`)."""
        return decide_scores(self, S, n, links)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the probability of each code, shape (n_samples, n_codes) in ``classes_`` order.

        For codes of an exclusive theme the probabilities of the theme sum to at most 1 (the rest
        is "none of these").
        """
        check_is_fitted(self)
        F = self._features(X)
        return self._proba_from_features(F, self._scores_of(F))

    def predict(self, X: Any) -> np.ndarray:
        """Return the 0/1 decisions, shape (n_samples, n_codes); code names if fitted on 1-D y."""
        check_is_fitted(self)
        F, links = self._prepare(X)
        D = self._decide_scores(self._scores_of(F), F.shape[0], links)
        if self.one_d_:
            return self.classes_[D.argmax(axis=1)]
        return D

    def explain(self, X: Any, *, n_terms: int = 5, threshold: bool = True) -> pd.DataFrame:
        """Return, for every predicted (sample, code), the terms that weighed most.

        Parameters
        ----------
        X
            As for :meth:`predict`.
        n_terms : int, default 5
            Terms kept per (sample, code).
        threshold : bool, default True
            Only the codes ``predict`` gives; False: every code with probability > 0.

        Returns
        -------
        DataFrame
            Columns ``row`` (position in X), ``code``, ``probability`` and ``terms`` (the word
            n-grams, context n-grams and rule hits with the largest positive contribution
            ``feature value x weight``, largest first, joined by ``"; "``).
        """
        check_is_fitted(self)
        F, links = self._prepare(X)
        S = self._scores_of(F)
        P = self._proba_from_features(F, S)
        D = self._decide_scores(S, F.shape[0], links) if threshold else (P > 0).astype(np.int8)
        names = np.array(self.features_.feature_names(), dtype=object)
        readable = self.features_.readable_mask()
        rows, codes = np.nonzero(D)
        weight_row = weight_rows(self.heads_, D.shape[1])
        terms = top_terms(F, rows, weight_row[codes], self.coef_, readable, names, n_terms)
        out = {
            "row": rows.astype(np.int64),
            "code": self.classes_[codes],
            "probability": P[rows, codes].astype(float),
            "terms": terms,
        }
        return pd.DataFrame(out, columns=["row", "code", "probability", "terms"])

    # -- persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model and its codebook to ``path`` (a zip of JSON + npz, no pickle).

        Returns
        -------
        Path
            The file written.
        """
        check_is_fitted(self)
        fmeta, farrays = self.features_.state()
        params = {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in self.get_params().items()
            if k != "codebook"
        }
        arrays = {"coef": self.coef_, "intercept": self.intercept_, **farrays}
        fields = {
            "params": params,
            "codebook": codebook_to_dict(self.codebook_),
            "given_codebook": self.codebook is not None,
            "features": fmeta,
            "heads": self.heads_,
            "thresholds": [None if np.isnan(t) else float(t) for t in self.thresholds_],
            "one_d": bool(self.one_d_),
            "solver": self.solver_,
        }
        return write_model_file(path, fields, arrays)

    @classmethod
    def load(cls, path: str | Path, *, codebook: Codebook | None = None) -> CodeClassifier:
        """Read a model written by :meth:`save`; see :func:`load_model`."""
        return load_model(path, codebook=codebook)


def load_model(path: str | Path, *, codebook: Codebook | None = None) -> CodeClassifier:
    """Read a saved :class:`CodeClassifier` safely (JSON + ``npz`` without pickle, checksum).

    Parameters
    ----------
    path : str or Path
        A file written by :meth:`CodeClassifier.save`.
    codebook : Codebook, optional
        The codebook the caller works with; it must have the same codes (names, order) and
        exclusive themes as the one the model was trained on.

    Returns
    -------
    CodeClassifier
        Fitted; ``codebook_`` is the codebook stored in the file.

    Raises
    ------
    ModelError
        Not a qualcode model, modified after saving, holds pickled objects, or trained on
        another codebook.
    """
    p = Path(path)
    if not p.exists():
        raise ModelError("model file not found", path=p)
    meta, arrays = read_model_file(p)
    try:
        stored = codebook_from_dict(meta["codebook"])
        check_codebook(stored, codebook, p)
        params = dict(meta["params"])
        for key in ("word_ngrams", "char_ngrams"):
            if params.get(key) is not None:
                params[key] = tuple(params[key])
        model = CodeClassifier(codebook=stored if meta.get("given_codebook") else None, **params)
        model.codebook_ = stored
        model.classes_ = np.array(stored.code_names, dtype=object)
        model.one_d_ = bool(meta["one_d"])
        model.solver_ = str(meta["solver"])
        model.features_ = TurnFeatures.from_state(meta["features"], arrays, stored)
        model.heads_ = list(meta["heads"])
        for head in model.heads_:
            if head.get("sequence"):
                k = len(head["codes"])
                seq = SequenceModel.from_dict(head["sequence"])
                if seq.transitions.shape != (2, k, k) or seq.log_prior.shape != (k,):
                    raise ModelError("the model's sequence tables do not match its codes", path=p)
        model.thresholds_ = np.array(
            [np.nan if t is None else float(t) for t in meta["thresholds"]], dtype=float
        )
        model.coef_ = arrays["coef"].astype(np.float32)
        model.intercept_ = arrays["intercept"].astype(np.float64)
        model.n_features_ = int(model.coef_.shape[1])
        if model.coef_.shape[1] != model.features_.n_features:
            raise ModelError("the model's weights do not match its vocabulary", path=p)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, ModelError):
            raise
        msg = f"damaged qualcode model: {err!r}"
        raise ModelError(msg, path=p) from err
    return model
