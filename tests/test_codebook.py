"""Tests for the codebook YAML format: loading, validation with file and line, round trip."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qualcode import Code, Codebook, CodebookError, Theme, read_codebook, write_codebook
from qualcode.codebook import check_pattern, dump_codebook, parse_codebook
from tests.conftest import CODEBOOK

VALID = """\
name: demo
description: A small codebook.
languages: [id, en]
themes:
  - name: stages
    label: CRM stages
    exclusive: true
    color: "#843c0c"
    codes:
      - name: acquire
        label: Acquire
        description: Getting new clients.
        include: Pitching, tenders.
        exclude: Existing clients.
        examples: [Kita ikut pitching bulan lalu.]
        keywords: [pitching, klien baru]
        patterns: ['\\btender\\b']
        exclude_patterns: ['\\bpitching ulang\\b']
        color: "#c55a11"
        codes:
          - name: referral
            keywords: [referensi]
      - name: retain
        keywords: [mempertahankan, trust]
  - name: idic
    codes:
      - name: interact
        keywords: [meeting]
"""


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_read_codebook_builds_hierarchy_in_file_order(tmp_path: Path) -> None:
    cb = read_codebook(write(tmp_path, VALID))
    assert cb.name == "demo"
    assert cb.languages == ("id", "en")
    assert cb.code_names == ("acquire", "referral", "retain", "interact")
    assert cb.code("referral").parent == "acquire"
    assert cb.code("referral").theme == "stages"
    assert cb.theme_of("interact").name == "idic"
    acquire = cb.code("acquire")
    assert acquire.keywords == ("pitching", "klien baru")
    assert acquire.patterns == (r"\btender\b",)
    assert acquire.exclude_patterns == (r"\bpitching ulang\b",)
    assert acquire.examples == ("Kita ikut pitching bulan lalu.",)
    assert acquire.include == "Pitching, tenders."
    assert acquire.color == "#c55a11"
    assert cb.exclusive_groups == (("acquire", "referral", "retain"),)
    assert cb.source == tmp_path / "book.yaml"


def test_write_codebook_round_trip_is_equal(tmp_path: Path) -> None:
    cb = read_codebook(write(tmp_path, VALID))
    out = write_codebook(cb, tmp_path / "sub" / "copy.yaml")
    assert out == tmp_path / "sub" / "copy.yaml"
    again = read_codebook(out)
    assert again == cb
    assert dump_codebook(again) == dump_codebook(cb)


def test_write_codebook_round_trip_of_built_codebook_with_awkward_text(tmp_path: Path) -> None:
    code = Code(
        name="yes",
        label="2020",
        description="line one\nline two: with colon",
        examples=("'quoted' and \"double\"", "- dash start"),
        keywords=("null", "klien-klien"),
        theme="t",
    )
    cb = Codebook(name="x", languages=("en",), themes=(Theme(name="t", codes=(code,)),))
    assert read_codebook(write_codebook(cb, tmp_path / "b.yaml")) == cb


def test_bundled_crm_idic_codebook_is_valid() -> None:
    cb = read_codebook(CODEBOOK)
    assert cb.code_names == (
        "identify",
        "differentiate",
        "interact",
        "customize",
        "acquire",
        "enhance",
        "retain",
    )
    assert set(cb.languages) == {"id", "en"}
    for code in cb.codes:
        assert code.description and code.examples and code.keywords and code.color
    assert "klien" not in cb.code("retain").keywords  # too generic: would code every turn


def _error(tmp_path: Path, text: str) -> CodebookError:
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    assert info.value.path == path
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        (
            """\
            name: x
            themes:
              - name: t
                codes:
                  - name: a
                    keywrods: [x]
            """,
            6,
            r"unknown field 'keywrods' in a code \(did you mean 'keywords'\?\)",
        ),
        (
            """\
            name: x
            colour: red
            themes: []
            """,
            2,
            "unknown field 'colour' in the codebook",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                  - name: b
                  - name: a
            """,
            6,
            r"duplicate code name 'a' \(first on line 4\)",
        ),
        (
            """\
            themes:
              - name: t
              - name: t
            """,
            3,
            "duplicate theme name 't'",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    codes:
                      - name: ""
            """,
            6,
            "empty name in code",
        ),
        (
            """\
            themes:
              - label: no name
            """,
            2,
            "theme has no name",
        ),
        (
            """\
            themes:
              - name: stages
                exclusive: true
                codes:
                  - name: acquire
                    keywords: [pitching, tender]
                  - name: retain
                    keywords: [maintain, Tender]
            """,
            8,
            "keyword 'Tender' is under both 'acquire' and 'retain' in the exclusive theme",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    patterns:
                      - ok
                      - '(unclosed'
            """,
            7,
            "invalid regular expression",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    patterns: ['(a+)+b']
            """,
            5,
            "nested quantifier",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    exclude_patterns:
                      - '(x|x)*y'
            """,
            6,
            "ambiguous alternatives",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    color: blue-ish
            """,
            5,
            "bad color 'blue-ish'",
        ),
        (
            """\
            themes:
              - name: t
                color: "#12345"
            """,
            3,
            "bad color",
        ),
        (
            """\
            name: x
            themes:
              - name: t
                codes: [
            """,
            5,
            "YAML syntax error",
        ),
        (
            """\
            name: x
            themes:
              - name: t
               codes: []
            """,
            4,
            "YAML syntax error",
        ),
        (
            """\
            themes:
              - name: t
                exclusive: maybe
            """,
            3,
            "'exclusive' of theme 't' must be true or false",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    keywords: pitching
            """,
            5,
            "must be a list",
        ),
        (
            """\
            languages: [indonesian]
            themes:
              - name: t
            """,
            1,
            "bad language 'indonesian'",
        ),
        (
            """\
            themes:
              - name: t
                codes:
                  - name: a
                    keywords: ['...']
            """,
            5,
            "has no letters or digits",
        ),
        (
            """\
            themes:
              - name: t
                name: u
            """,
            3,
            "field 'name' appears twice",
        ),
        ("", 1, "empty"),
        ("name: x\n", 1, "needs a list of 'themes'"),
    ],
)
def test_read_codebook_reports_problem_with_line(
    tmp_path: Path, text: str, line: int, match: str
) -> None:
    err = _error(tmp_path, text)
    assert err.line == line
    assert str(err).startswith(f"{tmp_path / 'book.yaml'} line {line}: ")
    with pytest.raises(CodebookError, match=match):
        read_codebook(tmp_path / "book.yaml")


def test_read_codebook_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="codebook file not found"):
        read_codebook(tmp_path / "nope.yaml")


def test_parse_codebook_without_source_names_line_only() -> None:
    with pytest.raises(CodebookError, match=r"^line 1: unknown field 'foo'"):
        parse_codebook("foo: 1\n")


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+", r"(a*)*", r"(\w+\s?)*x", r"(a|a)*", r"(?:\w|ab)+!", r"(x+y?)+$"],
)
def test_check_pattern_refuses_catastrophic_backtracking(pattern: str) -> None:
    assert check_pattern(pattern) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        r"\bpitching\s+ulang\b",
        r"(?:client|klien)s?",
        r"(ab|cd)+",
        r"klien(?:\s+\w+){0,3}\s+baru",
        r"\d{2,}-\w+",
        r"(?:[a-c]|[x-z])+",
    ],
)
def test_check_pattern_accepts_safe_patterns(pattern: str) -> None:
    assert check_pattern(pattern) is None


def test_read_codebook_reads_a_refi_qdc_file(tmp_path):
    from qualcode.exchange.refi import write_qdc

    book = read_codebook(CODEBOOK)
    path = write_qdc(book, tmp_path / "crm.QDC")
    read = read_codebook(path)
    assert read.code_names == book.code_names
    assert read.name == "crm"
    assert read.source == path


def test_read_codebook_names_a_qdc_file_that_is_not_one(tmp_path):
    from qualcode.errors import ExchangeError

    path = tmp_path / "book.qdc"
    path.write_text('<?xml version="1.0"?><Other/>', encoding="utf-8")
    with pytest.raises(ExchangeError, match="has no <Codes> element"):
        read_codebook(path)
