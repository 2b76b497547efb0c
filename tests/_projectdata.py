"""A coded project of the thesis sample, made once per test session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from qualcode import schema
from qualcode.project import Project
from tests.conftest import CODEBOOK, SAMPLE_TXT

_TEMPLATE: dict[str, Path] = {}


def template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A project with the sample transcripts added and keyword-coded (suggestions only)."""
    if "coded" not in _TEMPLATE:
        folder = tmp_path_factory.mktemp("project-template")
        transcript = folder / SAMPLE_TXT.name
        shutil.copy(SAMPLE_TXT, transcript)
        path = folder / "template.qualcode"
        with Project.create(path, CODEBOOK, who="setup") as p:
            p.add_transcripts([transcript], who="setup")
            p.code(method="rules", who="setup")
        _TEMPLATE["coded"] = path
        _TEMPLATE["transcript"] = transcript
    return _TEMPLATE["coded"]


def copy_project(tmp_path: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A fresh copy of the template project (and its transcript file) in ``tmp_path``."""
    src = template(tmp_path_factory)
    dst = tmp_path / "study.qualcode"
    shutil.copy(src, dst)
    shutil.copy(_TEMPLATE["transcript"], tmp_path / SAMPLE_TXT.name)
    return dst


def people_codings(project: Project, coder: str = "ana", n: int = 12) -> pd.DataFrame:
    """A person's codings of ``n`` participant turns (codes chosen from the codebook)."""
    turns = project.turns()
    answers = turns[turns[schema.ROLE] == schema.PARTICIPANT].head(n)
    codes = list(project.codebook().code_names)
    return pd.DataFrame(
        {
            schema.TURN_ID: answers[schema.TURN_ID].to_numpy(),
            schema.CODE: [codes[k % len(codes)] for k in range(len(answers))],
            schema.CODER: coder,
        }
    )


def snapshot(project: Project) -> dict[str, pd.DataFrame]:
    """Everything a person decided or coded, in a comparable form."""
    people = project.codings(people=True).sort_values([schema.TURN_ID, schema.CODE])
    decisions = project.decisions().drop(columns=["decision_id", "batch"])
    return {
        "people": people.reset_index(drop=True),
        "decisions": decisions.sort_values(["suggestion_id", schema.CODER]).reset_index(drop=True)[
            [schema.TURN_ID, schema.CODE, schema.CODER, "decision"]
        ],
    }


def state(project: Project) -> dict[str, object]:
    """The whole visible state of a project (for undo tests)."""
    codings = project.codings(details=True).drop(columns=["coding_id"])
    return {
        "turns": project.turns(),
        "codings": codings.sort_values(list(codings.columns[:4])).reset_index(drop=True),
        "decisions": snapshot(project)["decisions"],
        "codebook": project.codebook(),
        "cases": project.cases(),
        "memos": project.memos().drop(columns=["memo_id", "at"]),
    }


def assert_same_state(a: dict[str, object], b: dict[str, object]) -> None:
    """Assert two :func:`state` results are equal."""
    assert a.keys() == b.keys()
    for key in a:
        left, right = a[key], b[key]
        if isinstance(left, pd.DataFrame):
            assert isinstance(right, pd.DataFrame)
            pd.testing.assert_frame_equal(left, right, check_dtype=False)
        else:
            assert left == right, key
