"""Case attribute labels per language: names and values labelled, selections follow."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CODEBOOK, ROOT, SAMPLE_TXT

import qualcode as qc
from qualcode.case_labels import find_case_labels, read_case_labels
from qualcode.errors import TableError
from qualcode.exchange.report import write_report_workbook

LABELS = ROOT / "data" / "case_labels.csv"


def test_case_labels_label_attributes_and_values_in_each_language():
    cases = qc.read_cases(ROOT / "data" / "cases.csv")
    labels = read_case_labels(LABELS)
    ind, names = labels.apply(cases, "id")
    assert names["gender"] == "jenis kelamin" and names["job_title"] == "jabatan"
    assert set(ind["jenis kelamin"].dropna()) == {"perempuan", "laki-laki"}
    assert set(ind["jabatan"].dropna()) == {"Senior Account Executive", "Account Manager",
                                            "Senior Account Manager"}  # fmt: skip
    _, names = labels.apply(cases, "en")
    assert names["years_in_advertising"] == "years in advertising"
    assert list(cases.columns) == list(qc.read_cases(ROOT / "data" / "cases.csv").columns)


def test_case_labels_found_beside_the_cases_file():
    assert find_case_labels(ROOT / "data" / "cases.csv") is not None
    assert find_case_labels(ROOT / "codebooks" / "x.csv") is None


def test_case_labels_follow_an_attribute_selection(tmp_path):
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    codings = qc.KeywordCoder(book).code(turns)
    path = write_report_workbook(
        turns,
        codings,
        book,
        tmp_path / "t.xlsx",
        cases=qc.read_cases(ROOT / "data" / "cases.csv"),
        attributes=["seniority"],
        case_labels=LABELS,
    )
    by_attr = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    sheet = next(v for k, v in by_attr.items() if k == "Kode x atribut")  # in the study language
    cells = sheet.astype(str).to_numpy().ravel().tolist()
    assert "tingkat jabatan" in cells and "manajerial" in cells and "seniority" not in cells


def test_read_case_labels_errors(tmp_path):
    bad = tmp_path / "l.csv"
    bad.write_text("attribute,label\ngender,jenis kelamin\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"l.csv line 1: expected the columns attribute, value"):
        read_case_labels(bad)
    bad.write_text("attribute,value,id\ngender,,a\ngender,,b\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"line 3: attribute 'gender' is labelled twice"):
        read_case_labels(bad)
