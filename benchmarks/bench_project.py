"""Project store at scale: 1,000 interviews, 200,000 turns, 1,000,000 codings.

Each step is timed through the library (the CLI commands call the same functions):

* add: 1,000 transcript files (200 turns each, made from the thesis interviews) into a new project;
* code: keyword coding of all turns, stored as suggestions;
* the rest of the million codings: 480,000 model suggestions and people's codings;
* open the project and list one code's segments;
* review export of every suggestion, and import of the same sheet with a decision on each row;
* REFI-QDA .qdpx export and import (when qualcode.exchange.refi is there);
* the project file's size against the turns table written as CSV.

Run: ``python benchmarks/bench_project.py [--interviews 1000]``. Files go to benchmarks/_work/.
"""

from __future__ import annotations

import argparse
import random
import resource
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

from qualcode import read_transcript, schema  # noqa: E402
from qualcode.project import Project  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "project"
SAMPLE = ROOT / "data" / "transcripts" / "magnus_interviews.txt"
CODEBOOK = ROOT / "codebooks" / "crm_idic.yaml"
TURNS_PER_INTERVIEW = 200
TOTAL_CODINGS = 1_000_000
MODEL_SUGGESTIONS = 480_000


def timed(label: str, fn: Callable[[], Any], results: dict[str, float]) -> Any:
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"{label:<44} {results[label]:8.2f} s", flush=True)
    return value


def make_transcripts(folder: Path, n: int) -> None:
    """``n`` interview files of 200 turns, the thesis turns in a different order in each."""
    turns = read_transcript(SAMPLE)
    pairs = list(zip(turns[schema.SPEAKER].astype(str), turns[schema.TEXT], strict=True))
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for k in range(n):
        lines = []
        for j in range(TURNS_PER_INTERVIEW):
            speaker = "P" if j % 2 == 0 else "N1"
            text = rng.choice(pairs)[1]
            lines.append(f"{speaker}\t: {text} (wawancara {k}, giliran {j})")
        (folder / f"interview_{k:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_codings(project: Project, n: int, *, coders: list[str], seed: int) -> pd.DataFrame:
    """``n`` codings of distinct (turn, code, coder), spread over all turns."""
    turn_ids = project.turns()[schema.TURN_ID].to_numpy()
    codes = np.asarray(project.codebook().code_names)
    rng = np.random.default_rng(seed)
    slots = len(turn_ids) * len(codes) * len(coders)
    picked = rng.choice(slots, size=n, replace=False)
    turn = picked // (len(codes) * len(coders))
    code = (picked // len(coders)) % len(codes)
    coder = picked % len(coders)
    return pd.DataFrame(
        {
            schema.TURN_ID: turn_ids[turn],
            schema.CODE: codes[code],
            schema.CODER: np.asarray(coders)[coder],
            schema.SCORE: rng.uniform(0.5, 1.0, n).round(3),
            schema.EVIDENCE: "model terms: klien; hubungan",
        }
    )


def _export(project: Project, sheet: Path, table_of: Any, write: Any) -> pd.DataFrame:
    rows = table_of(project)
    write(rows, sheet)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=WORK, help="Scratch folder (emptied).")
    args = parser.parse_args()
    work = args.work
    scale = args.interviews / 1000
    if work.exists():
        shutil.rmtree(work)
    folder = work / "transcripts"
    make_transcripts(folder, args.interviews)
    path = work / "study.qualcode"
    results: dict[str, float] = {}
    project = Project.create(path, CODEBOOK, who="bench")

    added = timed(
        f"add {args.interviews:,} transcripts", lambda: project.add_transcripts([folder]), results
    )
    print(f"  {added.turns:,} turns")
    coded = timed(
        "code (keyword rules, as suggestions)", lambda: project.code(method="rules"), results
    )
    n_rules = coded["suggested"]
    model = synthetic_codings(project, int(MODEL_SUGGESTIONS * scale), coders=["model"], seed=1)
    timed(
        f"store {len(model):,} model suggestions", lambda: project.add_suggestions(model), results
    )
    people_n = int(TOTAL_CODINGS * scale) - n_rules - len(model)
    people = synthetic_codings(project, people_n, coders=["ana", "budi"], seed=2)
    timed(f"store {people_n:,} people's codings", lambda: project.add_codings(people), results)
    project.close()
    total = TOTAL_CODINGS * scale
    print(
        f"  {n_rules:,} rule suggestions + {len(model):,} model + {people_n:,} people "
        f"= {n_rules + len(model) + people_n:,} codings (target {total:,.0f})"
    )

    def open_and_list() -> int:
        with Project.open(path) as p:
            return len(p.segments("retain"))

    n_seg = timed("open project + list one code's segments", open_and_list, results)
    print(f"  {n_seg:,} segments of 'retain'")
    turns_csv = work / "turns.csv"
    with Project.open(path) as p:
        p.turns().to_csv(turns_csv, index=False)
    size, csv_size = path.stat().st_size, turns_csv.stat().st_size
    print(
        f"project file {size / 1e6:,.1f} MB with {total:,.0f} codings; turns as CSV "
        f"{csv_size / 1e6:,.1f} MB (ratio {size / csv_size:.2f}x)"
    )

    from qualcode.exchange.review import import_review_sheet, review_table, write_review_table
    from qualcode.exchange.xlsx import write_workbook

    project = Project.open(path)
    sheet = work / "review.xlsx"
    rows = timed(
        "review export (every suggestion)",
        lambda: _export(project, sheet, review_table, write_review_table),
        results,
    )
    decided = rows.assign(decision=np.where(np.arange(len(rows)) % 3 == 0, "reject", "accept"))
    edited = work / "review_done.xlsx"
    write_workbook({"review": decided}, edited)  # what a person's edited sheet holds
    print(f"  {len(rows):,} rows in the sheet")
    result = timed(
        "review import (a decision on every row)",
        lambda: import_review_sheet(edited, project, coder="ana"),
        results,
    )
    print(f"  {result['accepted']:,} accepted, {result['rejected']:,} rejected")

    try:
        from qualcode.exchange.refi import read_qdpx, write_qdpx  # noqa: F401
        from qualcode.exchange.refi.project import export_project_qdpx, import_project_qdpx
    except ImportError:
        print("REFI-QDA exchange not available here: .qdpx figures skipped")
    else:
        qdpx = work / "study.qdpx"
        timed(".qdpx export", lambda: export_project_qdpx(project, qdpx), results)
        target = work / "imported.qualcode"
        timed(
            ".qdpx import (into a new project)", lambda: import_project_qdpx(qdpx, target), results
        )

    project.close()
    size = path.stat().st_size
    print(f"project file after the review {size / 1e6:,.1f} MB (ratio {size / csv_size:.2f}x)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
