"""The turns table's dtypes: label columns are categoricals, whichever way the table was made."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode import parse_transcript, read_transcript, read_turns
from qualcode.schema import (
    INTERVIEW,
    LABEL_COLUMNS,
    ROLE,
    ROLES,
    SOURCE,
    SPEAKER,
    TEXT,
    TURN_ID,
    as_labels,
    normalize_turns,
    validate_turns,
)
from qualcode.transcripts.roles import assign_roles
from tests.conftest import SAMPLE_TXT


def _check_dtypes(turns: pd.DataFrame) -> None:
    for col in LABEL_COLUMNS:
        assert isinstance(turns[col].dtype, pd.CategoricalDtype), col
        cats = turns[col].cat.categories.tolist()
        assert cats == sorted(cats), col
    assert set(ROLES) <= set(turns[ROLE].cat.categories)
    for col in (TURN_ID, TEXT):
        assert turns[col].dtype == "string", col


def test_label_columns_are_categoricals_from_every_reader(tmp_path: Path) -> None:
    sample = read_transcript(SAMPLE_TXT)
    _check_dtypes(sample)
    assert sample[INTERVIEW].cat.categories.tolist()[0] == "magnus_interviews/Narasumber 1"
    _check_dtypes(parse_transcript("Interviewer: Why?\nRespondent: Because.\n"))
    vtt = tmp_path / "t.vtt"
    vtt.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>Halo?</v>\n", encoding="utf-8")
    _check_dtypes(read_transcript(vtt))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_turns_table_reads_back_with_the_same_dtypes(tmp_path: Path, suffix: str) -> None:
    from qualcode.tables import write_table

    turns = read_transcript(SAMPLE_TXT)
    path = tmp_path / f"turns{suffix}"
    write_table(turns, path)
    again = read_turns(path)
    _check_dtypes(again)
    pd.testing.assert_frame_equal(again, turns, check_dtype=False)
    assert again[SPEAKER].tolist() == turns[SPEAKER].tolist()


def test_label_columns_take_a_fraction_of_string_memory() -> None:
    turns = read_transcript(SAMPLE_TXT)
    as_strings = turns[INTERVIEW].astype("string")
    assert turns[INTERVIEW].memory_usage(deep=True) * 3 < as_strings.memory_usage(deep=True)


def test_assign_roles_keeps_role_categorical() -> None:
    turns = parse_transcript("Ana: Apa kabar?\nBudi: Baik.\n", roles="Ana=interviewer")
    out = assign_roles(turns, roles={"Ana": "participant", "Budi": "interviewer"})
    _check_dtypes(out)
    assert out[ROLE].tolist() == ["participant", "interviewer"]


def test_normalize_turns_makes_categoricals_from_strings_and_keeps_missing() -> None:
    df = pd.DataFrame(
        {
            TURN_ID: ["t1", "t2"],
            INTERVIEW: ["b", "a"],
            "position": [1, 2],
            SPEAKER: ["P", "N1"],
            ROLE: ["interviewer", "participant"],
            TEXT: ["Halo?", "Ya."],
            SOURCE: ["f.txt", None],
        }
    )
    out = normalize_turns(df)
    _check_dtypes(out)
    assert out[INTERVIEW].tolist() == ["b", "a"]
    assert out[SOURCE].isna().tolist() == [False, True]
    # editing: known values directly, new ones after converting to strings
    out.loc[1, SPEAKER] = "P"
    with pytest.raises(TypeError, match="new category"):
        out.loc[1, SPEAKER] = "N2"
    out[SPEAKER] = out[SPEAKER].astype("string")
    out.loc[1, SPEAKER] = "N2"
    assert validate_turns(out)[SPEAKER].cat.categories.tolist() == ["N2", "P"]


def test_as_labels_adds_categories_in_sorted_order() -> None:
    got = as_labels(pd.Series(["participant", None]), categories=ROLES)
    assert got.cat.categories.tolist() == sorted(ROLES)
    assert got.isna().tolist() == [False, True]


def test_validate_turns_drops_categories_a_filtered_table_no_longer_uses() -> None:
    turns = read_transcript(SAMPLE_TXT)
    one = turns[turns[INTERVIEW] == "magnus_interviews/Narasumber 2"]
    out = validate_turns(one)
    assert out[INTERVIEW].cat.categories.tolist() == ["magnus_interviews/Narasumber 2"]
    assert out[SPEAKER].value_counts().to_dict() == {"N2": 29, "P": 27, "R": 1}
    assert out[ROLE].cat.categories.tolist() == sorted(ROLES)
