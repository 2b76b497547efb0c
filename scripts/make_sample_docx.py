"""Write data/transcripts/magnus_interviews.docx from the .txt, laid out as the thesis's Word file.

The thesis appendix was a Word document: a title, then per interview a heading paragraph and a
three-column table (speaker | ":" | text), one row per turn. This script reads the text version
with qualcode's reader and writes that layout with python-docx, so the Word reader has a
real-shaped sample. Run it from the repository root::

    python scripts/make_sample_docx.py [SOURCE.txt] [TARGET.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.shared import Cm, Pt

from qualcode import read_transcript
from qualcode.schema import INTERVIEW, SPEAKER, TEXT

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "transcripts" / "magnus_interviews.txt"
TARGET = ROOT / "data" / "transcripts" / "magnus_interviews.docx"
TITLE = "Transkrip Wawancara"


def _bold_paragraph(document: docx.document.Document, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.bold = True
    run.font.size = Pt(12)


def make_sample_docx(source: Path = SOURCE, target: Path = TARGET) -> Path:
    """Read ``source`` and write the Word layout to ``target``; return ``target``."""
    turns = read_transcript(source)
    document = docx.Document()
    document.core_properties.title = TITLE
    _bold_paragraph(document, TITLE)
    for interview, group in turns.groupby(INTERVIEW, sort=False):
        heading = str(interview).split("/", 1)[1]
        # a stacked heading ("Wawancara tambahan (22 Mei 2023) - Narasumber 1") was two lines
        parts = heading.split(" - ")
        for k, part in enumerate(parts):
            _bold_paragraph(document, part + (":" if k < len(parts) - 1 else ""))
        table = document.add_table(rows=0, cols=3)
        table.style = "Table Grid"
        for speaker, text in zip(group[SPEAKER], group[TEXT], strict=True):
            cells = table.add_row().cells
            cells[0].text = str(speaker)
            cells[1].text = ":"
            cells[2].text = str(text)
        for row in table.rows:
            row.cells[0].width = Cm(1.5)
            row.cells[1].width = Cm(0.6)
            row.cells[2].width = Cm(13.5)
        document.add_paragraph()
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    path = make_sample_docx(*args)
    print(f"wrote {path}")
