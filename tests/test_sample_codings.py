"""The illustrative coding sheets under data/codings: readable, and what the script makes."""

from __future__ import annotations

import importlib.util

import pandas as pd
from conftest import CODEBOOK, ROOT, SAMPLE_TXT

import qualcode as qc

SHEETS = ROOT / "data" / "codings"


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_coding_sheets", ROOT / "scripts" / "make_coding_sheets.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sheets_are_what_the_script_makes(tmp_path):
    _script().main(tmp_path)
    for name in ("coder_a.csv", "coder_b.csv"):
        assert (tmp_path / name).read_bytes() == (SHEETS / name).read_bytes(), name


def test_sheets_read_as_codings_of_participant_turns():
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    a = qc.read_codings(SHEETS / "coder_a.csv", turns=turns, codebook=book)
    b = qc.read_codings(SHEETS / "coder_b.csv", turns=turns, codebook=book)
    assert set(a["coder"]) == {"coder_a"} and set(b["coder"]) == {"coder_b"}
    participant = set(turns.loc[turns["role"] == "participant", "turn_id"])
    assert set(a["turn_id"]) <= participant and set(b["turn_id"]) <= participant
    rules = qc.KeywordCoder(book).code(turns)
    pairs = lambda df: set(zip(df["turn_id"], df["code"], strict=True))  # noqa: E731
    assert pairs(a) == pairs(rules)  # coder_a: the keyword suggestions as they are
    only_b = pd.DataFrame(sorted(pairs(b) - pairs(a)), columns=["turn_id", "code"])
    assert set(only_b["code"]) == {"retain"}  # rule 4 is the only addition


def test_readme_says_the_sheets_are_illustrative():
    text = (SHEETS / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in text.lower() and "not the coding of the thesis author" in text


def _teach_script():
    spec = importlib.util.spec_from_file_location(
        "make_teach_sheet", ROOT / "scripts" / "make_teach_sheet.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_teach_sheet_is_what_the_script_makes(tmp_path):
    _teach_script().main(tmp_path)
    name = "teach_ana.csv"
    assert (tmp_path / name).read_bytes() == (SHEETS / name).read_bytes()


def test_teach_sheet_is_coder_b_reading_of_the_first_interview():
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    ana = qc.read_codings(SHEETS / "teach_ana.csv", turns=turns, codebook=book)
    b = qc.read_codings(SHEETS / "coder_b.csv", turns=turns, codebook=book)
    assert set(ana["coder"]) == {"ana"}
    first = turns[turns["interview"] == "magnus_interviews/Narasumber 1"]
    participant = set(first.loc[first["role"] == "participant", "turn_id"])
    assert set(ana["turn_id"]) <= participant
    pairs = lambda df: set(zip(df["turn_id"], df["code"], strict=True))  # noqa: E731
    assert pairs(ana) == pairs(b[b["turn_id"].isin(participant)]) and len(ana) > 10
    text = (SHEETS / "README.md").read_text(encoding="utf-8")
    assert "teach_ana.csv" in text and "make_teach_sheet.py" in text
