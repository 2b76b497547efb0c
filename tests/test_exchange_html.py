"""Tests for the HTML report, the report folder and the workbook."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from _reportdata import make_codebook, make_codings, make_turns

from qualcode.errors import QualcodeError
from qualcode.exchange import write_html_report, write_outputs, write_report, write_workbook
from qualcode.exchange.html_parts import inline_svg, marked_html
from qualcode.tables import read_table


class _Collector(HTMLParser):
    """Collect tags with attributes, and text per tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)
        if self._in_mark:
            self.marks.append(data)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("report")
    return out, write_report(make_turns(), make_codings(), make_codebook(), out)


@pytest.fixture(scope="module")
def page(report_dir) -> str:
    return report_dir[1]["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(page) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_html_transcript_text_is_escaped(page, parsed):
    assert "<script>alert(1)</script>" not in page
    assert "Iya &lt;script&gt;alert(1)&lt;/script&gt; &amp; selesai" in page
    scripts = [t for t, _ in parsed.tags if t == "script"]
    assert len(scripts) == 1  # only the report's own filter script
    assert "alert(1)" not in "".join(parsed.script_text)


def test_html_has_no_external_references(parsed, page):
    for _tag, attrs in parsed.tags:
        for name in ("src", "href", "xlink:href", "data", "action"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (name, value)
    assert "<link" not in page and "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)


def test_html_inline_css_js_and_charts(parsed, page):
    tags = [t for t, _ in parsed.tags]
    assert "style" in tags and "script" in tags
    figures = [a.get("id") for t, a in parsed.tags if t == "figure"]
    assert figures == [
        "chart-theme_frequencies",
        "chart-code_by_interview",
        "chart-cooccurrence",
        "chart-coder_comparison",
    ]
    assert tags.count("svg") == 4
    assert "<?xml" not in page and "<metadata>" not in page
    ids = [a["id"] for _t, a in parsed.tags if a.get("id")]
    assert len(ids) == len(set(ids))  # ids of the inline SVGs do not collide


def test_html_segments_highlighted_and_filterable(parsed, page):
    rows = [a for t, a in parsed.tags if t == "tr" and "data-code" in a]
    assert len(rows) == len(make_codings())  # one row per turn, code, coder
    assert {r["data-interview"] for r in rows} == {"Narasumber 1", "Narasumber 2"}
    assert "dibedakan" in parsed.marks and "kebutuhan" in parsed.marks
    selects = [a.get("id") for t, a in parsed.tags if t == "select"]
    assert selects == ["filter-code", "filter-interview"]
    options = [a.get("value") for t, a in parsed.tags if t == "option"]
    assert "retain" in options and "Narasumber 2" in options and "enhance" not in options
    assert "Bagaimana menjaga hubungan dengan klien?" in page  # the question as context


def test_html_summary_and_tables(page):
    assert "2 interviews, 8 turns (5 by participants)" in page
    assert "Model IDIC (any code)" in page
    assert "2 of 2" in page
    assert "Agreement between coders" in page


def test_marked_html_escapes_inside_and_outside_marks():
    text = "a <b> & c"
    assert marked_html(text, "2-5") == "a <mark>&lt;b&gt;</mark> &amp; c"
    assert marked_html(text, None) == "a &lt;b&gt; &amp; c"


def test_inline_svg_prefixes_ids_and_references():
    svg = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><metadata>x</metadata>'
        '<defs><path id="g1"/></defs><use xlink:href="#g1"/><g clip-path="url(#g1)"/></svg>'
    )
    out = inline_svg(svg, "c3")
    assert out.startswith("<svg")
    assert 'id="c3-g1"' in out and 'href="#c3-g1"' in out and "url(#c3-g1)" in out
    assert "<metadata>" not in out


def test_write_html_report_standalone_and_suffix(tmp_path):
    path = write_html_report(
        make_turns(),
        make_codings(),
        make_codebook(),
        tmp_path / "r.html",
        lang="id",
        charts=False,
    )
    text = path.read_text(encoding="utf-8")
    assert '<html lang="id">' in text and "Segmen Terkode" in text and "<svg" not in text
    with pytest.raises(QualcodeError, match=r"must be an \.html file"):
        write_html_report(make_turns(), make_codings(), make_codebook(), tmp_path / "r.txt")


def test_write_report_files(report_dir):
    out, written = report_dir
    assert written["html"] == out / "report.html"
    for name in ("segments", "code_frequencies", "cooccurrence", "coder_agreement"):
        assert written[f"csv:{name}"].exists()
    for name in ("theme_frequencies", "code_by_interview", "cooccurrence", "coder_comparison"):
        assert (out / "charts" / f"{name}.png").exists()
        assert (out / "charts" / f"{name}.svg").exists()
    freq = read_table(written["csv:code_frequencies"])
    assert freq.set_index("code").at["retain", "turns"] == "2"


def test_write_report_workbook_sheets_and_headers(report_dir):
    wb = openpyxl.load_workbook(report_dir[1]["xlsx"])
    assert wb.sheetnames[:4] == [
        "Coders shown",
        "Coded segments",
        "Code frequencies",
        "Theme frequencies",
    ]
    assert "Coder agreement" in wb.sheetnames
    ws = wb["Code frequencies"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Theme", "Theme label", "Code", "Code label"]
    assert "Share of turns" in headers
    share_col = headers.index("Share of turns") + 1
    assert ws.cell(row=2, column=share_col).number_format == "0.0%"
    assert ws.freeze_panes == "A2"
    seg = wb["Coded segments"]
    assert seg.max_row == 1 + len(make_codings())


def test_write_workbook_cleans_cells_and_rejects_bad_input(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"marked_text": ["a\x01b", "x" * 40000], "n": [1, 2]})
    path = write_workbook({"segments": df, "a/b:c": df}, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Coded segments", "a b c"]
    assert wb["Coded segments"]["A2"].value == "ab"
    assert len(wb["Coded segments"]["A3"].value) == 32767
    with pytest.raises(QualcodeError, match="no tables"):
        write_workbook({}, tmp_path / "t.xlsx")
    with pytest.raises(QualcodeError, match=r"must be an \.xlsx file"):
        write_workbook({"a": df}, tmp_path / "t.xls")


def test_write_outputs_writes_report_and_appendix(tmp_path):
    written = write_outputs(
        make_turns(), make_codings(), make_codebook(), tmp_path, lang="id", chart_formats=("svg",)
    )
    assert (tmp_path / "charts" / "theme_frequencies.svg").exists()
    assert not (tmp_path / "charts" / "theme_frequencies.png").exists()
    assert written["docx"] == tmp_path / "appendix.docx" and written["docx"].stat().st_size
    assert "Segmen Terkode" in written["html"].read_text(encoding="utf-8")


def test_cli_report_writes_folder(tmp_path, capsys):
    from qualcode.cli import main
    from qualcode.codebook import write_codebook
    from qualcode.tables import write_table

    turns = write_table(make_turns(), tmp_path / "turns.csv")
    codings = write_table(make_codings(), tmp_path / "codings.csv")
    book = write_codebook(make_codebook(), tmp_path / "codebook.yaml")
    out = tmp_path / "report"
    args = ["report", "--turns", str(turns), "--codings", str(codings), "--codebook", str(book)]
    assert main([*args, "--out", str(out), "--coder", "rules", "--chart-format", "svg"]) == 0
    assert "report.html" in capsys.readouterr().out
    assert (out / "report.html").exists() and (out / "report_tables.xlsx").exists()
    assert (out / "tables" / "segments.csv").exists()
    assert (out / "charts" / "theme_frequencies.svg").exists()
    assert not (out / "charts" / "theme_frequencies.png").exists()
    assert not (out / "charts" / "coder_comparison.svg").exists()  # one coder
    bad = tmp_path / "codings_bad.csv"
    bad.write_text("turn_id,label\nN1-2,retain\n", encoding="utf-8")
    args[4] = str(bad)
    assert main([*args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "codings_bad.csv" in err and "missing column(s) code" in err


def test_html_report_attribute_tables_escaped(tmp_path):
    from _reportdata import make_cases

    cases = make_cases().assign(gender=["<b>female</b>", "male"])
    path = write_html_report(
        make_turns(),
        make_codings(),
        make_codebook(),
        tmp_path / "r.html",
        charts=False,
        cases=cases,
        attributes=["gender"],
    )
    page = path.read_text(encoding="utf-8")
    assert '<section id="attributes"><h3>Codes by Case Attribute</h3>' in page
    assert "<b>female</b>" not in page and "&lt;b&gt;female&lt;/b&gt; (1 case)" in page
    assert '<h4 id="attribute-gender">gender</h4>' in page
    assert '<tr class="theme"><td>Model IDIC (any code)</td><td class="num">2 (1 of 1)</td>' in page
    assert "team" not in page.split('id="attributes"')[1].split("<h4")[2]  # only gender asked
    plain = write_html_report(
        make_turns(), make_codings(), make_codebook(), tmp_path / "p.html", charts=False
    )
    assert 'id="attributes"' not in plain.read_text(encoding="utf-8")


def test_write_outputs_with_cases_puts_the_matrix_in_report_and_appendix(tmp_path):
    import docx
    from _reportdata import make_cases

    written = write_outputs(
        make_turns(),
        make_codings(),
        make_codebook(),
        tmp_path,
        lang="id",
        chart_formats=("svg",),
        cases=make_cases(),
    )
    assert "Kode menurut Atribut Kasus" in written["html"].read_text(encoding="utf-8")
    table = read_table(written["csv:code_by_attribute"])
    assert set(table["attribute"]) == {"team", "gender", "role"}
    doc = docx.Document(str(written["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "Kode menurut Atribut Kasus"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][-3:] == [
        "team",
        "gender",
        "role",
    ]


def test_cli_report_with_cases(tmp_path, capsys):
    from _reportdata import make_cases

    from qualcode.cli import main
    from qualcode.codebook import write_codebook
    from qualcode.tables import write_table

    turns = write_table(make_turns(), tmp_path / "turns.csv")
    codings = write_table(make_codings(), tmp_path / "codings.csv")
    book = write_codebook(make_codebook(), tmp_path / "codebook.yaml")
    cases = write_table(make_cases(), tmp_path / "cases.xlsx")
    out = tmp_path / "report"
    args = ["report", "--turns", str(turns), "--codings", str(codings), "--codebook", str(book)]
    args += ["--out", str(out), "--chart-format", "svg", "--cases", str(cases)]
    assert main([*args, "--attribute", "team"]) == 0
    table = read_table(out / "tables" / "code_by_attribute.csv")
    assert set(table["attribute"]) == {"team"}
    assert table.set_index("code").at["retain", "cases"] == "2"  # read back as text
    assert read_table(out / "tables" / "cases.csv")["case"].tolist() == ["Juliana", "Jimmy"]
    capsys.readouterr()
    assert main([*args, "--attribute", "age"]) == 1
    assert "Error: unknown case attribute(s) 'age'" in capsys.readouterr().err


def test_write_report_workbook_keeps_case_attribute_names(tmp_path):
    from _reportdata import make_cases

    from qualcode.exchange import write_report_workbook

    cases = make_cases().assign(position=["Senior AE", "AM"], turns=["many", "few"])
    path = write_report_workbook(
        make_turns(), make_codings(), make_codebook(), tmp_path / "t.xlsx", cases=cases
    )
    wb = openpyxl.load_workbook(path)
    headers = [c.value for c in wb["Cases"][1]]
    assert headers == ["Case", "team", "gender", "role", "position", "turns"]
    assert [c.value for c in wb["Cases"][2]] == [
        "Juliana",
        "AE",
        "female",
        "Senior AE",
        "Senior AE",
        "many",
    ]
    by_attribute = [c.value for c in wb["Code x attribute"][1]]
    assert by_attribute[:3] == ["Attribute", "Theme", "Theme label"]
    assert by_attribute[-2:] == ["Cases with the code", "Cases"]
