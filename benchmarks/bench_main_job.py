"""Time the README's main job: code the bundled sample and write the report, charts and appendix.

Runs, in a fresh ``python -m qualcode`` process each time (as a user would)::

    qualcode code data/transcripts/magnus_interviews.txt --codebook codebooks/crm_idic.yaml \\
        --cases data/cases.csv --pseudonyms data/pseudonyms.csv --out OUT --report

(``--pseudonyms`` only where the checkout has ``data/pseudonyms.csv``, so that an older
checkout given to ``--compare`` runs its own main job)

and prints the wall time and CPU seconds (the process and its children: the chart process) of
every run, then the median and the best. The host's speed varies from minute to minute, so to
compare two versions give the other checkout with ``--compare DIR``: the runs alternate between
them, and each median is taken over the same minutes. Target: under 4 s.

Usage::

    python benchmarks/bench_main_job.py [--runs 7] [--compare OTHER_CHECKOUT ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOB = [
    "code",
    "data/transcripts/magnus_interviews.txt",
    "--codebook",
    "codebooks/crm_idic.yaml",
    "--cases",
    "data/cases.csv",
    "--report",
]
PSEUDONYMS = "data/pseudonyms.csv"


def run_once(checkout: Path, out: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one run of the main job from ``checkout``, writing to ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), MPLBACKEND="Agg")
    before = os.times()
    start = time.perf_counter()
    names = ["--pseudonyms", PSEUDONYMS] if (checkout / PSEUDONYMS).exists() else []
    subprocess.run(
        [sys.executable, "-m", "qualcode", *JOB, *names, "--out", str(out)],
        cwd=checkout,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, nargs="*", default=[])
    args = parser.parse_args(argv)
    checkouts = [ROOT, *[p.resolve() for p in args.compare]]
    times: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        for c in checkouts:  # once each first: page cache, matplotlib's font cache
            run_once(c, Path(tmp) / "out")
        for i in range(args.runs):
            for c in checkouts:
                wall, cpu = run_once(c, Path(tmp) / "out")
                times[c].append((wall, cpu))
                print(f"run {i + 1} {c.name:>12}: {wall:5.2f} s wall, {cpu:5.2f} s CPU", flush=True)
    for c, runs in times.items():
        walls = [w for w, _ in runs]
        cpus = [u for _, u in runs]
        print(
            f"{c}: median {statistics.median(walls):.2f} s wall (best {min(walls):.2f}), "
            f"median {statistics.median(cpus):.2f} s CPU; load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
