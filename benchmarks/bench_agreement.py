"""Agreement between two coders over the 1,000-interview / 1,000,000-coding project.

Builds the project of bench_project.py (1,000 transcripts of 200 turns, keyword suggestions, model
suggestions, and two people's codings to a million codings in all; a third of the people's
codings carry spans), then times through the library (the CLI calls the same functions):

* ``Project.agreement()``: kappa and alpha per code, the turn as the unit;
* ``Project.agreement(unit="character")``: the same over every character of the compared turns;
* ``Project.disagreements()``: the list of cells the two coders disagree on (and the cells
  whose characters they coded differently);
* ``Project.adjudication_table()`` and the adjudication sheet (.xlsx).

Run: ``python benchmarks/bench_agreement.py [--interviews 1000] [--reuse]``. Files go to
benchmarks/_work/. The two coders' codings are drawn at random, so the figures sit near 0: the
timings are the point.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_project import (  # noqa: E402
    CODEBOOK,
    MODEL_SUGGESTIONS,
    TOTAL_CODINGS,
    make_transcripts,
    synthetic_codings,
)

from qualcode import schema  # noqa: E402
from qualcode.errors import UndefinedStatisticWarning  # noqa: E402
from qualcode.project import Project  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "agreement"


def timed(label: str, fn: Callable[[], Any], results: dict[str, float]) -> Any:
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"{label:<52} {results[label]:8.2f} s", flush=True)
    return value


def build(work: Path, interviews: int) -> Path:
    """The benchmark project: suggestions and two people's codings, a million in all."""
    scale = interviews / 1000
    folder = work / "transcripts"
    make_transcripts(folder, interviews)
    path = work / "study.qualcode"
    with Project.create(path, CODEBOOK, who="bench") as project:
        project.add_transcripts([folder])
        n_rules = project.code(method="rules")["suggested"]
        model = synthetic_codings(project, int(MODEL_SUGGESTIONS * scale), coders=["model"], seed=1)
        project.add_suggestions(model)
        people_n = int(TOTAL_CODINGS * scale) - n_rules - len(model)
        people = synthetic_codings(project, people_n, coders=["ana", "budi"], seed=2)
        # a third of them mark a stretch of the turn (span-coded work), the rest whole turns
        texts = project.turns().set_index(schema.TURN_ID)[schema.TEXT].str.len()
        length = people[schema.TURN_ID].map(texts).to_numpy()
        rng = np.random.default_rng(3)
        spans = np.arange(len(people)) % 3 == 0
        start = (rng.random(len(people)) * length * 0.5).astype(int)
        end = np.minimum(length, start + 20 + (rng.random(len(people)) * length * 0.5).astype(int))
        people[schema.SPAN_START] = np.where(spans, start, np.nan)
        people[schema.SPAN_END] = np.where(spans, end, np.nan)
        project.add_codings(people)
        print(
            f"built: {len(project.turns()):,} turns, {n_rules:,} rule + {len(model):,} model "
            f"suggestions + {people_n:,} people's codings "
            f"= {n_rules + len(model) + people_n:,} codings",
            flush=True,
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=WORK, help="Scratch folder (emptied).")
    parser.add_argument(
        "--reuse", action="store_true", help="Time the project an earlier run built there."
    )
    args = parser.parse_args()
    work = args.work
    path = work / "study.qualcode"
    if not (args.reuse and path.exists()):
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        path = build(work, args.interviews)
    results: dict[str, float] = {}
    warnings.simplefilter("ignore", UndefinedStatisticWarning)
    with Project.open(path) as project:
        table = timed(
            "agreement, turn unit (open + read + kappa/alpha)", project.agreement, results
        )
        print(table.round(3).to_string(index=False))
        chars = timed(
            "agreement, character unit",
            lambda: project.agreement(unit="character"),
            results,
        )
        print(chars.round(3).to_string(index=False))
        diff = timed("disagreement list", project.disagreements, results)
        print(f"  {len(diff):,} disagreements")
        from qualcode.project.team import team_codings
        from qualcode.span_agreement import character_disagreements

        both = team_codings(project)
        turns, book = project.turns(), project.codebook()
        chars = timed(
            "disagreement list, character unit",
            lambda: character_disagreements(
                both, turns=turns, codebook=book, coders=["ana", "budi"], seen="interview"
            ),
            results,
        )
        print(f"  {len(chars):,} (turn, code) cells coded differently")
        adj = timed(
            "adjudication table",
            lambda: project.adjudication_table(coders=["ana", "budi"]),
            results,
        )
        from qualcode.exchange.adjudication import write_adjudication_table

        timed(
            f"adjudication sheet ({len(adj):,} rows, .xlsx)",
            lambda: write_adjudication_table(adj, work / "adjudication.xlsx", project=project),
            results,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
