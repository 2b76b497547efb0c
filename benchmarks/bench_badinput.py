"""The costs of refusing bad input well: the one workbook reader, the empty-batch check, the CLI.

* reading a 100,000-row codings workbook: :func:`qualcode.tables.read_table` (python-calamine,
  the one reader of every .xlsx) against ``pd.read_excel(engine="openpyxl")`` (what tables used
  before), and a damaged workbook refused;
* a project with about 300,000 codings: a batch that changes nothing (a review sheet imported again)
  and one that changes a little, both through the check that leaves empty batches out of the log;
* an in-process ``qualcode`` call that fails on bad input, and typer building the command tree
  (what each call paid before ``main`` kept it).

Run: ``python benchmarks/bench_badinput.py``. Files go to benchmarks/_work/badinput/.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode import schema  # noqa: E402
from qualcode.project import Project  # noqa: E402
from qualcode.tables import read_table, write_table  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "badinput"
SAMPLE = ROOT / "data" / "transcripts" / "magnus_interviews.txt"
CODEBOOK = ROOT / "codebooks" / "crm_idic.yaml"


def timed(label: str, fn: Callable[[], Any], repeat: int = 1) -> Any:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<62} {best:8.3f} s")
    return result


def workbook() -> None:
    n = 100_000
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            schema.TURN_ID: [f"iv{i // 200:04d}-{i % 200:04d}" for i in range(n)],
            schema.CODE: rng.choice(["acquire", "enhance", "retain", "interact"], n),
            schema.CODER: rng.choice(["ana", "budi"], n),
            schema.SCORE: rng.random(n).round(3),
            schema.EVIDENCE: rng.choice(["klien", "customer loyalty", ""], n),
        }
    )
    path = write_table(table, WORK / "codings.xlsx")
    print(f"codings workbook: {n:,} rows, {path.stat().st_size / 1e6:.1f} MB")
    ours = timed("read_table (calamine, the one reader)", lambda: read_table(path), repeat=2)
    old = timed(
        "pd.read_excel(engine='openpyxl', dtype=str) (before)",
        lambda: pd.read_excel(path, dtype=str, engine="openpyxl"),
    )
    pd.testing.assert_frame_equal(ours, old)
    print("  the same table either way")
    damaged = WORK / "damaged.xlsx"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    def refuse() -> None:
        with contextlib.suppress(ValueError):
            read_table(damaged)

    timed("a truncated copy refused", refuse, repeat=3)


def batches() -> None:
    from qualcode.exchange.review import import_review_sheet, review_table, write_review_table

    path = WORK / "big.qualcode"
    for leftover in WORK.glob("big.qualcode*"):
        leftover.unlink()
    project = Project.create(path, CODEBOOK)
    folder = WORK / "transcripts"
    folder.mkdir(exist_ok=True)
    files = []
    for k in range(250):  # 43,250 turns
        f = folder / f"iv{k:03d}.txt"
        shutil.copy(SAMPLE, f)
        files.append(f)
    project.add_transcripts(files)
    turns = project.turns()
    codes = list(project.codebook().code_names)
    rng = np.random.default_rng(1)
    n = 1_500_000  # about 300,000 distinct (turn, code) pairs
    picks = rng.integers(0, len(turns), n)
    machine = pd.DataFrame(
        {
            schema.TURN_ID: turns[schema.TURN_ID].to_numpy()[picks],
            schema.CODE: rng.choice(codes, n),
            schema.CODER: "model",
            schema.SCORE: rng.random(n),
        }
    ).drop_duplicates([schema.TURN_ID, schema.CODE])
    timed(
        f"store {len(machine):,} suggestions (one batch)", lambda: project.add_suggestions(machine)
    )
    table = review_table(project).head(2_000)
    table["decision"] = "accept"
    sheet = write_review_table(table, WORK / "review.xlsx")
    timed(
        "review import of 2,000 decisions (a batch)",
        lambda: import_review_sheet(sheet, project, coder="ana"),
    )
    before = len(project.log())
    timed(
        "the same sheet again: nothing changed, no batch logged",
        lambda: import_review_sheet(sheet, project, coder="ana"),
        repeat=3,
    )
    assert len(project.log()) == before

    def empty() -> None:
        with project.batch("nothing"):
            pass

    timed("an empty Project.batch()", empty, repeat=5)
    timed(
        "rename a code (a small batch, checked as not empty)",
        lambda: project.rename_code("retain", "keep"),
    )
    print(f"project: {project.status()['turns']:,} turns, file {path.stat().st_size / 1e6:.1f} MB")
    project.close()


def cli() -> None:
    import typer.main

    from qualcode.cli import app, main

    missing = str(WORK / "missing.qualcode")
    with contextlib.redirect_stderr(io.StringIO()):
        main(["status", missing])  # imports
        timed(
            "qualcode status MISSING in-process (Error: line, exit 1)",
            lambda: main(["status", missing]),
            repeat=20,
        )
    timed(
        "typer building the command tree (each call paid it before)",
        lambda: typer.main.get_command(app),
        repeat=5,
    )


if __name__ == "__main__":
    WORK.mkdir(parents=True, exist_ok=True)
    workbook()
    batches()
    cli()
