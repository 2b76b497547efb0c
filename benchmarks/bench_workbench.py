"""The workbench at scale: pages and actions on 1,000 interviews, 200,000 turns, 1,000,000 codings.

The project is the one of benchmarks/bench_project.py (its builder functions), plus one
interview of 2,000 turns; it is built once and kept in benchmarks/_work/workbench/ (delete the
folder to rebuild). Then, against a real server on 127.0.0.1 (uvicorn, as ``qualcode serve``):

* ready: ``qualcode serve`` started as a command until its first page answered;
* each page: an interview of 200 turns, the review queue, a code's segments (a late page), the
  codebook, the interviews list, the overview; the first and the last page of the 2,000-turn
  interview;
* actions: accept a suggestion and show the next one; code a span;
* search over all 200,000 turns (the server builds the index in the background 2 s after it
  starts; the time of that build is printed apart).

Each figure is the median of a few requests over HTTP on loopback (the server's time plus a
fraction of a millisecond). Run: ``python benchmarks/bench_workbench.py``.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pandas as pd

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
from qualcode.project import Project  # noqa: E402
from qualcode.web.security import csrf_token  # noqa: E402
from qualcode.web.server import Workbench, make_server  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "workbench"
LONG = "long interview"
LONG_TURNS = 2000


def build(work: Path) -> Path:
    """The bench project (built once; kept between runs)."""
    path = work / "study.qualcode"
    if path.exists():
        return path
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "transcripts"
    if not folder.exists():
        make_transcripts(folder, 1000)
    tmp = work / "building.qualcode"
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Project.create(tmp, CODEBOOK, who="bench") as p:
        p.add_transcripts([folder])
        n_rules = p.code(method="rules")["suggested"]
        p.add_suggestions(synthetic_codings(p, MODEL_SUGGESTIONS, coders=["model"], seed=1))
        people = TOTAL_CODINGS - n_rules - MODEL_SUGGESTIONS
        p.add_codings(synthetic_codings(p, people, coders=["ana", "budi"], seed=2))
        texts = p.turns()[schema.TEXT].head(LONG_TURNS).tolist()
        p.add_turns(
            pd.DataFrame(
                {
                    schema.TURN_ID: [f"long-{i:04d}" for i in range(LONG_TURNS)],
                    schema.INTERVIEW: LONG,
                    schema.POSITION: range(1, LONG_TURNS + 1),
                    schema.SPEAKER: ["P" if i % 2 == 0 else "N1" for i in range(LONG_TURNS)],
                    schema.ROLE: [
                        schema.INTERVIEWER if i % 2 == 0 else schema.PARTICIPANT
                        for i in range(LONG_TURNS)
                    ],
                    schema.TEXT: texts,
                    schema.SOURCE: "long.txt",
                }
            )
        )
    tmp.rename(path)
    print(f"built the project in {time.perf_counter() - t0:,.0f} s", flush=True)
    return path


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """The median wall time of ``fn()`` in ms, and its last value."""
    times = []
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), value


def ready_time(path: Path) -> float:
    """Seconds from starting ``qualcode serve`` to its first page answered."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "serve", str(path), "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        url = None
        while url is None:
            found = re.search(r"http://\S+", proc.stdout.readline())
            url = found.group(0) if found else None
        with httpx.Client(follow_redirects=True, timeout=60) as web:
            assert web.get(url).status_code == 200
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    path = build(WORK)
    size = path.stat().st_size / 1e6
    with Project.open(path) as p:
        names = p.interview_names()
        first = names[0]
        print(f"project: {len(names):,} interviews, {size:,.0f} MB", flush=True)
        pending = p.count_pending()
        last_batch = p.state()
    print(f"  {pending:,} open suggestions")
    print(f"{'qualcode serve ready (command start to first page)':<58} {ready_time(path):7.2f} s")
    start = time.perf_counter()
    bench = Workbench(make_server(path, coder="ana"))
    with httpx.Client(follow_redirects=True, timeout=60) as web:
        assert web.get(bench.served.url()).status_code == 200
    ready = time.perf_counter() - start
    print(f"{'server ready in this process (start to first page)':<58} {ready:7.2f} s")
    base = bench.served.url().split("/?")[0]
    hx = {"hx-request": "true"}
    csrf = csrf_token(bench.served.token)
    figures: list[tuple[str, float]] = []
    try:
        with httpx.Client(follow_redirects=True, timeout=120) as web:
            web.get(bench.served.url())

            def page(url: str) -> Callable[[], httpx.Response]:
                def get() -> httpx.Response:
                    r = web.get(base + url)
                    assert r.status_code == 200, (url, r.status_code, r.text[:300])
                    return r

                return get

            def measure(label: str, fn: Callable[[], Any], repeat: int = 5) -> Any:
                ms, value = timed(fn, repeat)
                figures.append((label, ms))
                print(f"{label:<58} {ms:8.1f} ms", flush=True)
                return value

            q = httpx.QueryParams
            measure("interview of 200 turns", page(f"/interview?{q(name=first)}"))
            measure("2,000-turn interview, page 1 (200 turns)", page(f"/interview?{q(name=LONG)}"))
            measure("2,000-turn interview, page 10", page(f"/interview?{q(name=LONG, page=10)}"))
            measure("review queue (first open suggestion)", page("/review"))
            measure(
                "review queue, filtered (code, score, interview)",
                page(f"/review?{q(code='retain', min='0.6', interview=first)}"),
            )
            measure("a code's segments, page 1", page("/codebook/code?name=retain"))
            measure("a code's segments, page 2,000", page("/codebook/code?name=retain&page=2000"))
            measure("codebook (counts of 1,000,000 codings; first)", page("/codebook"), 1)
            measure("codebook (same project state: cached)", page("/codebook"))
            measure("interviews list (1,001 interviews)", page("/"), 1)
            measure("overview (log, undo)", page("/overview"))
            measure("overview chart, themes (first: drawn)", page("/charts/themes.svg"), 1)
            measure("overview chart, themes (same state: cached)", page("/charts/themes.svg"))

            def accept() -> httpx.Response:
                r = web.get(base + "/review")
                sid = re.search(r'data-suggestion="(\d+)"', r.text)
                assert sid is not None
                start = time.perf_counter()
                done = web.post(
                    base + "/review/decide",
                    data={"csrf": csrf, "suggestion_id": sid.group(1), "decision": "accept"},
                    headers=hx,
                )
                accept.ms.append((time.perf_counter() - start) * 1000)  # type: ignore[attr-defined]
                assert done.status_code == 200 and "Accepted" in done.text, done.text[:300]
                return done

            accept.ms = []  # type: ignore[attr-defined]
            for _ in range(5):
                accept()
            ms = statistics.median(accept.ms)  # type: ignore[attr-defined]
            figures.append(("accept a suggestion and show the next", ms))
            print(f"{'accept a suggestion and show the next':<58} {ms:8.1f} ms", flush=True)

            turns = iter(range(5))

            def code_span() -> httpx.Response:
                k = next(turns)
                r = web.post(
                    base + "/code",
                    data={
                        "csrf": csrf,
                        "turn_id": f"long-{2 * k + 1:04d}",
                        "code": "enhance",
                        "span_start": "0",
                        "span_end": "4",
                    },
                    headers=hx,
                )
                assert r.status_code == 200 and "Coded enhance" in r.text, r.text[:300]
                return r

            measure("code a span (and show the turn again)", code_span)
            measure(
                "search 'klien' over all turns (the first search)",
                page("/search?q=klien"),
                1,
            )
            measure("search 'klien' over all turns (index built)", page("/search?q=klien"))
            measure(
                "search '=mempertahankan | loyal' (index built)",
                page(f"/search?{q(q='=mempertahankan | loyal')}"),
            )
    finally:
        bench.stop()
        with Project.open(path) as p:  # leave the cached project as it was
            log = p.log()
            for _ in range(int((log["batch"] > last_batch).sum())):
                p.undo(who="bench")
    from qualcode.searchindex import SearchIndex

    with Project.open(path) as p:
        start = time.perf_counter()
        SearchIndex(p.turns(), lang=["id", "en"])
    took = time.perf_counter() - start
    print(f"{'search index of all turns (built in the background at start)':<58} {took:7.2f} s")
    print("limits: ready < 2 s; pages < 300 ms; accept+next and code a span < 100 ms; search < 1 s")


if __name__ == "__main__":
    main()
