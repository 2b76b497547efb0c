"""Word .docx transcripts: paragraph and table layouts, made here with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from qualcode import TranscriptParseError, read_transcript
from qualcode.schema import INTERVIEW, LINE, ROLE, SPEAKER, TEXT


def st(turns):
    return [tuple(r) for r in turns[[SPEAKER, TEXT]].itertuples(index=False)]


def test_docx_paragraph_transcript_with_heading_styles(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Interview study", style="Title")
    d.add_heading("Interview 1", level=1)
    d.add_paragraph("Interviewer: How did it start?")
    d.add_paragraph("Respondent: By chance.")
    d.add_paragraph("Then it grew.")  # continuation paragraph
    d.add_heading("Interview 2", level=1)
    p = d.add_paragraph()
    p.add_run("[Ana] ").bold = True
    p.add_run("Apa kabar?")
    d.add_paragraph("[Budi] Baik.")
    path = tmp_path / "paras.docx"
    d.save(str(path))
    turns = read_transcript(path)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["paras/Interview 1", "paras/Interview 2"]
    assert st(turns) == [
        ("Interviewer", "How did it start?"),
        ("Respondent", "By chance. Then it grew."),
        ("Ana", "Apa kabar?"),
        ("Budi", "Baik."),
    ]
    # line = block number (paragraphs and table rows in reading order)
    assert list(turns[LINE]) == [3, 4, 7, 8]


def test_docx_bold_heading_paragraphs_without_heading_style(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph().add_run("Narasumber 1").bold = True
    d.add_paragraph("P\t: Halo?")
    d.add_paragraph("N1\t: Iya")
    d.add_paragraph("Oke")  # a short plain paragraph continues the turn
    d.add_paragraph().add_run("Narasumber 2").bold = True
    d.add_paragraph("P\t: Halo lagi?")
    d.add_paragraph("N2\t: Ya")
    path = tmp_path / "bold.docx"
    d.save(str(path))
    turns = read_transcript(path)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["bold/Narasumber 1", "bold/Narasumber 2"]
    assert st(turns)[1] == ("N1", "Iya Oke")


def test_docx_table_transcript_with_colon_column_header_and_page_continuation(
    tmp_path: Path,
) -> None:
    d = docx.Document()
    d.add_paragraph("Wawancara 1")
    t1 = d.add_table(rows=0, cols=3)
    for row in [("Speaker", "", "Text"), ("P", ":", "Halo?"), ("N1", ":", "Iya")]:
        cells = t1.add_row().cells
        for c, v in zip(cells, row, strict=True):
            c.text = v
    # the table continues on the next page as a new table, no heading between
    t2 = d.add_table(rows=0, cols=3)
    for row in [("", ":", "lanjutan jawaban"), ("P", ":", "Oke?")]:
        cells = t2.add_row().cells
        for c, v in zip(cells, row, strict=True):
            c.text = v
    d.add_paragraph("Wawancara 2")
    t3 = d.add_table(rows=0, cols=2)  # two columns, no ':' column
    for row in [("Interviewer", "Second?"), ("Respondent", "Yes.")]:
        cells = t3.add_row().cells
        cells[0].text, cells[1].text = row
    path = tmp_path / "tables.docx"
    d.save(str(path))
    turns = read_transcript(path)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["tables/Wawancara 1", "tables/Wawancara 2"]
    assert st(turns) == [
        ("P", "Halo?"),
        ("N1", "Iya lanjutan jawaban"),
        ("P", "Oke?"),
        ("Interviewer", "Second?"),
        ("Respondent", "Yes."),
    ]
    assert list(turns[ROLE]) == [
        "interviewer",
        "participant",
        "interviewer",
        "interviewer",
        "participant",
    ]
    assert list(turns[LINE]) == [3, 4, 6, 8, 9]


def test_docx_merged_cells_read_once(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "Q", ":", "Why?"
    merged = t.cell(1, 1).merge(t.cell(1, 2))
    t.cell(1, 0).text = "A"
    merged.text = "Because."
    path = tmp_path / "merged.docx"
    d.save(str(path))
    assert st(read_transcript(path)) == [("Q", "Why?"), ("A", "Because.")]


def test_docx_legacy_doc_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(TranscriptParseError, match=r"save it as \.docx") as info:
        read_transcript(path)
    assert info.value.path == path
    # also when the .doc was renamed to .docx
    renamed = tmp_path / "old.docx"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(TranscriptParseError, match=r"save it as \.docx"):
        read_transcript(renamed)


def test_docx_broken_zip_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TranscriptParseError, match=r"not a Word \.docx file"):
        read_transcript(path)
