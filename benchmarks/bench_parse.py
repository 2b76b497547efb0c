"""Benchmark the plain-text transcript reader on the Switchboard Dialog Act corpus (SwDA).

Renders every dialogue of ``swda_data/{train,val,test}/*.txt`` (lines ``A|utterance|tag``) into a
plain transcript (``A: utterance`` lines) in a temporary folder, then reports for

1. ``read_transcripts(folder)``: all files into one turns table, and
2. ``read_transcript(one_big_file)``: all dialogues in one file, each under a heading,

the throughput (MB/s, turns/s, one core) and the peak memory traced by ``tracemalloc``
(Python allocations, including pandas/pyarrow buffers that report to it) relative to the input
size. Usage::

    python benchmarks/bench_parse.py [SWDA_DIR] [--profile]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from qualcode import read_transcript, read_transcripts

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SWDA = (
    Path(os.environ.get("QUALCODE_SHARED", ROOT.parent / "shared")) / "datasets/swda/swda_data"
)


def render(swda: Path, out: Path) -> tuple[list[Path], Path, int]:
    """Write one transcript per dialogue and one combined file; return paths and bytes."""
    files: list[Path] = []
    big_parts: list[str] = []
    utterances = 0
    for split in ("train", "val", "test"):
        for src in sorted((swda / split).glob("*.txt")):
            lines = []
            for raw in src.read_text(encoding="utf-8").splitlines():
                parts = raw.split("|")
                if len(parts) < 2 or not parts[1].strip():
                    continue
                lines.append(f"{parts[0]}: {parts[1].strip()}")
            utterances += len(lines)
            text = "\n".join(lines) + "\n"
            dest = out / f"{split}_{src.stem}.txt"
            dest.write_text(text, encoding="utf-8")
            files.append(dest)
            big_parts.append(f"# Dialogue {split} {src.stem}\n\n{text}\n")
    big = out / "all_dialogues.txt"
    big.write_text("".join(big_parts), encoding="utf-8")
    print(f"rendered {len(files)} dialogues, {utterances} utterances")
    return files, big, sum(f.stat().st_size for f in files)


def measure(label: str, fn, size: int) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    turns = fn()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mb = size / 1e6
    print(
        f"{label}: {len(turns)} turns, {mb:.1f} MB in {elapsed:.2f} s (under tracemalloc) -> "
        f"{mb / elapsed:.1f} MB/s, {len(turns) / elapsed:,.0f} turns/s; "
        f"peak traced memory {peak / 1e6:.1f} MB = {peak / size:.2f}x input"
    )
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    print(
        f"{label}: without tracemalloc {elapsed:.2f} s -> {mb / elapsed:.1f} MB/s, "
        f"{len(turns) / elapsed:,.0f} turns/s"
    )


def main(argv: list[str]) -> int:
    swda = Path(next((a for a in argv if not a.startswith("--")), DEFAULT_SWDA))
    if not swda.exists():
        print(f"SwDA not found at {swda}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "swda"
        folder.mkdir()
        files, big, size = render(swda, folder)
        big_size = big.stat().st_size
        if "--profile" in argv:
            prof = cProfile.Profile()
            prof.enable()
            read_transcript(big)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(15)
            return 0
        measure("one file ", lambda: read_transcript(big), big_size)
        measure("folder   ", lambda: read_transcripts(files), size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
