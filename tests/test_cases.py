"""Tests for qualcode.cases: reading, checking and joining the cases table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode.cases import (
    attribute_names,
    case_attributes,
    case_of_turns,
    read_cases,
    validate_cases,
)
from qualcode.errors import QualcodeWarning, TableError
from qualcode.tables import write_table
from qualcode.transcripts import read_transcript
from tests.conftest import ROOT, SAMPLE_TXT

SAMPLE_CASES = ROOT / "data" / "cases.csv"
EXTRA = "magnus_interviews/Wawancara tambahan (22 Mei 2023) - Narasumber 1"


@pytest.fixture(scope="module")
def sample_turns() -> pd.DataFrame:
    return read_transcript(SAMPLE_TXT)


def _turns() -> pd.DataFrame:
    """Two interviews; speaker N1 in both (two different people), an interviewer in each."""
    rows = [
        ("a1", "A", 1, "P", "interviewer"),
        ("a2", "A", 2, "N1", "participant"),
        ("a3", "A", 3, "N1", "participant"),
        ("b1", "B", 1, "P", "interviewer"),
        ("b2", "B", 2, "N1", "participant"),
        ("b3", "B", 3, "R", "interviewer"),
    ]
    df = pd.DataFrame(rows, columns=["turn_id", "interview", "position", "speaker", "role"])
    return df.assign(text="teks")


def _write(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the sample --------------------------------------------------------------------------
def test_read_cases_sample_file():
    cases = read_cases(SAMPLE_CASES)
    assert cases.columns.tolist()[:3] == ["case", "interview", "speaker"]
    assert attribute_names(cases) == [
        "name",
        "gender",
        "job_title",
        "seniority",
        "years_in_advertising",
    ]
    assert cases.attrs["source"] == str(SAMPLE_CASES)
    people = case_attributes(cases).set_index("case")
    assert people["name"].tolist() == ["Juliana", "Jimmy", "Vito"]
    assert people["job_title"].tolist() == [
        "Senior Account Executive",
        "Account Manager",
        "Senior Account Manager",
    ]
    assert people["seniority"].tolist() == ["executive", "managerial", "managerial"]
    assert people["gender"].tolist() == ["female", "male", "male"]
    assert people["years_in_advertising"].tolist() == ["almost 3", "8", "almost 11"]
    # Vito's second row (the additional interview) leaves the attributes blank: filled
    vito = cases[cases["case"] == "Narasumber 3"]
    assert vito["name"].tolist() == ["Vito", "Vito"]


def test_case_of_turns_sample_maps_the_additional_interview_to_vito(sample_turns):
    cases = read_cases(SAMPLE_CASES)
    of = case_of_turns(sample_turns, cases)
    assert of.index.equals(sample_turns.index)
    turns = sample_turns.assign(case=of)
    # the interviewer (P, and R in interview 2) belongs to no case
    assert turns.loc[turns["role"] == "interviewer", "case"].isna().all()
    assert turns.loc[turns["role"] == "participant", "case"].notna().all()
    extra = turns[turns["interview"] == EXTRA]
    assert set(extra.loc[extra["speaker"] == "N1", "case"]) == {"Narasumber 3"}
    first = turns[turns["interview"] == "magnus_interviews/Narasumber 1"]
    assert set(first.loc[first["speaker"] == "N1", "case"]) == {"Narasumber 1"}
    counts = turns["case"].value_counts().to_dict()
    participants = sample_turns[sample_turns["role"] == "participant"]
    per_interview = participants["interview"].value_counts()
    assert counts["Narasumber 3"] == (
        per_interview["magnus_interviews/Narasumber 3"] + per_interview[EXTRA]
    )
    assert counts["Narasumber 1"] == per_interview["magnus_interviews/Narasumber 1"]


# --- joins -------------------------------------------------------------------------------
def test_case_of_turns_interview_join_leaves_out_the_interviewers():
    cases = pd.DataFrame({"case": ["Juliana", "Vito"], "interview": ["A", "B"]})
    of = case_of_turns(_turns(), cases)
    assert of.tolist() == [pd.NA, "Juliana", "Juliana", pd.NA, "Vito", pd.NA]
    assert of.name == "case" and str(of.dtype) == "string"


def test_case_of_turns_speaker_join_spans_interviews_and_any_role():
    cases = pd.DataFrame({"case": ["N1", "Rina"], "speaker": ["N1", "R"]})
    of = case_of_turns(_turns(), cases)
    assert of.tolist() == [pd.NA, "N1", "N1", pd.NA, "N1", "Rina"]


def test_case_of_turns_interview_and_speaker_join_tells_the_same_label_apart():
    cases = pd.DataFrame(
        {"case": ["Juliana", "Vito"], "interview": ["A", "B"], "speaker": ["N1", "N1"]}
    )
    assert case_of_turns(_turns(), cases).tolist() == [
        pd.NA,
        "Juliana",
        "Juliana",
        pd.NA,
        "Vito",
        pd.NA,
    ]


def test_case_of_turns_rows_of_one_table_may_mix_joins():
    cases = pd.DataFrame(
        {
            "case": ["Juliana", "Vito", "Vito"],
            "interview": ["A", "B", None],
            "speaker": [None, None, "R"],
        }
    )
    assert case_of_turns(_turns(), cases).tolist() == [
        pd.NA,
        "Juliana",
        "Juliana",
        pd.NA,
        "Vito",
        "Vito",
    ]


def test_case_of_turns_keeps_the_turns_index():
    turns = _turns().set_axis([10, 11, 12, 13, 14, 15])
    of = case_of_turns(turns, pd.DataFrame({"case": ["J"], "interview": ["A"]}), unmatched="raise")
    assert of.index.tolist() == [10, 11, 12, 13, 14, 15]


# --- reading and checking ----------------------------------------------------------------
def test_validate_cases_names_cases_after_the_only_join_column():
    cases = validate_cases(pd.DataFrame({"speaker": ["N1", "N2"], "gender": ["f", "m"]}))
    assert cases["case"].tolist() == ["N1", "N2"]
    assert cases["interview"].isna().all()


def test_read_cases_accepts_header_case_and_whitespace(tmp_path):
    path = _write(tmp_path, " Case ,Speaker,  role ,position\nJuliana, N1 ,AE,  senior  AE\n")
    cases = read_cases(path)
    assert cases.columns.tolist() == ["case", "interview", "speaker", "role", "position"]
    # attributes named like turns columns stay attributes of the case
    assert cases.loc[0, ["speaker", "role", "position"]].tolist() == ["N1", "AE", "senior AE"]


def test_read_cases_xlsx(tmp_path):
    df = pd.DataFrame({"case": ["Juliana"], "interview": ["A"], "seniority": ["executive"]})
    path = write_table(df, tmp_path / "cases.xlsx")
    cases = read_cases(path)
    assert case_attributes(cases).to_dict("records") == [
        {"case": "Juliana", "seniority": "executive"}
    ]


def test_case_attributes_one_row_per_case_in_file_order():
    cases = pd.DataFrame(
        {
            "case": ["Vito", "Juliana", "Vito"],
            "interview": ["C", "A", "D"],
            "gender": [None, "female", "male"],
        }
    )
    assert case_attributes(cases).to_dict("records") == [
        {"case": "Vito", "gender": "male"},
        {"case": "Juliana", "gender": "female"},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "case,gender\nJuliana,f\n",
            r"cases\.csv line 1: no join column: the table has "
            r"columns 'case', 'gender'; expected 'interview' and/or 'speaker'",
        ),
        (
            "interview,speaker,gender\nA,N1,f\n",
            r"line 1: no 'case' column; with both "
            r"'interview' and 'speaker' columns a 'case' column must name the case of each row",
        ),
        ("case,interview\n,A\n", r"cases\.csv line 2: row 2 has no case name"),
        (
            "case,interview,speaker\nJuliana,A,N1\nVito,,\n",
            r"line 3: row 3 \(case 'Vito'\) "
            r"has neither an interview nor a speaker",
        ),
        (
            "case,interview\nJuliana,A\nVito,B\nJuliana,A\n",
            r"line 4: row 4 repeats row 2 "
            r"\(case 'Juliana', interview 'A'\)",
        ),
        (
            "case,speaker\nJuliana,N1\nVito,N1\n",
            r"line 3: row 3 gives speaker 'N1' to case "
            r"'Vito', but row 2 gives it to case 'Juliana'; a turn belongs to one case",
        ),
        (
            "case,interview,gender\nVito,C,male\nVito,D,female\n",
            r"line 3: case 'Vito' has "
            r"gender 'male' in row 2 but 'female' in row 3; a case's attribute has one value",
        ),
        ("case,interview,\nJuliana,A,x\n", r"line 1: column 3 has no name"),
        ("case,interview,Case\nJuliana,A,B\n", r"line 1: columns 1 and 3 are both named 'case'"),
        ("case,interview\n", r"line 2: the table has a header but no rows"),
    ],
)
def test_read_cases_bad_files_name_file_row_and_what_was_expected(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(TableError, match=message):
        read_cases(path)


def test_read_cases_missing_and_empty_file(tmp_path):
    with pytest.raises(TableError, match=r"nope\.csv: file not found"):
        read_cases(tmp_path / "nope.csv")
    with pytest.raises(TableError, match=r"empty\.csv: "):
        read_cases(_write(tmp_path, "", "empty.csv"))


def test_case_of_turns_unmatched_row_names_file_row_and_known_values(tmp_path, sample_turns):
    path = _write(tmp_path, "case,interview\nJuliana,Narasumber 1\n")
    cases = read_cases(path)
    with pytest.raises(
        TableError,
        match=r"cases\.csv line 2: row 2 \(case 'Juliana'\) matches no turn: there are no "
        r"participant turns in interview 'Narasumber 1'; the turns have interviews "
        r"'magnus_interviews/Narasumber 1', .* \('Narasumber 1' is not one of them\)",
    ):
        case_of_turns(sample_turns, cases)


def test_case_of_turns_unmatched_speaker_in_interview_lists_its_speakers():
    cases = pd.DataFrame({"case": ["X", "Y"], "interview": ["A", "B"], "speaker": ["N2", "N9"]})
    with pytest.raises(
        TableError,
        match=r"line 2: row 2 \(case 'X'\) matches no turn: there are no turns of speaker 'N2' "
        r"in interview 'A'; the turns have speakers 'P', 'N1' \('N2' is not one of them\); "
        r"1 more row\(s\) match no turn",
    ):
        case_of_turns(_turns(), cases)


def test_case_of_turns_unmatched_warn_and_ignore():
    cases = pd.DataFrame({"case": ["J", "Z"], "speaker": ["N1", "Zed"]})
    with pytest.warns(QualcodeWarning, match=r"line 3: row 3 \(case 'Z'\) matches no turn"):
        of = case_of_turns(_turns(), cases, unmatched="warn")
    assert of.dropna().unique().tolist() == ["J"]
    assert case_of_turns(_turns(), cases, unmatched="ignore").equals(of)
    with pytest.raises(ValueError, match="unknown unmatched='drop'"):
        case_of_turns(_turns(), cases, unmatched="drop")


def test_case_of_turns_turn_claimed_by_two_cases():
    cases = pd.DataFrame(
        {"case": ["Juliana", "Nina"], "interview": ["A", None], "speaker": [None, "N1"]}
    )
    with pytest.raises(
        TableError,
        match=r"line 3: rows 2 and 3 give the turns of 'N1' in 'A' to two cases, 'Juliana' "
        r"and 'Nina'; a turn belongs to one case",
    ):
        case_of_turns(_turns(), cases)


def test_case_of_turns_interview_without_participants_matches_nothing():
    turns = _turns()
    turns = turns[turns["interview"] == "A"].assign(role="interviewer")
    with pytest.raises(TableError, match=r"no participant turns in interview 'A'"):
        case_of_turns(turns, pd.DataFrame({"case": ["J"], "interview": ["A"]}))


def test_validate_cases_rows_counted_by_position_whatever_the_index():
    cases = pd.DataFrame({"case": ["A", ""], "speaker": ["N1", "N2"]}, index=["x", "y"])
    with pytest.raises(TableError, match=r"line 3: row 3 has no case name"):
        validate_cases(cases)


def test_checked_table_changed_since_is_checked_again():
    checked = read_cases(ROOT / "data" / "cases.csv")
    again = validate_cases(checked)  # the digest matches: taken as it is
    assert again.equals(checked) and again.attrs["source"] == checked.attrs["source"]
    broken = checked.copy()
    broken.loc[broken.index[1], "case"] = broken.loc[broken.index[0], "case"]
    broken.loc[broken.index[1], "speaker"] = broken.loc[broken.index[0], "speaker"]
    broken.loc[broken.index[1], "interview"] = broken.loc[broken.index[0], "interview"]
    with pytest.raises(TableError, match="repeats row 2"):
        validate_cases(broken)  # same attrs (digest) as the checked table, other cells
