"""Tests for qualcode.kappa: the one Cohen's kappa."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from qualcode.kappa import kappa_from_agreement, kappa_from_confusion


def test_kappa_from_confusion_matches_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    assert kappa_from_confusion(confusion_matrix(a, b)) == pytest.approx(cohen_kappa_score(a, b))
    assert kappa_from_confusion(np.array([[20, 5], [10, 15]])) == 0.4


def test_kappa_undefined_without_units_or_when_chance_agreement_is_one() -> None:
    assert np.isnan(kappa_from_confusion(np.zeros((2, 2))))
    assert np.isnan(kappa_from_confusion(np.array([[5, 0], [0, 0]])))
    assert float(kappa_from_agreement(1.0, 1.0, undefined=0.0)) == 0.0


def test_kappa_from_agreement_is_vectorised() -> None:
    got = kappa_from_agreement(np.array([0.75, 1.0, 0.5]), np.array([0.5, 1.0, 0.5]))
    assert got[0] == 0.5 and np.isnan(got[1]) and got[2] == 0.0
