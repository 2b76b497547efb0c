"""Adding transcripts to a project: a turns table keeps its turns and ids; nothing empty is stored.

``qualcode parse`` writes a turns table, and ``parse``/``code`` read one back; ``add`` does too:
the table's turns are the transcript's, with the table's turn ids (so a codings table made on
them fits), and a file with no turns is refused instead of stored empty.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import qualcode as qc
from qualcode.cli import main
from qualcode.errors import ProjectError
from tests.conftest import CODEBOOK, SAMPLE_TXT


@pytest.fixture
def turns_csv(tmp_path: Path) -> Path:
    out = tmp_path / "turns.csv"
    assert main(["parse", str(SAMPLE_TXT), "--out", str(out)]) == 0
    return out


def test_add_turns_table_keeps_its_turns_and_ids(
    turns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = pd.read_csv(turns_csv)
    codings = qc.KeywordCoder(qc.read_codebook(CODEBOOK)).code(qc.read_transcript(SAMPLE_TXT))
    codings["coder"] = "ana"
    codings_csv = tmp_path / "codings.csv"
    codings.to_csv(codings_csv, index=False)
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project), "--codebook", str(CODEBOOK)]) == 0
    args = ["add", str(project), str(turns_csv), "--codings", str(codings_csv)]
    assert main(args) == 0
    assert f"{len(table)} turns stored" in capsys.readouterr().out
    p = qc.Project.open(project)
    turns = p.turns()
    assert turns["turn_id"].tolist() == table["turn_id"].tolist()
    assert turns["text"].tolist() == table["text"].tolist()
    assert set(turns["source"].astype(str)) == {"turns.csv"}
    assert len(p.codings(people=True)) == len(codings)
    p.close()
    assert main(["add", str(project), str(turns_csv)]) == 0  # unchanged: nothing new
    assert len(qc.Project.open(project).turns()) == len(table)


def test_add_turns_table_next_to_its_transcript_is_refused_by_id(
    turns_csv: Path, tmp_path: Path
) -> None:
    p = qc.Project.create(tmp_path / "p.qualcode", CODEBOOK)
    p.add_transcripts([SAMPLE_TXT])
    with pytest.raises(ProjectError, match=r"turn id 'magnus-interviews-narasumber-1-0001'"):
        p.add_transcripts([turns_csv])
    assert p.status()["transcripts"] == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", ""),
        ("blank.txt", "\n\n   \n"),
        (
            "header.csv",
            "turn_id,interview,position,speaker,role,text,start,end,source,line\n",
        ),
    ],
)
def test_add_refuses_a_file_without_turns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str
) -> None:
    project = tmp_path / "p.qualcode"
    qc.Project.create(project, CODEBOOK).close()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["add", str(project), str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {path}") or err.startswith(f"Error: {name}")
    p = qc.Project.open(project)
    assert p.status()["transcripts"] == 0
    assert p.log()["action"].tolist() == ["init"]
