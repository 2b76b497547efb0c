"""Write the illustrative hand-coding sheet of notebook 02, data/codings/teach_ana.csv.

ILLUSTRATIVE DATA, NOT THE THESIS AUTHOR'S CODING. "Ana" is a made-up researcher who starts
teaching the classifier by coding one interview by hand: the participant turns of
``magnus_interviews/Narasumber 1`` (Juliana's interview). Her reading of the codebook is the
one written down for ``coder_b`` in ``scripts/make_coding_sheets.py`` (``RULES_B``: the keyword
suggestions read more strictly), so the sheet is ``coder_b.csv`` restricted to that interview,
with the coder renamed ``ana``. Notebook 02 takes Ana's later decisions from the same reading
(``coder_b.csv``), as a reproducible stand-in for a person reading the turns.

A turn of that interview with no row here is one Ana read and gave no code: qualcode counts
every turn of an interview with any coding as coded (``seen="interview"``).

Run it from the repository root (the output is the same every time)::

    python scripts/make_teach_sheet.py [OUT_DIR]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd

from qualcode import read_transcript, write_table
from qualcode.schema import CODER, INTERVIEW, TURN_ID

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "codings"
#: the interview Ana codes by hand first
INTERVIEW_CODED = "magnus_interviews/Narasumber 1"
CODER_NAME = "ana"


def _coding_sheets() -> ModuleType:
    """The sibling script that holds coder_b's reading."""
    path = Path(__file__).resolve().parent / "make_coding_sheets.py"
    spec = importlib.util.spec_from_file_location("make_coding_sheets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def teach_sheet() -> pd.DataFrame:
    """Ana's codings of the participant turns of :data:`INTERVIEW_CODED`."""
    sheets = _coding_sheets()
    reading = sheets.coder_b(sheets.suggestions())
    turns = read_transcript(sheets.TRANSCRIPT)
    wanted = set(turns.loc[turns[INTERVIEW].astype(str) == INTERVIEW_CODED, TURN_ID])
    sheet = reading.loc[reading[TURN_ID].isin(wanted)].reset_index(drop=True)
    sheet[CODER] = CODER_NAME
    return sheet


def main(out_dir: Path = OUT) -> Path:
    """Write the sheet into ``out_dir``; return its path."""
    return write_table(teach_sheet(), out_dir / "teach_ana.csv")


if __name__ == "__main__":
    print("wrote", main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
