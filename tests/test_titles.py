"""Readable interview titles in reports: the file part dropped, titles set in a cases file."""

from __future__ import annotations

import docx
import pandas as pd
import pytest
from conftest import CODEBOOK, SAMPLE_TXT

import qualcode as qc
from qualcode.errors import QualcodeError
from qualcode.exchange.docx import write_docx_appendix
from qualcode.titles import interview_titles


def test_interview_titles_drop_the_file_part_unless_ambiguous():
    ids = ["a/Narasumber 1", "b/Narasumber 1", "a/Narasumber 2"]
    assert interview_titles(ids) == {
        "a/Narasumber 1": "a/Narasumber 1",
        "b/Narasumber 1": "b/Narasumber 1",
        "a/Narasumber 2": "Narasumber 2",
    }
    with pytest.raises(QualcodeError, match="would both be titled 'X'"):
        interview_titles(ids, titles={"a/Narasumber 1": "X", "b/Narasumber 1": "X"})


def test_appendix_headings_use_titles_from_the_cases_file(tmp_path):
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    codings = qc.KeywordCoder(book).code(turns)
    cases = (
        qc.read_cases("data/cases.csv")
        if False
        else pd.read_csv(CODEBOOK.parents[1] / "data" / "cases.csv")
    )
    cases["title"] = ""
    cases.loc[3, "title"] = "Narasumber 3, wawancara kedua"
    path = write_docx_appendix(turns, codings, book, tmp_path / "a.docx", cases=cases, chart=False)
    doc = docx.Document(str(path))
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[:4] == [
        "Narasumber 1",
        "Narasumber 2",
        "Narasumber 3",
        "Narasumber 3, wawancara kedua",
    ]
    assert "title" not in [c.text for c in doc.tables[-1].rows[0].cells]  # not an attribute
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert "Transkrip wawancara Narasumber 2" in " ".join(captions)
