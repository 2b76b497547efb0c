"""Shared fixtures: paths to the sample data and the shared corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "transcripts"
SAMPLE_TXT = SAMPLE_DIR / "magnus_interviews.txt"
SAMPLE_DOCX = SAMPLE_DIR / "magnus_interviews.docx"
CODEBOOK = ROOT / "codebooks" / "crm_idic.yaml"
SHARED = Path(os.environ.get("QUALCODE_SHARED", ROOT.parent / "shared"))
SWDA = SHARED / "datasets" / "swda" / "swda_data"

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def sample_txt() -> Path:
    return SAMPLE_TXT


@pytest.fixture
def sample_docx() -> Path:
    return SAMPLE_DOCX


@pytest.fixture
def codebook_path() -> Path:
    return CODEBOOK


@pytest.fixture
def swda_dir() -> Path:
    if not SWDA.exists():
        pytest.skip(f"shared SwDA corpus not found at {SWDA}")
    return SWDA
