"""Write the two illustrative coding sheets of the sample, data/codings/coder_a.csv and coder_b.csv.

ILLUSTRATIVE DATA, NOT THE THESIS AUTHOR'S CODING. Both sheets are made with qualcode's own
tools from the keyword coder's suggestions on the participants' turns of
``data/transcripts/magnus_interviews.txt`` (codebook ``codebooks/crm_idic.yaml``):

* ``coder_a`` accepted every keyword suggestion as it was;
* ``coder_b`` reviewed the same suggestions with the stricter reading listed in ``RULES_B``
  (see data/codings/README.md), which gives the disagreements notebook 03 analyses.

Run it from the repository root (the output is the same every time)::

    python scripts/make_coding_sheets.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from qualcode import KeywordCoder, read_codebook, read_transcript, write_table
from qualcode.schema import CODE, CODER, EVIDENCE, PARTICIPANT, ROLE, SCORE, TURN_ID

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT = ROOT / "data" / "transcripts" / "magnus_interviews.txt"
CODEBOOK = ROOT / "codebooks" / "crm_idic.yaml"
OUT = ROOT / "data" / "codings"

#: how coder_b departs from the suggestions (the README repeats these in words)
RULES_B = (
    "interact: coded only when the turn has two or more interaction keywords "
    "(a passing mention of one meeting or chat is not coded)",
    "customize: not coded when the only evidence is a generic offer word "
    "(proposal, propose, provide, kita provide, preference)",
    "differentiate: not coded when the only evidence is 'tipe orang' "
    "(personality of a contact person, not the client's value or needs)",
    "retain: also coded wherever enhance is (growing an existing account keeps the client)",
    "acquire: not coded when the only evidence is 'sales'",
)
GENERIC_OFFER = {"proposal", "propose", "provide", "kita provide", "preference"}


def suggestions() -> pd.DataFrame:
    """The keyword coder's codings of the participants' turns, one row per (turn, code)."""
    turns = read_transcript(TRANSCRIPT)
    codebook = read_codebook(CODEBOOK)
    participant = turns.loc[turns[ROLE] == PARTICIPANT]
    return KeywordCoder(codebook).code(participant)


def _sheet(codings: pd.DataFrame, coder: str) -> pd.DataFrame:
    """A person's sheet: score 1, no evidence or spans (as a person's codings are stored)."""
    out = codings[[TURN_ID, CODE]].drop_duplicates().reset_index(drop=True)
    out[CODER] = coder
    out[SCORE] = 1.0
    out[EVIDENCE] = ""
    out["span_start"] = pd.NA
    out["span_end"] = pd.NA
    return out


def coder_b(rules: pd.DataFrame) -> pd.DataFrame:
    """Apply :data:`RULES_B` to the suggestions."""
    ev, code, score = rules[EVIDENCE].astype(str), rules[CODE], rules[SCORE]
    drop = (
        ((code == "interact") & (score <= 0.5))
        | ((code == "customize") & ev.isin(GENERIC_OFFER))
        | ((code == "differentiate") & (ev == "tipe orang"))
        | ((code == "acquire") & (ev == "sales"))
    )
    kept = rules.loc[~drop]
    enhance = rules.loc[code == "enhance", [TURN_ID]].assign(**{CODE: "retain"})
    both = pd.concat([kept[[TURN_ID, CODE]], enhance], ignore_index=True)
    order = {name: i for i, name in enumerate(read_codebook(CODEBOOK).code_names)}
    turn_order = {t: i for i, t in enumerate(dict.fromkeys(rules[TURN_ID]))}
    both = both.drop_duplicates().sort_values(
        [TURN_ID, CODE], key=lambda s: s.map(turn_order if s.name == TURN_ID else order)
    )
    return _sheet(both, "coder_b")


def main(out_dir: Path = OUT) -> tuple[Path, Path]:
    """Write both sheets into ``out_dir``; return their paths."""
    rules = suggestions()
    a = write_table(_sheet(rules, "coder_a"), out_dir / "coder_a.csv")
    b = write_table(coder_b(rules), out_dir / "coder_b.csv")
    return a, b


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print("wrote", path)
