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


@pytest.fixture
def titled_cases(tmp_path):
    """The sample's cases file with a title for Narasumber 3's second interview (row 4)."""
    cases = pd.read_csv(CODEBOOK.parents[1] / "data" / "cases.csv", dtype="string")
    cases["title"] = ""
    cases.loc[3, "title"] = "Narasumber 3, wawancara kedua"
    path = tmp_path / "cases.csv"
    cases.to_csv(path, index=False)
    return path


def test_appendix_headings_use_titles_from_the_cases_file(tmp_path, titled_cases):
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    codings = qc.KeywordCoder(book).code(turns)
    cases = qc.read_cases(titled_cases)  # the title is not filled in from the case's other row
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


def test_project_keeps_interview_titles_for_its_reports(tmp_path, titled_cases):
    from qualcode.cli import main

    project = tmp_path / "s.qualcode"
    assert main(["init", str(project), "--codebook", str(CODEBOOK)]) == 0
    assert main(["add", str(project), str(SAMPLE_TXT), "--cases", str(titled_cases)]) == 0
    assert main(["code", "--project", str(project)]) == 0
    out = tmp_path / "p.docx"
    assert main(["export", "docx", "--project", str(project), "--out", str(out)]) == 0
    h2 = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"]
    assert h2[2:4] == ["Narasumber 3", "Narasumber 3, wawancara kedua"]
