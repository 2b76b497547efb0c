"""Tests for qualcode.agreement: textbook values, reference implementations, properties."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualcode import UndefinedStatisticWarning
from qualcode.agreement import (
    OVERALL,
    agreement_table,
    cohen_kappa,
    disagreements,
    kappa_interval,
    krippendorff_alpha,
    pairwise_agreement,
    percent_agreement,
)
from qualcode.codebook import Codebook
from qualcode.errors import CodingsError

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal data with missing
KRIPP_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_cohen_kappa_wikipedia_example():
    # 50 proposals: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_matches_sklearn():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 4, 200)
    b = np.where(rng.random(200) < 0.6, a, rng.integers(0, 4, 200))
    assert cohen_kappa(a.tolist(), b.tolist()) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_drops_missing_pairs():
    assert cohen_kappa([1, 0, None, 1], [1, 0, 1, NAN]) == pytest.approx(1.0)


def test_cohen_kappa_constant_is_nan_with_warning():
    with pytest.warns(UndefinedStatisticWarning, match="single category"):
        assert np.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))


def test_krippendorff_alpha_textbook_value():
    assert krippendorff_alpha(KRIPP_2011) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_matches_package():
    rng = np.random.default_rng(7)
    data = rng.integers(0, 3, size=(3, 40)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(ref)


def test_krippendorff_alpha_constant_is_nan_with_warning():
    with pytest.warns(UndefinedStatisticWarning, match="no variation"):
        assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))


def test_percent_agreement_two_and_three_coders():
    assert percent_agreement([[1, 0, 1, 1], [1, 1, 1, 1]]) == pytest.approx(0.75)
    # unit 1: all agree (1); unit 2: one of three pairs agrees (1/3)
    assert percent_agreement([[1, 1], [1, 0], [1, 1]]) == pytest.approx((1 + 1 / 3) / 2)


labels = st.lists(st.sampled_from(["a", "b", "c"]), min_size=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(labels, st.data())
def test_cohen_kappa_properties(a, data):
    b = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=len(a), max_size=len(a)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedStatisticWarning)
        k_ab, k_ba, k_aa = cohen_kappa(a, b), cohen_kappa(b, a), cohen_kappa(a, a)
    if not np.isnan(k_ab):
        assert k_ab == pytest.approx(k_ba)
        assert -1.0 - 1e-9 <= k_ab <= 1.0 + 1e-9
    if len(set(a)) > 1:
        assert k_aa == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1.0, 2.0, NAN]), min_size=6, max_size=6),
        min_size=2,
        max_size=4,
    )
)
def test_alpha_and_agreement_properties(rows):
    data = np.array(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedStatisticWarning)
        alpha = krippendorff_alpha(data)
        pa = percent_agreement(data)
        alpha_rev = krippendorff_alpha(data[::-1])
    if not np.isnan(pa):
        assert 0.0 <= pa <= 1.0
    if not np.isnan(alpha):
        assert alpha <= 1.0 + 1e-9
        assert alpha == pytest.approx(alpha_rev)  # order of coders does not matter
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert alpha == pytest.approx(ref)


def test_kappa_interval_brackets_estimate():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 300)
    b = np.where(rng.random(300) < 0.8, a, 1 - a)
    low, high = kappa_interval(a, b, n_boot=500, random_state=0)
    k = cohen_kappa_score(a, b)
    assert low < k < high
    assert high - low < 0.3


def _codings(rows):
    return pd.DataFrame(rows, columns=["turn_id", "code", "coder"])


@pytest.fixture
def turns():
    return pd.DataFrame(
        {
            "turn_id": [f"t{i}" for i in range(1, 7)],
            "interview": ["i1"] * 3 + ["i2"] * 3,
            "position": [1, 2, 3, 1, 2, 3],
            "speaker": ["Q", "A", "A", "Q", "A", "A"],
            "role": ["interviewer", "participant", "participant"] * 2,
            "text": ["q1", "we keep clients", "new ones", "q2", "trust", "pitch"],
        }
    )


def test_agreement_table_per_code_against_references(turns):
    codings = _codings(
        [
            ("t2", "retain", "ann"),
            ("t5", "retain", "ann"),
            ("t3", "acquire", "ann"),
            ("t2", "retain", "bob"),
            ("t3", "retain", "bob"),
            ("t3", "acquire", "bob"),
            ("t6", "acquire", "bob"),
        ]
    )
    table = agreement_table(codings, turns=turns, all_speakers=True).set_index("code")
    ann_r = [0, 1, 0, 0, 1, 0]
    bob_r = [0, 1, 1, 0, 0, 0]
    row = table.loc["retain"]
    assert row["n_units"] == 6
    assert row["percent_agreement"] == pytest.approx(4 / 6)
    assert row["kappa"] == pytest.approx(cohen_kappa_score(ann_r, bob_r))
    ref = krippendorff.alpha(reliability_data=[ann_r, bob_r], level_of_measurement="nominal")
    assert row["alpha"] == pytest.approx(ref)
    # overall pools all 12 (turn, code) decisions
    ann_all = [*ann_r, 0, 0, 1, 0, 0, 0]
    bob_all = [*bob_r, 0, 0, 1, 0, 0, 1]
    assert table.loc[OVERALL, "kappa"] == pytest.approx(cohen_kappa_score(ann_all, bob_all))
    assert table.loc[OVERALL, "n_units"] == 12


def test_agreement_table_without_turns_uses_coded_turns(turns):
    codings = _codings([("t2", "a", "ann"), ("t3", "a", "bob")])
    table = agreement_table(codings)
    assert table.loc[0, "n_units"] == 2
    assert table.loc[0, "percent_agreement"] == 0.0


def test_agreement_table_unused_code_is_nan_with_warning(turns):
    codings = _codings([("t2", "retain", "ann"), ("t2", "retain", "bob")])
    cb = Codebook.from_code_names(["retain", "trust"])
    with pytest.warns(UndefinedStatisticWarning, match="'trust': no coder used it"):
        table = agreement_table(codings, turns=turns, codebook=cb).set_index("code")
    assert np.isnan(table.loc["trust", "kappa"]) and np.isnan(table.loc["trust", "alpha"])
    assert table.loc["retain", "kappa"] == pytest.approx(1.0)


def test_agreement_table_three_coders_alpha_and_light_kappa(turns):
    codings = _codings(
        [
            ("t2", "a", "ann"),
            ("t3", "a", "ann"),
            ("t2", "a", "bob"),
            ("t5", "a", "cy"),
            ("t2", "a", "cy"),
        ]
    )
    table = agreement_table(codings, turns=turns, all_speakers=True).set_index("code")
    ann, bob, cy = [0, 1, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 1, 0]
    ref = krippendorff.alpha(reliability_data=[ann, bob, cy], level_of_measurement="nominal")
    assert table.loc["a", "alpha"] == pytest.approx(ref)
    pairs = [cohen_kappa_score(ann, bob), cohen_kappa_score(ann, cy), cohen_kappa_score(bob, cy)]
    assert table.loc["a", "kappa"] == pytest.approx(np.mean(pairs))
    pw = pairwise_agreement(codings, turns=turns, all_speakers=True)
    assert len(pw[pw["code"] == "a"]) == 3
    got = pw[(pw["code"] == "a") & (pw["coder_a"] == "ann") & (pw["coder_b"] == "cy")]
    assert got["kappa"].iloc[0] == pytest.approx(pairs[1])


def test_agreement_seen_interview_makes_missing_data(turns):
    # bob only coded interview i1; his i2 values are missing, not zeros
    codings = _codings([("t2", "a", "ann"), ("t5", "a", "ann"), ("t2", "a", "bob")])
    table = agreement_table(codings, turns=turns, seen="interview", all_speakers=True).set_index(
        "code"
    )
    assert table.loc["a", "n_units"] == 3
    assert table.loc["a", "percent_agreement"] == pytest.approx(1.0)
    full = agreement_table(codings, turns=turns, seen="all", all_speakers=True).set_index("code")
    assert full.loc["a", "percent_agreement"] == pytest.approx(5 / 6)


def test_agreement_units_are_participant_turns_by_default(turns):
    # the interviewer's questions t1 and t4 are not units unless someone coded them
    codings = _codings([("t2", "a", "ann"), ("t3", "a", "ann"), ("t2", "a", "bob")])
    table = agreement_table(codings, turns=turns).set_index("code")
    assert table.loc["a", "n_units"] == 4
    assert table.loc["a", "percent_agreement"] == pytest.approx(3 / 4)
    everything = agreement_table(codings, turns=turns, all_speakers=True).set_index("code")
    assert everything.loc["a", "n_units"] == 6
    assert everything.loc["a", "percent_agreement"] == pytest.approx(5 / 6)
    coded_question = _codings([("t1", "a", "ann"), ("t2", "a", "bob")])
    table = agreement_table(coded_question, turns=turns).set_index("code")
    assert table.loc["a", "n_units"] == 5  # t1 was coded, so it counts


def test_agreement_needs_two_coders(turns):
    with pytest.raises(CodingsError, match="two or more coders"):
        agreement_table(_codings([("t2", "a", "ann")]), turns=turns)


def test_agreement_unknown_turn_is_error(turns):
    codings = _codings([("t2", "a", "ann"), ("zz", "a", "bob")])
    with pytest.raises(CodingsError, match="'zz'"):
        agreement_table(codings, turns=turns)


def test_disagreements_lists_turn_text(turns):
    codings = _codings([("t2", "a", "ann"), ("t3", "a", "bob"), ("t2", "a", "bob")])
    out = disagreements(codings, turns=turns)
    assert out[["turn_id", "text", "coded_by", "not_coded_by"]].values.tolist() == [
        ["t3", "new ones", "bob", "ann"]
    ]


@pytest.mark.parametrize("dtype", ["object", "string", "category"])
def test_coders_in_order_names_each_coder_once_in_order_of_appearance(dtype: str) -> None:
    from qualcode.agreement.tables import coders_in_order

    codings = pd.DataFrame(
        {"coder": pd.Series(["budi", "ana", "budi", "rules", "ana"], dtype=dtype)}
    )
    assert coders_in_order(codings) == ["budi", "ana", "rules"]
