"""Tests for CodeClassifier's exclusive-theme decisions: kappa offsets, calibration offsets,
partial class rebalancing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, log_loss

from qualcode.coding.calibration import (
    fit_scaling,
    fit_temperature,
    kappa_biases,
    log_softmax,
    softmax,
)
from qualcode.coding.classifier import CodeClassifier, load_model
from qualcode.coding.heads import class_weights
from qualcode.errors import QualcodeError


def _noisy_scores(seed: int = 0, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Scores of 3 classes (60/25/15%) where the minority classes score too low."""
    rng = np.random.default_rng(seed)
    y = rng.choice(3, size=n, p=[0.6, 0.25, 0.15])
    s = rng.normal(size=(n, 3))
    s[np.arange(n), y] += 1.2
    s[:, 1:] -= 0.8  # minority classes under-predicted
    return s, y


def _texts(seed: int = 0, n: int = 150) -> tuple[list[str], list[str]]:
    """Overlapping vocabularies: the rare code shares most words with the frequent one."""
    rng = np.random.default_rng(seed)
    words = {
        "statement": ["saya", "kerja", "di", "agency", "klien", "kami", "baru"],
        "opinion": ["saya", "pikir", "bagus", "klien", "kami", "menurut"],
        "question": ["apa", "bagaimana", "klien", "kenapa", "kamu"],
    }
    codes = rng.choice(list(words), size=n, p=[0.6, 0.25, 0.15]).tolist()
    texts = []
    for c in codes:
        pool = words[c] + words["statement"] * 2  # everything looks a bit like a statement
        texts.append(" ".join(rng.choice(pool, size=5)))
    return texts, codes


def test_kappa_biases_raise_kappa_and_match_sklearn():
    s, y = _noisy_scores()
    log_p = log_softmax(s)
    b = kappa_biases(log_p, y)
    before = cohen_kappa_score(y, log_p.argmax(axis=1))
    after = cohen_kappa_score(y, (log_p + b).argmax(axis=1))
    assert after > before + 0.02
    assert max(b[1], b[2]) > b[0]  # the under-predicted classes are pushed up
    # no class left to improve: a second call from the result changes nothing
    again = kappa_biases(log_p + b, y)
    assert cohen_kappa_score(y, (log_p + b + again).argmax(axis=1)) == pytest.approx(after)


def test_kappa_biases_two_classes_find_the_best_cut():
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.2).astype(int)
    s = np.c_[np.zeros(300), rng.normal(size=300) + 1.5 * y - 1.2]
    log_p = log_softmax(s)
    b = kappa_biases(log_p, y, rounds=1)
    got = cohen_kappa_score(y, (log_p + b).argmax(axis=1))
    margin = log_p[:, 1] - log_p[:, 0]
    brute = max(cohen_kappa_score(y, (margin > t).astype(int)) for t in np.r_[margin, -99.0])
    assert got == pytest.approx(brute)


def test_kappa_biases_leave_rare_classes_alone():
    s, y = _noisy_scores(n=200)
    y[:3] = 3  # a fourth class with 3 rows
    s = np.c_[s, np.full(len(y), -5.0)]
    b = kappa_biases(log_softmax(s), y, min_count=5)
    assert b[3] == 0.0


def test_fit_scaling_offsets_lower_log_loss():
    s, y = _noisy_scores(n=2000)
    t_only = fit_temperature(s, y)
    t, b = fit_scaling(s, y)
    loss_t = log_loss(y, softmax(s / t_only), labels=[0, 1, 2])
    loss_v = log_loss(y, softmax(s / t + b), labels=[0, 1, 2])
    assert loss_v < loss_t - 0.01
    # the offsets restore the class frequencies the scores under-state
    p = softmax(s / t + b).mean(axis=0)
    np.testing.assert_allclose(p, np.bincount(y) / len(y), atol=0.02)


def test_fit_scaling_offsets_stay_small_on_few_rows():
    s, y = _noisy_scores(n=12)
    _, b = fit_scaling(s, y)
    _, b_many = fit_scaling(*_noisy_scores(n=3000))
    assert np.abs(b).max() < np.abs(b_many).max()


def test_classifier_kappa_decision_uses_held_out_offsets(tmp_path):
    X, y = _texts()
    kappa = CodeClassifier(random_state=0, char_ngrams=None).fit(X, y)
    plain = CodeClassifier(random_state=0, char_ngrams=None, decision="argmax").fit(X, y)
    (head,) = kappa.heads_
    assert any(v != 0 for v in head["decision_bias"])
    assert not any(plain.heads_[0]["decision_bias"])
    Xn, _ = _texts(seed=5)
    P = kappa.predict_proba(Xn)
    # predict = argmax of log-probability + offset; argmax alone differs for some turns
    expected = kappa.classes_[(np.log(P[:, head["codes"]]) + head["decision_bias"]).argmax(1)]
    assert kappa.predict(Xn).tolist() == expected.tolist()
    assert kappa.classes_[kappa._decide(P).argmax(axis=1)].tolist() == expected.tolist()
    assert (plain.predict(Xn) == plain.classes_[P.argmax(axis=1)]).all()
    assert (kappa.predict(Xn) != plain.predict(Xn)).any()
    loaded = load_model(kappa.save(tmp_path / "k.qcm"))
    assert loaded.heads_[0]["decision_bias"] == head["decision_bias"]
    assert loaded.predict(Xn).tolist() == kappa.predict(Xn).tolist()
    assert loaded.get_params()["decision"] == "kappa"


def test_classifier_kappa_decision_needs_enough_held_out_turns_per_code():
    # 36 turns: every code has fewer than 20 out-of-fold turns, too few to move a decision
    X, y = _texts(n=36)
    (head,) = CodeClassifier(random_state=0, char_ngrams=None).fit(X, y).heads_
    assert not any(head["decision_bias"])
    X, y = _texts(n=150)  # the frequent codes have enough, the rarest (about 22) maybe not
    (head,) = CodeClassifier(random_state=0, char_ngrams=None).fit(X, y).heads_
    assert any(head["decision_bias"])


def test_classifier_kappa_decision_with_none_of_these_class():
    X, codes = _texts(n=120)
    y = np.zeros((len(X), 2), dtype=int)
    for i, c in enumerate(codes):  # "question" turns have neither code
        if c != "question":
            y[i, ["statement", "opinion"].index(c)] = 1
    clf = CodeClassifier(exclusive=True, random_state=0, char_ngrams=None).fit(X, y)
    (head,) = clf.heads_
    assert -1 in head["codes"] and len(head["decision_bias"]) == 3
    pred = clf.predict(X)
    assert pred.sum(axis=1).max() == 1 and (pred.sum(axis=1) == 0).any()
    P = clf.predict_proba(X)
    order = head["codes"]
    Pg = np.c_[[P[:, j] if j >= 0 else 1 - P.sum(axis=1) for j in order]].T
    best = np.asarray(order)[(np.log(np.clip(Pg, 0, None)) + head["decision_bias"]).argmax(1)]
    assert ((best == -1) == (pred.sum(axis=1) == 0)).all()
    # the decisions from scores (predict) and from probabilities (_decide) agree
    assert (clf._decide(P) == pred).all()


def test_classifier_class_weight_strength_is_partial_rebalancing():
    X, y = _texts(n=120)
    fits = {
        cw: CodeClassifier(random_state=0, char_ngrams=None, class_weight=cw).fit(X, y)
        for cw in (None, 0.0, 0.5, 1.0, "balanced")
    }
    np.testing.assert_allclose(fits[0.0].coef_, fits[None].coef_, rtol=1e-6)
    np.testing.assert_allclose(fits[1.0].coef_, fits["balanced"].coef_, rtol=1e-6)
    for a, b in itertools.combinations((None, 0.5, "balanced"), 2):
        assert not np.allclose(fits[a].coef_, fits[b].coef_)
    # the rare code's linear scores rise against the frequent one's the stronger the
    # rebalancing (the calibrated probabilities are then scaled back to its frequency)
    rare, frequent = list(fits[None].classes_).index("question"), 2

    def gap(m: CodeClassifier) -> float:
        S = m._decision(m._features(X))
        return float((S[:, rare] - S[:, frequent]).mean())

    assert gap(fits[None]) < gap(fits[0.5]) < gap(fits["balanced"])
    w = class_weights(fits[0.5], np.array([0] * 6 + [1] * 2))
    assert w == pytest.approx({0: (8 / 12) ** 0.5, 1: 2.0**0.5})


@pytest.mark.parametrize("bad", [1.5, -0.1, "weighted", True])
def test_classifier_rejects_bad_class_weight(bad):
    X, y = _texts(n=30)
    with pytest.raises(QualcodeError, match="class_weight must be 'balanced', None or a"):
        CodeClassifier(class_weight=bad).fit(X, y)


def test_classifier_rejects_bad_decision():
    X, y = _texts(n=30)
    with pytest.raises(QualcodeError, match="decision must be 'kappa' or 'argmax'"):
        CodeClassifier(decision="f1").fit(X, y)
