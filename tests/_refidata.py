"""Shared helpers for the REFI-QDA tests: the coded sample, the schema, fixture archives."""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import xmlschema

import qualcode as qc
from tests.conftest import CODEBOOK, SAMPLE_TXT

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
#: REFI-QDA project schema 1.0 (MIT licence, notice inside; copied from ../shared/refi-qda)
PROJECT_XSD = FIXTURES / "Project.xsd"
TURN_COLUMNS = ["turn_id", "interview", "position", "speaker", "role", "text"]
CODING_KEY = ["turn_id", "code", "coder", "span_start", "span_end"]


@lru_cache(maxsize=1)
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(PROJECT_XSD))


def validate_qde(qdpx: Path) -> str:
    """Validate the archive's project.qde against Project.xsd and return its text."""
    with zipfile.ZipFile(qdpx) as zf:
        text = zf.read("project.qde").decode("utf-8")
    project_schema().validate(text)
    return text


def sample() -> tuple[pd.DataFrame, pd.DataFrame, qc.Codebook]:
    """The thesis sample: turns, keyword codings by a person (renamed coder), codebook."""
    turns = qc.read_transcript(SAMPLE_TXT)
    codebook = qc.read_codebook(CODEBOOK)
    codings = qc.KeywordCoder(codebook).code(turns)
    codings["coder"] = "Rickxen"
    return turns, codings, codebook


def same_turns(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    left = a[TURN_COLUMNS].astype(str).reset_index(drop=True)
    right = b[TURN_COLUMNS].astype(str).reset_index(drop=True)
    return left.equals(right)


def coding_rows(codings: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in codings[CODING_KEY].itertuples(index=False))


def zip_fixture(tool: str, out: Path) -> Path:
    """Zip ``fixtures/refi/<tool>/`` (project.qde and its sources) into ``out``."""
    folder = FIXTURES / tool
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return out


def coded_text(project: object, turn_id: str, span: tuple[object, object]) -> str:
    """The text a coding covers: the span of the turn, or all of it."""
    turns = project.turns.set_index("turn_id")  # type: ignore[attr-defined]
    text = str(turns.at[turn_id, "text"])
    a, b = span
    if pd.isna(a):
        return text
    return text[int(a) : int(b)]  # type: ignore[call-overload]
