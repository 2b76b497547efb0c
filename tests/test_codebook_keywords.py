"""A code whose keyword list is given empty is named in a warning (file and line)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.codebook import parse_codebook, read_codebook
from qualcode.errors import CodebookWarning
from tests.conftest import CODEBOOK, SAMPLE_TXT


def _empty_keywords(tmp_path: Path, code: str, empty: str = "[]") -> tuple[Path, int]:
    """The thesis codebook with ``code``'s keyword list emptied; its keywords line."""
    text = CODEBOOK.read_text(encoding="utf-8")
    start = text.index(f"      - name: {code}\n")
    m = re.compile(r"        keywords: \[[^\]]*\]").search(text, start)
    assert m is not None
    edited = text[: m.start()] + f"        keywords: {empty}" + text[m.end() :]
    path = tmp_path / "crm_idic_draft.yaml"
    path.write_text(edited, encoding="utf-8")
    return path, edited.count("\n", 0, m.start()) + 1


@pytest.mark.parametrize("empty", ["[]", ""])
def test_codebook_empty_keyword_list_warns_with_file_and_line(tmp_path: Path, empty: str) -> None:
    path, line = _empty_keywords(tmp_path, "customize", empty)
    with pytest.warns(CodebookWarning) as caught:
        book = read_codebook(path)
    assert len(caught) == 1
    assert str(caught[0].message).startswith(
        f"{path} line {line}: code 'customize' has an empty keyword list, so the keyword rules "
        "will never suggest it"
    )
    assert book.code("customize").keywords == ()  # still read: a warning, not a refusal


def test_codebook_without_keywords_field_or_with_patterns_does_not_warn() -> None:
    text = (
        "name: demo\nthemes:\n  - name: stages\n    codes:\n"
        "      - name: retain\n"  # for people and the classifier only
        "      - name: acquire\n        keywords: []\n        patterns: ['\\bpitch(ing)?\\b']\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", CodebookWarning)
        book = parse_codebook(text)
    assert book.code_names == ("retain", "acquire")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CodebookWarning)
        read_codebook(CODEBOOK)


def test_code_command_prints_the_codebook_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, line = _empty_keywords(tmp_path, "acquire")
    out = tmp_path / "out"
    args = ["code", str(SAMPLE_TXT), "--codebook", str(path), "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"Warning: {path} line {line}: code 'acquire' has an empty keyword list, so the keyword "
        "rules will never suggest it; add keywords (or patterns), or remove the 'keywords' field "
        "if the code is for people and the classifier only"
    ]
