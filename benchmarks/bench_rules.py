"""Keyword coding throughput on the SwDA corpus (about 200,000 turns) and on 1,000,000 turns.

Builds the turns table straight from the SwDA text files (lines ``speaker|utterance|tag``),
normalised as the transcript readers emit it, a generated codebook of 60 codes and 600 English
keywords (single words and two-word phrases drawn from the corpus vocabulary), and times
``KeywordCoder.code`` (turns validation, tokenisation, lemma lookup, matching and the codings
table) with a fresh coder (empty vocabulary cache) on one core: the coder is single-threaded
Python and numpy (no multiprocessing), Arrow's thread pool is set to one thread, and ``--pin``
also pins the process to one CPU. Prints words per second by wall clock and by CPU time (CPU
time never exceeds wall time on one thread; wall time is longer when the machine is busy) and
peak RSS.
``--patterns`` adds three regular expressions to the codebook to show what patterns cost.

Usage: python benchmarks/bench_rules.py [SWDA_DIR] [--million-only|--no-million] [--patterns]
       [--pin]
"""

from __future__ import annotations

import itertools
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa

from qualcode import schema
from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.rules import KeywordCoder

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SWDA = ROOT.parent / "shared" / "datasets" / "swda" / "swda_data"
N_CODES = 60
KEYWORDS_PER_CODE = 10
WORD = re.compile(r"\w+(?:-\w+)*")


def load_swda(folder: Path) -> pd.DataFrame:
    rows = []
    for split in ("train", "val", "test"):
        for path in sorted((folder / split).glob("*.txt")):
            for pos, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                parts = line.split("|")
                if len(parts) < 2:
                    continue
                rows.append((f"{path.stem}:{pos}", path.stem, pos, parts[0], parts[1]))
    df = pd.DataFrame(
        rows,
        columns=[schema.TURN_ID, schema.INTERVIEW, schema.POSITION, schema.SPEAKER, schema.TEXT],
    )
    df[schema.ROLE] = schema.PARTICIPANT
    return schema.normalize_turns(df)


PATTERNS = (r"\bcredit\s+cards?\b", r"\b(?:cheap|expensive)\w*", r"\bsupposed\s+to\b")


def make_codebook(texts: list[str], *, seed: int = 0, patterns: bool = False) -> Codebook:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for text in texts[:50_000]:
        words = WORD.findall(text.lower())
        counts.update(words)
        bigrams.update(itertools.pairwise(words))
    vocab = [w for w, _ in counts.most_common(6000)[100:] if w.isalpha() and len(w) > 2]
    pairs = [" ".join(b) for b, _ in bigrams.most_common(4000)[200:]]
    singles = rng.sample(vocab, N_CODES * KEYWORDS_PER_CODE * 2 // 3)
    multis = rng.sample(pairs, N_CODES * KEYWORDS_PER_CODE - len(singles))
    keywords = singles + multis
    rng.shuffle(keywords)
    codes = tuple(
        Code(
            name=f"code{i:02d}",
            keywords=tuple(keywords[i * KEYWORDS_PER_CODE : (i + 1) * KEYWORDS_PER_CODE]),
            patterns=(PATTERNS[i],) if patterns and i < len(PATTERNS) else (),
            theme="bench",
        )
        for i in range(N_CODES)
    )
    return Codebook(name="bench", languages=("en",), themes=(Theme(name="bench", codes=codes),))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(turns: pd.DataFrame, codebook: Codebook, label: str) -> None:
    n_words = sum(len(WORD.findall(t)) for t in turns[schema.TEXT])
    coder = KeywordCoder(codebook)
    start, cpu = time.perf_counter(), time.process_time()
    codings = coder.code(turns)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label}: {len(turns):,} turns, {n_words:,} words, {len(codings):,} codings in "
        f"{seconds:.2f} s wall = {n_words / seconds:,.0f} words/s "
        f"({len(turns) / seconds:,.0f} turns/s); {cpu:.2f} s CPU = {n_words / cpu:,.0f} words/s; "
        f"peak RSS so far {peak_rss_mb():,.0f} MB"
    )


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT_SWDA
    if "--pin" in argv and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pa.set_cpu_count(1)  # pandas' Arrow-backed strings: no helper threads either
    turns = load_swda(folder)
    codebook = make_codebook(turns[schema.TEXT].tolist(), patterns="--patterns" in argv)
    n_kw = sum(len(c.keywords) for c in codebook.codes)
    n_multi = sum(" " in k for c in codebook.codes for k in c.keywords)
    n_pat = sum(len(c.patterns) for c in codebook.codes)
    print(
        f"codebook: {len(codebook.codes)} codes, {n_kw} keywords ({n_multi} multi-word), "
        f"{n_pat} patterns"
    )
    if "--million-only" not in argv:
        run(turns, codebook, "SwDA")
    if "--no-million" not in argv:
        reps = -(-1_000_000 // len(turns))
        big = pd.concat([turns] * reps, ignore_index=True).iloc[:1_000_000].copy()
        big[schema.TURN_ID] = pd.array([f"r{i}" for i in range(len(big))], dtype="string")
        del turns
        run(big, codebook, "1M turns")


if __name__ == "__main__":
    main(sys.argv[1:])
