"""Tests for the Word appendix: reopen the .docx with python-docx and check its structure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import pytest
from _reportdata import make_cases, make_codebook, make_codings, make_turns
from docx.oxml.ns import qn

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.exchange.docx import reflow_paragraphs, write_docx_appendix
from qualcode.exchange.docx.fields import TOC_INSTR
from qualcode.exchange.docx.tables import CODEBOOK_WIDTHS, TRANSCRIPT_WIDTHS, column_twips

TWIPS_PER_CM = 1440 / 2.54


@pytest.fixture(scope="module")
def appendix_id(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "lampiran.docx"
    return write_docx_appendix(make_turns(), make_codings(), make_codebook(), out, lang="id")


@pytest.fixture(scope="module")
def doc_id(appendix_id):
    return docx.Document(str(appendix_id))


def _headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def _instr(element) -> list[str]:
    simple = [f.get(qn("w:instr")) for f in element.iter(qn("w:fldSimple"))]
    complex_ = [i.text.strip() for i in element.iter(qn("w:instrText"))]
    return simple + complex_


def test_docx_headings_in_indonesian(doc_id):
    assert _headings(doc_id, 1) == [
        "Buku Kode",
        "Transkrip Wawancara",
        "Segmen Terkode",
        "Frekuensi Tema",
    ]
    assert _headings(doc_id, 2) == ["Narasumber 1", "Narasumber 2", "Model IDIC", "Tahapan CRM"]
    h3 = _headings(doc_id, 3)
    assert h3[0] == "Identify: mengenali latar belakang klien"
    assert "Enhance" not in h3  # no segments: no heading
    assert doc_id.paragraphs[0].style.name == "Title"
    assert doc_id.paragraphs[0].text == "Lampiran"


def test_docx_headings_in_english(tmp_path):
    path = write_docx_appendix(
        make_turns(),
        make_codings(),
        make_codebook(),
        tmp_path / "a.docx",
        lang="en",
        chart=False,
    )
    doc = docx.Document(str(path))
    assert _headings(doc, 1) == [
        "Codebook",
        "Interview Transcripts",
        "Coded Segments",
        "Theme Frequencies",
    ]
    assert doc.paragraphs[0].text == "Appendix"
    assert not doc.inline_shapes  # chart=False


def test_docx_toc_field_holds_its_entries(doc_id):
    entries = [p for p in doc_id.paragraphs if p.style.name.startswith("toc ")]
    headings = [
        p for p in doc_id.paragraphs if p.style.name in ("Heading 1", "Heading 2", "Heading 3")
    ]
    assert [p.text for p in entries] == [p.text for p in headings]
    assert [p.style.name for p in entries][:3] == ["toc 1", "toc 1", "toc 2"]
    # each entry links to a bookmark on its heading
    anchors = [p._p.find(qn("w:hyperlink")).get(qn("w:anchor")) for p in entries]
    marks = [p._p.find(qn("w:bookmarkStart")).get(qn("w:name")) for p in headings]
    assert anchors == marks and len(set(marks)) == len(marks)
    # still a field: begins in the first entry, ends in the last
    assert entries[0]._p.find(f"{qn('w:r')}/{qn('w:fldChar')}").get(qn("w:fldCharType")) == "begin"
    assert (
        entries[-1]._p.findall(f"{qn('w:r')}/{qn('w:fldChar')}")[-1].get(qn("w:fldCharType"))
        == "end"
    )


def test_docx_toc_field_updates_on_open(doc_id):
    assert TOC_INSTR in _instr(doc_id.element.body)
    assert TOC_INSTR == 'TOC \\o "1-3" \\h \\z \\u'
    update = doc_id.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_docx_footer_has_page_number_field(doc_id):
    footer = doc_id.sections[0].footer
    assert "PAGE" in _instr(footer._element)
    assert footer.paragraphs[0].text.startswith("Halaman")


def test_docx_page_is_a4(doc_id):
    section = doc_id.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_docx_codebook_table(doc_id):
    table = doc_id.tables[0]
    assert table.style.name == "Light Grid Accent 1"
    assert [c.text for c in table.rows[0].cells] == ["Tema", "Kode", "Definisi", "Contoh"]
    assert len(table.rows) == 1 + 7
    first = [c.text for c in table.rows[1].cells]
    assert first[0] == "Model IDIC"
    assert first[1] == "Identify: mengenali latar belakang klien (identify)"
    assert "AE mengumpulkan informasi tentang klien." in first[2]
    assert "latar belakang, informasi" in first[2]  # keywords
    assert "kita cari tahu dulu latar belakang klien" in first[3]


def test_docx_transcript_tables_like_the_thesis(doc_id):
    transcripts = [t for t in doc_id.tables if t.style.name == "Table Grid"]
    assert len(transcripts) == 2
    n1 = transcripts[0]
    assert [c.text for c in n1.rows[0].cells] == ["No", "Pembicara", "Teks", "Kode"]
    rows = [[c.text for c in r.cells] for r in n1.rows[1:]]
    assert len(rows) == 5
    assert rows[0] == ["1", "P", "Bagaimana AE mendapatkan klien?", ""]
    assert rows[3][3] == "Identify: mengenali latar belakang klien, Retain"  # codebook order
    assert rows[4][2] == "Iya <script>alert(1)</script> & selesai"  # text kept as text
    header_tr = n1.rows[0]._tr
    assert header_tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on each page


def test_docx_captions_with_seq_fields(doc_id):
    captions = [p for p in doc_id.paragraphs if p.style.name == "Caption"]
    texts = [p.text for p in captions]
    assert texts[0] == "Tabel : Buku kode: kode, definisi dan contoh"  # number is a field
    kinds = [_instr(p._p)[0] for p in captions]
    assert kinds == ["SEQ Table \\* ARABIC"] * 4 + ["SEQ Figure \\* ARABIC"]
    shown = [p._p.find(qn("w:fldSimple")).find(qn("w:r")).find(qn("w:t")).text for p in captions]
    assert shown == ["1", "2", "3", "4", "1"]


def test_docx_coded_segments_highlight_evidence(doc_id):
    quotes = [p for p in doc_id.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == 8  # (code, turn) pairs; coders merged
    diff = next(p for p in quotes if "dibedakan" in p.text)
    marked = [r.text for r in diff.runs if r.font.highlight_color is not None]
    assert marked == ["dibedakan", "kebutuhan"]
    assert all(r.bold for r in diff.runs if r.font.highlight_color is not None)
    sources = [
        p.text for p in doc_id.paragraphs if p.text.startswith("(N1, Narasumber 1, giliran 2")
    ]
    # cited as the thesis cites informants; machine codings said to be machine codings
    assert sources == ["(N1, Narasumber 1, giliran 2; dikodekan oleh rickxen; dikodekan otomatis)"]
    assert not any("skor" in p.text or "rules" in p.text for p in doc_id.paragraphs)


def test_docx_frequency_table_and_chart(doc_id):
    table = doc_id.tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["Kode", "Giliran", "Persentase giliran narasumber", "Wawancara"]
    assert rows[1] == ["Model IDIC (semua kode)", "3", "60.0%", "2 dari 2"]
    assert rows[4][0].strip() == "Interact" and rows[4][1] == "2"
    assert len(doc_id.inline_shapes) == 1
    blip = doc_id.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    part = doc_id.part.related_parts[blip.embed]
    assert part.content_type == "image/png"
    assert part.blob.startswith(b"\x89PNG")


def test_docx_coder_filter_and_control_characters(tmp_path):
    turns = make_turns()
    turns.loc[1, "text"] = "Ada\x0b referensi\x01 dari client"
    path = write_docx_appendix(
        turns,
        make_codings(),
        make_codebook(),
        tmp_path / "a.docx",
        coder="rickxen",
        chart=False,
    )
    doc = docx.Document(str(path))
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == 4  # rickxen's codings only
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Ada referensi dari client" in cells


def test_docx_rejects_bad_language_and_suffix(tmp_path):
    args = (make_turns(), make_codings(), make_codebook())
    with pytest.raises(QualcodeError, match="unknown language 'fr'; expected one of en, id"):
        write_docx_appendix(*args, tmp_path / "a.docx", lang="fr")
    with pytest.raises(QualcodeError, match=r"must be a \.docx file, got 'a\.doc'"):
        write_docx_appendix(*args, tmp_path / "a.doc")


# --- command line ------------------------------------------------------------------------
@pytest.fixture
def cli_inputs(tmp_path):
    from qualcode.codebook import write_codebook
    from qualcode.tables import write_table

    turns = write_table(make_turns(), tmp_path / "turns.csv")
    codings = write_table(make_codings(), tmp_path / "codings.csv")
    book = write_codebook(make_codebook(), tmp_path / "codebook.yaml")
    return ["--turns", str(turns), "--codings", str(codings), "--codebook", str(book)]


def test_cli_export_docx(cli_inputs, tmp_path, capsys):
    from qualcode.cli import main

    out = tmp_path / "lampiran.docx"
    code = main(["export", "docx", *cli_inputs, "--out", str(out), "--lang", "id"])
    assert code == 0
    assert "lampiran.docx" in capsys.readouterr().out
    doc = docx.Document(str(out))
    assert "Transkrip Wawancara" in _headings(doc, 1)


def test_cli_export_xlsx(cli_inputs, tmp_path):
    import openpyxl

    from qualcode.cli import main

    out = tmp_path / "tables.xlsx"
    assert main(["export", "xlsx", *cli_inputs, "--out", str(out), "--coder", "rules"]) == 0
    wb = openpyxl.load_workbook(out)
    assert "Coded segments" in wb.sheetnames
    assert "Coder agreement" not in wb.sheetnames  # one coder asked for


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--lang", "fr"], "Error: unknown language 'fr'; expected one of en, id"),
        (["--coder", "bob"], "Error: no codings by coder(s) bob"),
    ],
)
def test_cli_export_docx_errors(cli_inputs, tmp_path, capsys, extra, message):
    from qualcode.cli import main

    code = main(["export", "docx", *cli_inputs, "--out", str(tmp_path / "a.docx"), *extra])
    assert code == 1
    assert message in capsys.readouterr().err


def test_cli_export_docx_missing_file(cli_inputs, tmp_path, capsys):
    from qualcode.cli import main

    args = [*cli_inputs]
    args[3] = str(tmp_path / "missing.csv")
    assert main(["export", "docx", *args, "--out", str(tmp_path / "a.docx")]) == 1
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_docx_reuses_given_report_tables(tmp_path):
    from qualcode.reports import report_tables

    turns, codings, book = make_turns(), make_codings(), make_codebook()
    tables = report_tables(turns, codings, book)
    tables["segments"] = tables["segments"][tables["segments"]["code"] == "acquire"]
    path = write_docx_appendix(
        turns, codings, book, tmp_path / "a.docx", tables=tables, chart=False
    )
    assert _headings(docx.Document(str(path)), 3) == ["Acquire"]


# --- layout: column widths, repeating headers, reflowed codebook text --------------------
def _text_width_twips(doc) -> int:
    section = doc.sections[0]
    return round((section.page_width - section.left_margin - section.right_margin) / 635)


def _grid(table) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]


def _cell_widths(row) -> list[int]:
    return [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row._tr.tc_lst]


@pytest.mark.parametrize("which", ["codebook", "transcript", "frequencies"])
def test_docx_tables_fixed_widths_span_text_width(doc_id, which):
    tables = {"codebook": doc_id.tables[0], "transcript": doc_id.tables[1]}
    table = tables.get(which, doc_id.tables[-1])
    usable = _text_width_twips(doc_id)
    assert usable == round((21.0 - 2 * 2.54) * TWIPS_PER_CM)
    tbl_pr = table._tbl.tblPr
    assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    tbl_w = tbl_pr.find(qn("w:tblW"))
    assert tbl_w.get(qn("w:type")) == "dxa"
    assert abs(int(tbl_w.get(qn("w:w"))) - usable) <= 2
    grid = _grid(table)
    assert abs(sum(grid) - usable) <= 2
    for row in table.rows:  # header and rows written as raw XML alike
        tc_ws = row._tr.tc_lst
        assert all(tc.tcPr.find(qn("w:tcW")).get(qn("w:type")) == "dxa" for tc in tc_ws)
        assert _cell_widths(row) == grid


def test_docx_codebook_columns_give_room_to_the_definition(doc_id):
    grid = [w / TWIPS_PER_CM for w in _grid(doc_id.tables[0])]
    theme, code, definition, examples = grid
    assert theme == pytest.approx(CODEBOOK_WIDTHS[0], abs=0.01)
    assert code == pytest.approx(CODEBOOK_WIDTHS[1], abs=0.01)
    assert examples == pytest.approx(CODEBOOK_WIDTHS[3], abs=0.01)
    assert definition == pytest.approx(15.92 - theme - code - examples, abs=0.01)
    assert definition > examples > code > theme  # not four equal columns


def test_docx_transcript_columns_give_room_to_the_text(doc_id):
    transcripts = [t for t in doc_id.tables if t.style.name == "Table Grid"]
    for table in transcripts:
        number, speaker, text, codes = (w / TWIPS_PER_CM for w in _grid(table))
        assert number == pytest.approx(TRANSCRIPT_WIDTHS[0], abs=0.01)
        assert speaker >= 2.3  # "Pembicara" in bold fits on one line
        assert codes == pytest.approx(TRANSCRIPT_WIDTHS[3], abs=0.01)
        assert text > 9.0 and text > 3 * codes


def test_docx_header_rows_repeat_on_each_page(doc_id):
    assert len(doc_id.tables) == 4
    for table in doc_id.tables:
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        assert header.find(qn("w:cantSplit")) is not None
        body = [r._tr.trPr for r in table.rows[1:]]
        assert all(pr is None or pr.find(qn("w:tblHeader")) is None for pr in body)


def test_docx_short_transcript_rows_do_not_split(doc_id):
    rows = doc_id.tables[1].rows[1:]
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)


def test_docx_table_text_is_smaller_and_keywords_smallest(doc_id):
    # 10 pt from the table styles; Normal leaves the size to the 11 pt document default
    assert doc_id.styles["Normal"].font.size is None
    defaults = doc_id.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "22"
    assert {t.style.font.size.pt for t in doc_id.tables} == {10}
    definition = doc_id.tables[0].rows[1].cells[2].paragraphs
    assert [p.text for p in definition] == [
        "AE mengumpulkan informasi tentang klien.",
        "Kata kunci: latar belakang, informasi",  # own paragraph, information kept
    ]
    assert {r.font.size.pt for r in definition[-1].runs} == {8}


def _wrapped_codebook() -> Codebook:
    book = make_codebook()
    idic, crm = book.themes
    identify = replace(
        idic.codes[0],
        description="Getting to know the client: the AE gathers\ninformation about the client"
        '\n  and the client\'s business.\n\nThesis: "Identify diterapkan\ndengan mengulik."',
        include="How and where information\nabout a client is collected.",
        exclude="Using that information\nto treat clients differently.",
        examples=("kita cari tahu dulu\nlatar belakang klien",),
    )
    idic = replace(idic, codes=(identify, *idic.codes[1:]))
    return replace(
        book,
        themes=(idic, crm),
        description="How the account executives\nbuild relationships.\n\nSecond paragraph.",
    )


def test_docx_codebook_text_is_reflowed(tmp_path):
    path = write_docx_appendix(
        make_turns(),
        make_codings(),
        _wrapped_codebook(),
        tmp_path / "a.docx",
        transcripts=False,
        segments=False,
        chart=False,
    )
    doc = docx.Document(str(path))
    body = [p.text for p in doc.paragraphs]
    start = next(
        i
        for i, p in enumerate(doc.paragraphs)
        if p.style.name == "Heading 1" and p.text == "Codebook"
    )
    assert body[start + 1 : start + 3] == [
        "How the account executives build relationships.",
        "Second paragraph.",
    ]
    row = doc.tables[0].rows[1].cells
    assert [p.text for p in row[2].paragraphs][:4] == [
        "Getting to know the client: the AE gathers information about the client"
        " and the client's business.",
        'Thesis: "Identify diterapkan dengan mengulik."',
        "Use when: How and where information about a client is collected.",
        "Do not use when: Using that information to treat clients differently.",
    ]
    assert [p.text for p in row[3].paragraphs] == ["“kita cari tahu dulu latar belakang klien”"]
    texts = [t.text for t in doc.element.body.iter(qn("w:t"))]
    assert not any("\n" in (t or "") for t in texts)


def test_docx_codebook_keywords_drop_exact_form_marker(tmp_path):
    book = make_codebook()
    first = book.themes[0]
    code = replace(first.codes[0], keywords=("=membedakan", "tipe client"))
    theme = replace(first, codes=(code, *first.codes[1:]))
    book = replace(book, themes=(theme, *book.themes[1:]))
    path = write_docx_appendix(
        make_turns(), make_codings(), book, tmp_path / "k.docx", transcripts=False, chart=False
    )
    cell = docx.Document(str(path)).tables[0].rows[1].cells[2].text
    assert "membedakan, tipe client" in cell
    assert "=membedakan" not in cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo", ["one two"]),
        ("one  \n   two\r\nthree", ["one two three"]),
        ("a\n\nb\n \n\n c", ["a", "b", "c"]),
        ("\n\n", []),
        (None, []),
    ],
)
def test_reflow_paragraphs(text, expected):
    assert reflow_paragraphs(text) == expected


def test_column_twips_rest_and_errors():
    assert column_twips((1.0, None, 2.0), 9026) == [567, 9026 - 567 - 1134, 1134]
    assert sum(column_twips((1.0, 3.0), 9026)) == 9026  # scaled without a text column
    with pytest.raises(QualcodeError, match="do not fit the text width 1000"):
        column_twips((1.0, None, 2.0), 1000)


# --- cases and attributes ----------------------------------------------------------------
@pytest.fixture(scope="module")
def doc_cases(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "cases.docx"
    path = write_docx_appendix(
        make_turns(),
        make_codings(),
        make_codebook(),
        out,
        lang="en",
        chart=False,
        cases=make_cases(),
        attributes=["team", "gender"],
    )
    return docx.Document(str(path))


def _rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def _table_with_header(doc, first: list[str]):
    found = [t for t in doc.tables if _rows(t)[0][: len(first)] == first]
    assert len(found) == 1, [_rows(t)[0] for t in doc.tables]
    return found[0]


def test_docx_attribute_matrix_when_cases_given(doc_cases):
    assert _headings(doc_cases, 1)[-1] == "Codes by Case Attribute"
    assert _headings(doc_cases, 2)[-2:] == ["team", "gender"]
    cases = _rows(_table_with_header(doc_cases, ["Case"]))
    assert cases == [
        ["Case", "team", "gender", "role"],
        ["Juliana", "AE", "female", "Senior AE"],
        ["Jimmy", "AE", "male", "AM"],
    ]
    team = _rows(_table_with_header(doc_cases, ["Code", "AE (2 cases)"]))
    assert team[1] == ["Model IDIC (any code)", "3 (2 of 2)"]
    assert [r[0].strip() for r in team[2:6]] == [
        "Identify: mengenali latar belakang klien",
        "Differentiate: membedakan klien berdasarkan nilai dan kebutuhan",
        "Interact",
        "Customize",
    ]
    assert team[4][1] == "2 (2 of 2)" and team[6] == ["Tahapan CRM (any code)", "3 (2 of 2)"]
    gender = _rows(_table_with_header(doc_cases, ["Code", "female (1 case)", "male (1 case)"]))
    assert gender[2][1:] == ["1 (1 of 1)", "0 (0 of 1)"]  # identify: Juliana only
    assert len(gender) == 1 + 2 + 7  # header, two themes, seven codes
    captions = [p.text for p in doc_cases.paragraphs if p.style.name == "Caption"]
    wanted = (
        "Coded turns per code and gender (in brackets: cases with the code, of the cases "
        "with that gender)"
    )
    assert any(c.endswith(": " + wanted) for c in captions)


def test_docx_attribute_tables_span_the_text_width(doc_cases):
    usable = _text_width_twips(doc_cases)
    for first in (["Case"], ["Code", "AE (2 cases)"]):
        table = _table_with_header(doc_cases, first)
        assert abs(sum(_grid(table)) - usable) <= 2
        assert all(_cell_widths(row) == _grid(table) for row in table.rows)


def test_docx_no_attribute_section_without_cases(doc_id):
    assert "Kode menurut Atribut Kasus" not in _headings(doc_id, 1)
    assert not [t for t in doc_id.tables if _rows(t)[0][0] == "Kasus"]


def test_docx_attribute_matrix_in_indonesian_from_report_tables(tmp_path):
    from qualcode.reports import report_tables

    turns, codings, book = make_turns(), make_codings(), make_codebook()
    tables = report_tables(turns, codings, book, cases=make_cases(), attributes="gender")
    path = write_docx_appendix(
        turns,
        codings,
        book,
        tmp_path / "a.docx",
        lang="id",
        chart=False,
        tables=tables,
        cases=make_cases(),
    )
    doc = docx.Document(str(path))
    assert _headings(doc, 1)[-1] == "Kode menurut Atribut Kasus"
    assert _headings(doc, 2)[-1] == "gender"  # the given tables' attributes
    rows = _rows(_table_with_header(doc, ["Kode", "female (1 kasus)", "male (1 kasus)"]))
    assert rows[1] == ["Model IDIC (semua kode)", "2 (1 dari 1)", "1 (1 dari 1)"]


def test_cli_export_docx_and_xlsx_with_cases(cli_inputs, tmp_path, capsys):
    import openpyxl

    from qualcode.cli import main
    from qualcode.tables import write_table

    cases = write_table(make_cases(), tmp_path / "cases.csv")
    out = tmp_path / "a.docx"
    args = ["export", "docx", *cli_inputs, "--out", str(out), "--cases", str(cases)]
    assert main([*args, "--attribute", "gender"]) == 0
    doc = docx.Document(str(out))
    assert _headings(doc, 2)[-1] == "gender"
    _table_with_header(doc, ["Code", "female (1 case)", "male (1 case)"])
    xlsx = tmp_path / "t.xlsx"
    assert main(["export", "xlsx", *cli_inputs, "--out", str(xlsx), "--cases", str(cases)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    assert {"Cases", "Code x attribute", "Theme x attribute"} <= set(wb.sheetnames)
    headers = [c.value for c in wb["Code x attribute"][1]]
    assert headers[0] == "Attribute" and "Cases with the code" in headers
    capsys.readouterr()
    bad = write_table(make_cases().assign(interview=["N1", "Narasumber 2"]), tmp_path / "bad.csv")
    assert main(["export", "docx", *cli_inputs, "--out", str(out), "--cases", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Error: " in err and "bad.csv line 2: row 2 (case 'Juliana') matches no turn" in err
    assert main(["export", "docx", *cli_inputs, "--out", str(out), "--attribute", "x"]) == 1
    assert "--attribute needs --cases FILE" in capsys.readouterr().err


def test_cli_export_docx_defaults_to_the_codebook_study_language(tmp_path, capsys):
    """``export docx`` and ``code --report`` share one default: the study language."""
    from conftest import CODEBOOK, SAMPLE_TXT

    from qualcode.cli import main

    out = tmp_path / "out"
    assert main(["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(out)]) == 0
    common = ["--turns", str(out / "turns.csv"), "--codings", str(out / "codings.csv")]
    common += ["--codebook", str(CODEBOOK)]
    assert main(["export", "docx", *common, "--out", str(tmp_path / "id.docx")]) == 0
    doc = docx.Document(str(tmp_path / "id.docx"))
    assert _headings(doc, 1)[0] == "Buku Kode"
    assert "Model IDIC" in _headings(doc, 2) and "IDIC model" not in _headings(doc, 2)
    args = [*common, "--out", str(tmp_path / "en.docx"), "--lang", "en"]
    assert main(["export", "docx", *args]) == 0
    doc = docx.Document(str(tmp_path / "en.docx"))
    assert _headings(doc, 1)[0] == "Codebook" and "IDIC model" in _headings(doc, 2)
