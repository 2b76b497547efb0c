"""Tests for qualcode.span_agreement: agreement character by character on the thesis turns."""

from __future__ import annotations

from contextlib import nullcontext

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualcode import read_transcript, schema
from qualcode.agreement import OVERALL, agreement_table
from qualcode.agreement import disagreements as agreement_disagreements
from qualcode.errors import UndefinedStatisticWarning
from qualcode.span_agreement import character_agreement, character_disagreements
from tests._codingdata import coding_row
from tests.conftest import SAMPLE_TXT

INTERVIEW_1 = "magnus_interviews/Narasumber 1"


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return read_transcript(SAMPLE_TXT)


def _answers(turns: pd.DataFrame, interview: str = INTERVIEW_1) -> pd.DataFrame:
    keep = (turns[schema.INTERVIEW] == interview) & (turns[schema.ROLE] == schema.PARTICIPANT)
    return turns[keep]


def _expand(turns: pd.DataFrame, codings: pd.DataFrame, code: str, coder: str) -> np.ndarray:
    """The reference: one 0/1 value per character of the given turns (a loop per turn)."""
    parts = []
    for turn_id, text in zip(turns[schema.TURN_ID], turns[schema.TEXT], strict=True):
        marks = np.zeros(len(text), dtype=int)
        mine = codings[
            (codings[schema.TURN_ID] == turn_id)
            & (codings[schema.CODE] == code)
            & (codings[schema.CODER] == coder)
        ]
        for start, end in zip(mine[schema.SPAN_START], mine[schema.SPAN_END], strict=True):
            if pd.isna(start):
                marks[:] = 1
            else:
                marks[int(start) : int(end)] = 1
        parts.append(marks)
    return np.concatenate(parts)


def test_character_agreement_by_hand_on_one_interview(turns: pd.DataFrame) -> None:
    answers = _answers(turns)
    ids = answers.loc[answers[schema.TEXT].str.len() > 80, schema.TURN_ID].tolist()
    total = int(answers[schema.TEXT].str.len().sum())
    codings = pd.DataFrame(
        [
            coding_row(ids[0], "retain", "ana", (0, 30)),
            coding_row(ids[0], "retain", "budi", (20, 60)),
            coding_row(ids[1], "acquire", "ana"),  # the whole turn
            coding_row(ids[1], "acquire", "budi", (0, 10)),
        ]
    )
    table = character_agreement(codings, turns=answers, coders=["ana", "budi"])
    retain = table.set_index(schema.CODE).loc["retain"]
    # both 10 (20-30), ana only 20, budi only 30, neither the rest
    both, only_a, only_b = 10, 20, 30
    neither = total - both - only_a - only_b
    po = (both + neither) / total
    pa, pb = (both + only_a) / total, (both + only_b) / total
    pe = pa * pb + (1 - pa) * (1 - pb)
    assert retain["n_units"] == total
    assert retain["n_coded"] == 30 + 40
    assert retain["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert retain["percent_agreement"] == pytest.approx(po)
    acquire = table.set_index(schema.CODE).loc["acquire"]
    long_turn = answers.set_index(schema.TURN_ID).loc[ids[1], schema.TEXT]
    assert acquire["n_coded"] == len(long_turn) + 10
    # both coded both turns, with other characters: two disagreements by character
    diff = character_disagreements(codings, turns=answers).set_index(schema.CODE)
    assert diff.loc["retain", "characters"] == only_a + only_b
    assert diff.loc["acquire", "characters"] == len(long_turn) - 10
    assert diff.loc["retain", "coded_by"] == "ana; budi"
    assert diff.loc["acquire", schema.TURN_ID] == ids[1]
    assert agreement_disagreements(codings, turns=answers).empty  # by turn they agree


def test_character_agreement_matches_sklearn_on_expanded_characters(turns: pd.DataFrame) -> None:
    answers = _answers(turns).head(8)
    rng = np.random.default_rng(3)
    rows = []
    for turn_id, text in zip(answers[schema.TURN_ID], answers[schema.TEXT], strict=True):
        for coder in ("ana", "budi"):
            for _ in range(2):
                start = int(rng.integers(0, len(text) - 1))
                end = int(rng.integers(start + 1, len(text) + 1))
                rows.append(coding_row(turn_id, "enhance", coder, (start, end)))
    codings = pd.DataFrame(rows)
    table = character_agreement(codings, turns=answers).set_index(schema.CODE)
    a = _expand(answers, codings, "enhance", "ana")
    b = _expand(answers, codings, "enhance", "budi")
    assert table.loc["enhance", "kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert table.loc["enhance", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=np.stack([a, b]), level_of_measurement="nominal")
    )
    assert table.loc["enhance", "n_units"] == len(a)


def test_character_agreement_three_coders_alpha_with_unseen_interview(
    turns: pd.DataFrame,
) -> None:
    one, two = _answers(turns).head(3), _answers(turns, "magnus_interviews/Narasumber 2").head(3)
    both = pd.concat([one, two])
    rows = [
        coding_row(one[schema.TURN_ID].iloc[0], "interact", "ana", (0, 40)),
        coding_row(one[schema.TURN_ID].iloc[0], "interact", "budi", (10, 50)),
        coding_row(one[schema.TURN_ID].iloc[1], "interact", "citra", (5, 25)),
        coding_row(two[schema.TURN_ID].iloc[0], "interact", "ana", (0, 15)),
        coding_row(two[schema.TURN_ID].iloc[1], "interact", "budi", (0, 15)),
    ]
    codings = pd.DataFrame(rows)
    table = character_agreement(codings, turns=both, seen="interview").set_index(schema.CODE)
    # citra never opened the second interview: her characters there are missing
    data = np.stack([_expand(both, codings, "interact", c) for c in ("ana", "budi", "citra")])
    data = data.astype(float)
    first = int(one[schema.TEXT].str.len().sum())
    data[2, first:] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert table.loc["interact", "alpha"] == pytest.approx(expected)
    assert table.loc["interact", "n_units"] == first  # characters all three saw


def test_character_agreement_whole_turn_codings_equal_turn_weights(turns: pd.DataFrame) -> None:
    answers = _answers(turns)
    ids = answers[schema.TURN_ID].tolist()
    codings = pd.DataFrame(
        [coding_row(t, "retain", "ana") for t in ids[:6]]
        + [coding_row(t, "retain", "budi") for t in ids[3:9]]
    )
    chars = character_agreement(codings, turns=answers).set_index(schema.CODE)
    lengths = answers[schema.TEXT].str.len().to_numpy()
    a = np.repeat((np.arange(len(ids)) < 6).astype(int), lengths)
    b = np.repeat(((np.arange(len(ids)) >= 3) & (np.arange(len(ids)) < 9)).astype(int), lengths)
    assert chars.loc["retain", "kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert chars.loc[OVERALL, "n_units"] == len(a)
    # the turn figures count each turn once: the same codings give another kappa
    by_turn = agreement_table(codings, turns=answers).set_index(schema.CODE)
    assert by_turn.loc["retain", "n_units"] == len(ids)


def test_character_agreement_unused_code_warns(turns: pd.DataFrame) -> None:
    answers = _answers(turns).head(2)
    ids = answers[schema.TURN_ID].tolist()
    codings = pd.DataFrame(
        [coding_row(ids[0], "retain", "ana"), coding_row(ids[1], "retain", "budi")]
    )
    book_codes = ["retain", "acquire"]
    from qualcode.codebook import Codebook

    with pytest.warns(UndefinedStatisticWarning, match="'acquire': no coder used it"):
        table = character_agreement(
            codings, turns=answers, codebook=Codebook.from_code_names(book_codes)
        )
    assert np.isnan(table.set_index(schema.CODE).loc["acquire", "kappa"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(["ana", "budi"]),
            st.integers(0, 40),
            st.integers(1, 40),
        ),
        min_size=2,
        max_size=12,
    )
)
def test_character_agreement_property_matches_expansion(
    spans: list[tuple[int, str, int, int]],
) -> None:
    texts = [
        "Kami menjaga hubungan dengan klien lama.",
        "Ya.",
        "Retensi itu penting bagi kami.",
        "Oke",
    ]
    turns = pd.DataFrame(
        {
            schema.TURN_ID: [f"t{k}" for k in range(4)],
            schema.INTERVIEW: "i",
            schema.POSITION: range(4),
            schema.SPEAKER: "R",
            schema.ROLE: schema.PARTICIPANT,
            schema.TEXT: texts,
        }
    )
    rows = []
    for k, coder, start, size in spans:
        length = len(texts[k])
        lo = min(start, length - 1)
        rows.append(coding_row(f"t{k}", "retain", coder, (lo, min(length, lo + size))))
    codings = pd.DataFrame(rows)
    if codings[schema.CODER].nunique() < 2:
        return
    a = _expand(turns, codings, "retain", "ana")
    b = _expand(turns, codings, "retain", "budi")
    with pytest.warns(UndefinedStatisticWarning) if len(set(a) | set(b)) < 2 else nullcontext():
        table = character_agreement(codings, turns=turns).set_index(schema.CODE)
    got = table.loc["retain", "kappa"]
    if len(set(a) | set(b)) < 2:
        assert np.isnan(got)
    else:
        assert got == pytest.approx(cohen_kappa_score(a, b))
