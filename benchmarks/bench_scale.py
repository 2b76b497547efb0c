"""Parse and code millions of turns: the local engine against a 2-worker Dask LocalCluster.

The corpus is SwDA (1,155 telephone dialogues, about 200,000 utterances) rendered as plain
transcripts (``A: utterance`` lines), copied under new file names until it holds
the wanted number of turns: 1 M is 5 copies (5,775 files), 10 M is 50 copies (57,750 files).
For each size it runs, each in a fresh ``python -m qualcode`` process as a user would:

- ``parse``: ``qualcode parse FOLDER --out turns.parquet`` (and ``--engine dask``);
- ``rules``: ``qualcode code turns.parquet --codebook bench.yaml --method rules`` (the keyword
  codebook of ``bench_rules.py``: 60 codes, 600 English keywords and phrases);
- ``model``: ``qualcode code turns.parquet --model swda.model --method model`` (the dialogue-act
  classifier of ``bench_swda_classifier.py``, trained once on the SwDA train split and cached).

The Dask runs use one LocalCluster of 2 worker processes (one thread each), started by the
benchmark with qualcode's own :func:`qualcode.engine.dask.dask_client` and passed to the command
with ``--scheduler``; the workers are restarted before each run so their peak memory is that
run's. Reported per run: wall time, turns/s and turns/s per core (local: 1 core; Dask: 2
worker cores; the driver process reads the input and writes the turns partitions on top),
CPU seconds (driver process, and workers), the driver's peak RSS and each worker's peak RSS
(``ru_maxrss`` of the worker processes), and the load average of the machine (other work on it
slows every figure; turns/s per CPU second is less sensitive to it).

Usage::

    python benchmarks/bench_scale.py [--sizes 1M,3M,10M] [--tasks parse,rules,model]
        [--engines local,dask] [--work DIR] [--partition-turns N] [SWDA_DIR]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_SWDA = (
    Path(os.environ.get("QUALCODE_SHARED", ROOT.parent / "shared")) / "datasets/swda/swda_data"
)
DEFAULT_WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "qualcode-bench-scale"


def parse_size(text: str) -> int:
    """``1M`` -> 1_000_000, ``300k`` -> 300_000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


# --- inputs --------------------------------------------------------------------------------------
def render_swda(swda: Path, folder: Path) -> list[tuple[Path, int]]:
    """Write one ``A: text`` transcript per SwDA dialogue; return (file, turns) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for split in ("train", "val", "test"):
        for src in sorted((swda / split).glob("*.txt")):
            lines = []
            for raw in src.read_text(encoding="utf-8").splitlines():
                parts = raw.split("|")
                if len(parts) >= 2 and parts[1].strip():
                    lines.append(f"{parts[0]}: {parts[1].strip()}")
            path = folder / f"{split}_{src.stem}.txt"
            if not path.exists():
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            out.append((path, len(lines)))
    return out


def corpus(work: Path, dialogues: list[tuple[Path, int]], n_turns: int) -> tuple[Path, int]:
    """A folder of copies of the dialogues holding at least ``n_turns`` turns.

    Real copies: hard links would be the same file to :func:`qualcode.transcripts.find_transcripts`
    (it reads a file once, however many paths name it).
    """
    folder = work / f"corpus-{n_turns}"
    folder.mkdir(parents=True, exist_ok=True)
    total, copy = 0, 0
    while total < n_turns:
        for path, turns in dialogues:
            if total >= n_turns:
                break
            target = folder / f"c{copy:03d}_{path.name}"
            if not target.exists():
                shutil.copyfile(path, target)
            total += turns
        copy += 1
    return folder, total


def codebook_file(work: Path, swda: Path) -> Path:
    """The keyword codebook of bench_rules.py (written once)."""
    from bench_rules import load_swda, make_codebook

    from qualcode import schema
    from qualcode.codebook import write_codebook

    path = work / "bench.yaml"
    if not path.exists():
        turns = load_swda(swda)
        write_codebook(make_codebook(turns[schema.TEXT].tolist()), path)
    return path


def model_file(work: Path, swda: Path) -> Path:
    """The SwDA dialogue-act classifier of bench_swda_classifier.py (trained once, cached)."""
    path = work / "swda.model"
    if not path.exists():
        subprocess.run(
            [sys.executable, __file__, f"--train-model={path}", str(swda)], check=True, cwd=ROOT
        )
    return path


def train_model_file(path: Path, swda: Path) -> None:
    """Train and save the SwDA model (run in its own process by :func:`model_file`)."""
    from bench_swda_classifier import PARAMS, labels_of, read_split, swda_codebook

    from qualcode.coding.classifier import CodeClassifier, turn_context

    t = time.perf_counter()
    turns, codings = read_split(swda / "train")
    book = swda_codebook(codings["code"].value_counts().index.tolist())
    model = CodeClassifier(codebook=book, **PARAMS).fit(
        turn_context(turns), labels_of(turns, codings)
    )
    model.save(path)
    print(f"trained the SwDA model on {len(turns):,} turns in {time.perf_counter() - t:.0f} s")


# --- measuring -----------------------------------------------------------------------------------
def _hwm_mb(pid: int) -> float:
    """Peak resident memory (``VmHWM``) of a running process, MB (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_command(args: list[str]) -> dict[str, float]:
    """Run ``python -m qualcode ARGS`` in a fresh process; wall, CPU and peak RSS of it.

    The peak is the process's ``VmHWM`` read every 0.1 s (``ru_maxrss`` of a child would
    include the memory of this process at the fork).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualcode", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    peak = [0.0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.1):
            peak[0] = max(peak[0], _hwm_mb(proc.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    stop.set()
    watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        msg = f"qualcode {' '.join(args)} failed ({proc.returncode}):\n{err.decode()[-3000:]}"
        raise RuntimeError(msg)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": peak[0],
    }


def _worker_usage() -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) of this worker process.

    The peak is ``VmHWM``, not ``ru_maxrss``: Linux keeps ``ru_maxrss`` across fork and exec,
    so a spawned worker reports the benchmark process's own peak as its floor.
    """
    u = resource.getrusage(resource.RUSAGE_SELF)
    return _hwm_mb(os.getpid()), u.ru_utime + u.ru_stime


def measure(
    engine: str, args: list[str], client: Any, n_turns: int, task: str, size: str
) -> dict[str, Any]:
    load = os.getloadavg()[0]
    if engine == "dask":
        client.restart()
        base = client.run(_worker_usage)
        res = run_command([*args, "--engine", "dask", "--scheduler", client.scheduler.address])
        after = client.run(_worker_usage)
        res["worker_rss_mb"] = [round(after[w][0]) for w in sorted(after)]
        res["worker_cpu"] = sum(after[w][1] - base[w][1] for w in after if w in base)
        cores = len(after)
    else:
        res = run_command(args)
        res["worker_rss_mb"], res["worker_cpu"], cores = [], 0.0, 1
    res.update(
        engine=engine,
        task=task,
        size=size,
        turns=n_turns,
        cores=cores,
        load=(load + os.getloadavg()[0]) / 2,
    )
    return res


def report(r: dict[str, Any]) -> None:
    rate = r["turns"] / r["wall"]
    cpu = r["cpu"] + r["worker_cpu"]
    workers = (
        f"; workers peak RSS {'/'.join(str(m) for m in r['worker_rss_mb'])} MB, "
        f"CPU {r['worker_cpu']:.0f} s"
        if r["worker_rss_mb"]
        else ""
    )
    print(
        f"{r['size']:>4} {r['task']:<5} {r['engine']:<5}: {r['turns']:>10,} turns in "
        f"{r['wall']:7.1f} s = {rate:>9,.0f} turns/s, {rate / r['cores']:>9,.0f} per core, "
        f"{r['turns'] / cpu:>8,.0f} per CPU s; driver peak RSS {r['rss_mb']:,.0f} MB, "
        f"CPU {r['cpu']:.0f} s{workers}; load {r['load']:.1f}",
        flush=True,
    )


def main(argv: list[str]) -> None:
    opts = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in argv if a.startswith("--")}
    args = [a for a in argv if not a.startswith("--")]
    swda = Path(args[0]) if args else DEFAULT_SWDA
    if "--train-model" in opts:
        train_model_file(Path(opts["--train-model"]), swda)
        return
    sizes = [s.strip() for s in opts.get("--sizes", "1M,3M,10M").split(",")]
    tasks = opts.get("--tasks", "parse,rules,model").split(",")
    engines = opts.get("--engines", "local,dask").split(",")
    work = Path(opts.get("--work", DEFAULT_WORK))
    work.mkdir(parents=True, exist_ok=True)
    dialogues = render_swda(swda, work / "swda")
    book = codebook_file(work, swda)
    model = model_file(work, swda) if "model" in tasks else None
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"SwDA: {len(dialogues)} dialogues, {sum(n for _, n in dialogues):,} turns",
        flush=True,
    )
    from qualcode.engine.dask import dask_client

    with dask_client(n_workers=2, dashboard=False) as client:
        for size in sizes:
            folder, n = corpus(work, dialogues, parse_size(size))
            turns = work / f"turns-{n}.parquet"
            for engine in engines:
                out = work / f"out-{engine}"
                parsed = turns if engine == "local" else work / f"turns-{n}-dask.parquet"
                if "parse" in tasks or not (turns.exists() or parsed.exists()):
                    cmd = ["parse", str(folder), "--out", str(parsed)]
                    report(measure(engine, cmd, client, n, "parse", size))
                    rows = pq.ParquetFile(parsed).metadata.num_rows
                    assert rows == n, f"{parsed}: {rows:,} turns, expected {n:,}"
                if not turns.exists():  # coded from the table this engine parsed
                    turns = parsed
                extra = []
                if engine == "dask" and "--partition-turns" in opts:
                    extra = ["--partitions", str(-(-n // int(opts["--partition-turns"])))]
                if "rules" in tasks:
                    cmd = ["code", str(turns), "--codebook", str(book), "--method", "rules"]
                    cmd += ["--out", str(out), *extra]
                    report(measure(engine, cmd, client, n, "rules", size))
                if model is not None:
                    cmd = ["code", str(turns), "--model", str(model), "--method", "model"]
                    cmd += ["--out", str(out), *extra]
                    report(measure(engine, cmd, client, n, "model", size))


if __name__ == "__main__":
    main(sys.argv[1:])
