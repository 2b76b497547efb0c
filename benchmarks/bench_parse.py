"""Benchmark the plain-text transcript reader on the Switchboard Dialog Act corpus (SwDA).

Renders every dialogue of ``swda_data/{train,val,test}/*.txt`` (lines ``A|utterance|tag``) into a
plain transcript (``A: utterance`` lines), then measures

1. ``folder``: ``read_transcripts(folder)`` on the folder of 1,155 files, one turns table;
2. ``one file``: ``read_transcript(big_file)`` on all dialogues in one file, each under a
   ``# Dialogue ...`` heading (the general reader's heading rules split it into interviews);
3. ``paragraphs``: the same file with a blank line after every line, the layout of transcripts
   that write every turn as a paragraph: a speaker's consecutive paragraphs merge into one turn
   (SwDA's consecutive utterances of one speaker).

Each case runs in a fresh Python process pinned to one core (``os.sched_setaffinity``, Arrow's
thread pools set to one thread), after ``import qualcode`` and one call on a two-line string
(one-off import and lazy-initialisation costs are excluded; everything per file is included:
reading bytes, decoding, parsing, roles, the DataFrame).
Reported per case:

- ``cold``: the first call in the process, and ``warm``: the best of three later calls, as
  MB/s of input and turns/s, by wall-clock time and by CPU time of the process (the same on an
  idle machine; on a loaded one the wall clock also counts time spent waiting for the core);
- ``peak RSS growth``: the process's peak resident memory (``VmHWM``) during the first call
  minus its resident memory before it, which counts everything (Python objects, NumPy and Arrow
  buffers, the result table) relative to the input size;
- ``peak traced``: the peak of ``tracemalloc`` (Python and NumPy allocations only; Arrow
  buffers are invisible to it);
- ``table``: the bytes of the returned table (Arrow and NumPy buffers).

Usage::

    python benchmarks/bench_parse.py [SWDA_DIR] [--profile]
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SWDA = (
    Path(os.environ.get("QUALCODE_SHARED", ROOT.parent / "shared")) / "datasets/swda/swda_data"
)


#: a small transcript in the rendered shape (headings, short and long turns, double spaces)
WARM_UP = "".join(
    f"# Dialogue {k}\n\nA: Okay,  uh, how do you feel about it, you know?\nB: Yeah.\n"
    f"B: Well, I think it's, uh, one of the last few things you'd ever want to do.\n\n"
    for k in range(50)
)


def render(swda: Path, folder: Path, big: Path) -> tuple[int, int]:
    """Write one transcript per dialogue into ``folder`` and all of them into ``big``."""
    big_parts: list[str] = []
    utterances = 0
    files = 0
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
            (folder / f"{split}_{src.stem}.txt").write_text(text, encoding="utf-8")
            files += 1
            big_parts.append(f"# Dialogue {split} {src.stem}\n\n{text}\n")
    big.write_text("".join(big_parts), encoding="utf-8")
    return files, utterances


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _table_bytes(turns) -> int:  # type: ignore[no-untyped-def]
    total = 0
    for col in turns.columns:
        arr = turns[col].array
        data = getattr(arr, "_pa_array", None)
        if data is not None:
            total += data.nbytes
        elif hasattr(arr, "categories"):
            total += turns[col].memory_usage(deep=True, index=False)
        else:
            total += arr._data.nbytes + arr._mask.nbytes
    return total


def child(case: str, path: str) -> None:
    """Measure one case in this (fresh) process and print the figures as JSON."""
    # measure this checkout's qualcode, not an installed copy (an editable install of another
    # worktree would otherwise come first: sys.path[0] is benchmarks/)
    sys.path.insert(0, str(ROOT))
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    import tracemalloc

    from qualcode import parse_transcript, read_transcript, read_transcripts

    # one-off costs of the first call (lazy imports inside pandas/pyarrow, compiled patterns,
    # code paths run once) are not per file: warm up on a small transcript of the same shape
    parse_transcript(WARM_UP)
    fn = (lambda: read_transcripts(path)) if case == "folder" else (lambda: read_transcript(path))
    rss0 = _status_kb("VmRSS")
    hwm_ok = _reset_peak()
    hwm0 = _status_kb("VmHWM")
    t0 = time.perf_counter()
    c0 = time.process_time()
    turns = fn()
    cold_cpu = time.process_time() - c0
    cold = time.perf_counter() - t0
    hwm = _status_kb("VmHWM")
    peak_rss = (hwm - (rss0 if hwm_ok else hwm0)) * 1024
    table = _table_bytes(turns)
    n = len(turns)
    del turns
    warm = []
    warm_cpu = []
    for _ in range(3):
        t0 = time.perf_counter()
        c0 = time.process_time()
        fn()
        warm_cpu.append(time.process_time() - c0)
        warm.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "turns": n,
                "cold": cold,
                "cold_cpu": cold_cpu,
                "warm": min(warm),
                "warm_cpu": min(warm_cpu),
                "peak_rss": peak_rss,
                "hwm_reset": hwm_ok,
                "traced": traced,
                "table": table,
            }
        )
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2])
        return 0
    swda = Path(next((a for a in argv if not a.startswith("--")), DEFAULT_SWDA))
    if not swda.exists():
        print(f"SwDA not found at {swda}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "swda"
        folder.mkdir()
        big = Path(tmp) / "all_dialogues.txt"
        files, utterances = render(swda, folder, big)
        folder_size = sum(f.stat().st_size for f in folder.iterdir())
        print(
            f"rendered {files} dialogues, {utterances:,} utterances: folder {folder_size / 1e6:.1f}"
            f" MB, one file {big.stat().st_size / 1e6:.1f} MB"
        )
        if "--profile" in argv:
            sys.path.insert(0, str(ROOT))
            from qualcode import read_transcript, read_transcripts

            read_transcript(big)
            for label, fn in (
                ("one file", lambda: read_transcript(big)),
                ("folder", lambda: read_transcripts(folder)),
            ):
                prof = cProfile.Profile()
                prof.enable()
                fn()
                prof.disable()
                print(f"--- {label}")
                pstats.Stats(prof).sort_stats("tottime").print_stats(15)
            return 0
        paragraphs = Path(tmp) / "all_dialogues_paragraphs.txt"
        paragraphs.write_text(big.read_text(encoding="utf-8").replace("\n", "\n\n"), "utf-8")
        for case, path, size in (
            ("folder", folder, folder_size),
            ("one file", big, big.stat().st_size),
            ("paragraphs", paragraphs, paragraphs.stat().st_size),
        ):
            out = subprocess.run(
                [sys.executable, __file__, "--child", case, str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            mb = size / 1e6
            print(f"{case:10s}: {r['turns']:,} turns from {mb:.1f} MB")
            for label, key in (("cold", "cold"), ("warm", "warm")):
                wall, cpu = r[key], r[key + "_cpu"]
                print(
                    f"{'':10s}  {label}: wall {wall:.2f} s -> {mb / wall:.1f} MB/s, "
                    f"{r['turns'] / wall:,.0f} turns/s; CPU {cpu:.2f} s -> "
                    f"{mb / cpu:.1f} MB/s, {r['turns'] / cpu:,.0f} turns/s"
                )
            print(
                f"{'':10s}  peak RSS growth {r['peak_rss'] / 1e6:.1f} MB = "
                f"{r['peak_rss'] / size:.2f}x input"
                f"{'' if r['hwm_reset'] else ' (VmHWM not resettable: upper bound)'}; "
                f"peak traced (tracemalloc) {r['traced'] / 1e6:.1f} MB = "
                f"{r['traced'] / size:.2f}x input; "
                f"result table {r['table'] / 1e6:.1f} MB = {r['table'] / size:.2f}x input"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
