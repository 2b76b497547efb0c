"""Search and word frequencies at scale: 1,000 interviews, 200,000 turns.

The turns are made as benchmarks/bench_project.py makes its transcripts (the thesis turns in a
different order in each interview, each tagged with its interview and turn number), but built
as a turns table in memory, without a project. Timed through the library:

* building a ``SearchIndex`` (tokenising every turn once);
* queries on the index: a rare Indonesian word, a common English word, an exact form, a phrase,
  alternatives, a word that needs the query as a root ("handle" finds "dihandle"), a filter;
  the common word again at once (its result is kept: paging through hits, then coding them);
* ``qc.search`` twice on the same table (the first builds and keeps the index, the second checks
  that the table did not change and reuses it);
* ``qc.word_frequencies`` per interview, per role, and of lemmas.

Run: ``python benchmarks/bench_search.py [--interviews 1000]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qualcode as qc  # noqa: E402
from qualcode import schema  # noqa: E402

SAMPLE = ROOT / "data" / "transcripts" / "magnus_interviews.txt"
TURNS_PER_INTERVIEW = 200
QUERIES = [
    ("klien (lemma)", "klien", {}),
    ("client (lemma, common)", "client", {}),
    ("client again (result kept)", "client", {}),
    ("pertahankan (affixes)", "pertahankan", {}),
    ("=klien (exact form)", "=klien", {}),
    ("handle (query as root)", "handle", {}),
    ('"account executive" (phrase)', "account executive", {}),
    ("trust | percaya (alternatives)", "trust | percaya", {}),
    ("client, participants only", "client", {"role": "participant"}),
]


def timed(label: str, fn: Callable[[], Any], results: dict[str, float]) -> Any:
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    size = f"{len(value):>9,} rows" if hasattr(value, "__len__") else ""
    print(f"{label:<44} {results[label]:8.3f} s  {size}", flush=True)
    return value


def make_turns(n_interviews: int) -> pd.DataFrame:
    """``n_interviews`` interviews of 200 turns, the thesis turns in a different order in each."""
    sample = qc.read_transcript(SAMPLE)
    texts = sample[schema.TEXT].tolist()
    rng = random.Random(7)
    rows = []
    for k in range(n_interviews):
        for j in range(TURNS_PER_INTERVIEW):
            speaker = "P" if j % 2 == 0 else "N1"
            rows.append(
                (
                    f"interview-{k:04d}-{j + 1:04d}",
                    f"interview_{k:04d}",
                    j + 1,
                    speaker,
                    schema.INTERVIEWER if speaker == "P" else schema.PARTICIPANT,
                    f"{rng.choice(texts)} (wawancara {k}, giliran {j})",
                )
            )
    cols = [schema.TURN_ID, schema.INTERVIEW, schema.POSITION, schema.SPEAKER, schema.ROLE]
    return schema.normalize_turns(pd.DataFrame(rows, columns=[*cols, schema.TEXT]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=1000)
    args = parser.parse_args()
    results: dict[str, float] = {}
    turns = make_turns(args.interviews)
    chars = int(turns[schema.TEXT].str.len().sum())
    print(f"{len(turns):,} turns, {chars / 1e6:.1f} million characters\n")
    index = timed("SearchIndex(turns) build", lambda: qc.SearchIndex(turns), results)
    print(f"  {index!r}")
    for label, query, filters in QUERIES:
        timed(f"query {label}", lambda q=query, f=filters: index.search(q, **f), results)
    timed("qc.search(turns, 'klien'), first call", lambda: qc.search(turns, "klien"), results)
    timed("qc.search(turns, 'klien'), again", lambda: qc.search(turns, "klien"), results)
    timed("qc.search(turns, 'kerja'), index kept", lambda: qc.search(turns, "kerja"), results)
    timed(
        "word_frequencies by interview",
        lambda: qc.word_frequencies(turns, by="interview"),
        results,
    )
    timed("word_frequencies by role", lambda: qc.word_frequencies(turns, by="role"), results)
    timed(
        "word_frequencies, lemmas, all turns",
        lambda: qc.word_frequencies(turns, by=None, lemmas=True),
        results,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:,.0f} MB")
    slowest = max(v for k, v in results.items() if k.startswith("query"))
    print(f"slowest query on the index: {slowest:.3f} s (target: under 1 s)")


if __name__ == "__main__":
    main()
