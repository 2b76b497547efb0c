"""REFI-QDA codebooks (.qdc): round trip, the tree, descriptions, GUIDs, other tools' files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qualcode as qc
from qualcode.codebook import Code, Codebook, Theme
from qualcode.errors import ExchangeError
from qualcode.exchange.refi import read_qdc, write_qdc
from qualcode.exchange.refi.codes import normalize_color, split_description
from tests._refidata import project_schema
from tests.conftest import CODEBOOK


def _as_project(qdc_text: str) -> str:
    """The codebook's Codes inside a minimal project, to validate with Project.xsd."""
    codes = re.search(r"<Codes>.*</Codes>", qdc_text, flags=re.S)
    assert codes is not None
    return (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook>'
        f"{codes.group(0)}</CodeBook></Project>"
    )


def test_write_qdc_crm_idic_round_trip(tmp_path: Path) -> None:
    codebook = qc.read_codebook(CODEBOOK)
    out = write_qdc(codebook, tmp_path / "crm.qdc")
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:')
    project_schema().validate(_as_project(text))
    back = read_qdc(out)
    assert back.codebook.name == "crm"
    assert [t.name for t in back.codebook.themes] == [t.name for t in codebook.themes]
    for mine, theirs in zip(codebook.codes, back.codebook.codes, strict=True):
        assert (theirs.name, theirs.theme, theirs.parent, theirs.color) == (
            mine.name,
            mine.theme,
            mine.parent,
            mine.color,
        )
        assert theirs.description == mine.description.strip()
        assert (theirs.include, theirs.exclude) == (mine.include.strip(), mine.exclude.strip())
    assert set(back.code_guids) == set(codebook.code_names) | {t.name for t in codebook.themes}


def test_write_qdc_sub_codes_nest_and_themes_are_not_codable(tmp_path: Path) -> None:
    codebook = Codebook(
        themes=(
            Theme(
                "crm",
                color="#abc",
                codes=(
                    Code("retain", theme="crm", color="#FFD966"),
                    Code("loyalty", theme="crm", parent="retain"),
                    Code("trust", theme="crm", parent="loyalty", description="Trust & <faith>"),
                ),
            ),
        )
    )
    out = write_qdc(codebook, tmp_path / "c.qdc")
    text = out.read_text(encoding="utf-8")
    assert re.search(r'name="crm" isCodable="false" color="#aabbcc"><Code [^>]*name="retain"', text)
    assert "Trust &amp; &lt;faith&gt;" in text
    back = read_qdc(out).codebook
    assert [(c.name, c.parent) for c in back.codes] == [
        ("retain", None),
        ("loyalty", "retain"),
        ("trust", "loyalty"),
    ]
    assert back.code("retain").color == "#ffd966"
    assert back.code("trust").description == "Trust & <faith>"


def test_write_qdc_guids_stable_and_given_ones_kept(tmp_path: Path) -> None:
    codebook = qc.read_codebook(CODEBOOK)
    a = read_qdc(write_qdc(codebook, tmp_path / "a.qdc")).code_guids
    b = read_qdc(write_qdc(codebook, tmp_path / "b.qdc")).code_guids
    assert a == b
    kept = read_qdc(
        write_qdc(
            codebook,
            tmp_path / "k.qdc",
            code_guids={"retain": "{ABCDEF01-2345-6789-ABCD-EF0123456789}"},
        )
    ).code_guids
    assert kept["retain"] == "abcdef01-2345-6789-abcd-ef0123456789"
    assert {k: v for k, v in kept.items() if k != "retain"} == {
        k: v for k, v in a.items() if k != "retain"
    }


@pytest.mark.parametrize(
    ("guids", "message"),
    [
        ({"retain": "not-a-guid"}, r"code_guids\['retain'\] is 'not-a-guid', not a GUID"),
        (
            {
                "retain": "abcdef01-2345-6789-abcd-ef0123456789",
                "acquire": "abcdef01-2345-6789-abcd-ef0123456789",
            },
            r"would share the GUID",
        ),
    ],
)
def test_write_qdc_refuses_bad_code_guids(tmp_path: Path, guids, message: str) -> None:
    with pytest.raises(ExchangeError, match=message):
        write_qdc(qc.read_codebook(CODEBOOK), tmp_path / "x.qdc", code_guids=guids)


MESSY_QDC = """\ufeff<?xml version="1.0" encoding="utf-8"?>\r
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:mx="http://maxqda.com/extensions">\r
  <mx:Settings><mx:Code name="ignored"/></mx:Settings>\r
  <Codes>\r
    <Code guid="{5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9}" name="Relationship" isCodable="false">\r
      <Description>How AEs keep clients</Description>\r
      <Code guid="{5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8C0}" name="trust" color="#F4B183">\r
        <Description>Trust.\r
\r
Include: honesty\r
\r
Exclude: contracts</Description>\r
        <Code guid="5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8c1" name="honesty"/>\r
      </Code>\r
      <Code guid="5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8C2" name="honesty" isCodable="true"/>\r
    </Code>\r
    <Code guid="5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8C3" name="pitching" isCodable="1" color="red"/>\r
    <Unknown><Code guid="5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8C4" name="inside unknown"/></Unknown>\r
  </Codes>\r
</CodeBook>\r
"""


def test_read_qdc_copes_with_what_other_tools_write(tmp_path: Path) -> None:
    path = tmp_path / "maxqda.qdc"
    path.write_bytes(MESSY_QDC.encode("utf-8"))
    back = read_qdc(path)
    book = back.codebook
    assert [t.name for t in book.themes] == ["Relationship", "codes"]
    trust = book.code("trust")  # no isCodable: codable
    assert (trust.description, trust.include, trust.exclude) == ("Trust.", "honesty", "contracts")
    assert trust.color == "#f4b183"
    # a repeated name is qualified by its parent
    assert book.code("honesty").parent == "trust"
    assert book.code("Relationship/honesty").parent is None
    assert book.code("pitching").theme == "codes" and book.code("pitching").color is None
    assert "ignored" not in book.code_names  # foreign namespace
    assert "inside unknown" not in book.code_names  # unknown element
    assert back.code_guids["trust"] == "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8c0"
    assert back.code_guids["Relationship"] == "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', r"has no <Codes> element"),
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>',
            r"line 1: x\.qdc is not well-formed",
        ),
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a"/></Codes></CodeBook>',
            r"a Code has no name",
        ),
    ],
)
def test_read_qdc_refuses_broken_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.qdc"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExchangeError, match=message):
        read_qdc(path)
    with pytest.raises(ExchangeError, match=r"nope\.qdc: file not found"):
        read_qdc(tmp_path / "nope.qdc")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#ABC", "#aabbcc"),
        ("2E75B6", "#2e75b6"),
        ("#2e75b6", "#2e75b6"),
        ("red", None),
        (None, None),
    ],
)
def test_normalize_color(value: str | None, expected: str | None) -> None:
    assert normalize_color(value) == expected


def test_split_description_keeps_text_that_only_mentions_include() -> None:
    assert split_description("Include: the brief\n\nExclude: pitching") == (
        "",
        "the brief",
        "pitching",
    )
    assert split_description("Clients. Include: is a word here") == (
        "Clients. Include: is a word here",
        "",
        "",
    )


def test_cli_export_qdc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qualcode.cli import main

    out = tmp_path / "crm.qdc"
    assert main(["export", "qdc", "--codebook", str(CODEBOOK), "--out", str(out)]) == 0
    assert "crm.qdc (2 themes, 7 codes)" in capsys.readouterr().out
    assert read_qdc(out).codebook.code_names == qc.read_codebook(CODEBOOK).code_names
    missing = tmp_path / "missing.yaml"
    assert main(["export", "qdc", "--codebook", str(missing), "--out", str(out)]) == 1
    assert "missing.yaml" in capsys.readouterr().err
