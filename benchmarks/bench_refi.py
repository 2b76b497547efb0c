"""REFI-QDA export and import of a project of 1,000 interviews, 200,000 turns, 1,000,000 codings.

The turns are the thesis sample's turns repeated (each interview takes 200 consecutive turns of
the sample, cycling, with its own interview id, so the texts are real Indonesian interview
speech). The codings: five per turn, by two coders, over the codebook's seven codes; three of
five are of the whole turn and two of a span inside it (the first and second halves of the
text), so both selection kinds are timed. Times :func:`write_qdpx` and :func:`read_qdpx`
(parsing the XML, reading the sources with the transcript parser, mapping selections onto
turns) by wall clock and CPU time (the machine may be shared), checks that the import gives
back the same turns and codings, and prints the archive size and peak RSS.

Then merging a second coder's work (issue 19): the archive is imported into a new project (the
first coders' 1,000,000 codings), and a second coder's export of the same 1,000 interviews (a
third person's 1,000,000 codings, written with another namespace, so other user and source
GUIDs, as another tool's export would be) is merged into it: sources matched by text, codings
onto the project's turns (:func:`qualcode.exchange.refi.project.merge_qdpx`). A second merge of
the same file must change nothing. Last, ``qualcode agree --project P`` over the merged project
(3 coders, 2,000,000 codings) is timed in a fresh process.

Usage: python benchmarks/bench_refi.py [--interviews N] [--turns-per-interview N]
       [--codings-per-turn N] [--out FILE] [--no-merge]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qualcode as qc  # noqa: E402
from qualcode import schema  # noqa: E402
from qualcode.exchange.refi import read_qdpx, write_qdpx  # noqa: E402
from qualcode.exchange.refi.project import import_project_qdpx, merge_qdpx  # noqa: E402
from qualcode.transcripts.builder import slugify  # noqa: E402


def build(n_iv: int, per_iv: int, per_turn: int) -> tuple[pd.DataFrame, pd.DataFrame, qc.Codebook]:
    sample = qc.read_transcript(ROOT / "data" / "transcripts" / "magnus_interviews.txt")
    codebook = qc.read_codebook(ROOT / "codebooks" / "crm_idic.yaml")
    n = n_iv * per_iv
    pick = np.arange(n) % len(sample)
    turns = sample.iloc[pick].reset_index(drop=True)
    iv = np.repeat(np.arange(n_iv), per_iv)
    names = [f"interview {k + 1:04d}" for k in range(n_iv)]
    pos = np.tile(np.arange(1, per_iv + 1), n_iv)
    turns["interview"] = pd.Categorical.from_codes(iv, categories=names)
    turns["position"] = pos
    turns["turn_id"] = [f"{slugify(names[i])}-{p:04d}" for i, p in zip(iv, pos, strict=True)]
    turns = schema.validate_turns(turns)
    codes = list(codebook.code_names)
    m = n * per_turn
    row = np.repeat(np.arange(n), per_turn)
    k = np.tile(np.arange(per_turn), n)
    texts = turns["text"].tolist()
    # split each text at the space nearest its middle (spans keep no surrounding spaces)
    cut = np.array([max(t.find(" ", len(t) // 2), 0) for t in texts])[row]
    lengths = turns["text"].str.len().to_numpy()[row]
    whole = k % 5 < 3
    whole |= cut == 0
    start = np.where(whole, -1, np.where(k % 5 == 3, 0, cut + 1))
    end = np.where(whole, -1, np.where(k % 5 == 3, cut, lengths))
    codings = pd.DataFrame(
        {
            "turn_id": turns["turn_id"].to_numpy()[row],
            "code": np.array(codes, dtype=object)[(row + k) % len(codes)],
            "coder": np.where(k % 2 == 0, "Juliana", "Rickxen"),
            "span_start": pd.array(np.where(start < 0, pd.NA, start), dtype="Int64"),
            "span_end": pd.array(np.where(end < 0, pd.NA, end), dtype="Int64"),
        }
    )
    assert len(codings) == m
    return turns, schema.validate_codings(codings), codebook


def _rows(codings: pd.DataFrame) -> pd.DataFrame:
    key = ["turn_id", "code", "coder", "span_start", "span_end"]
    return codings[key].astype(str).sort_values(key).reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interviews", type=int, default=1000)
    ap.add_argument("--turns-per-interview", type=int, default=200)
    ap.add_argument("--codings-per-turn", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-merge", action="store_true", help="skip the merge and agreement")
    args = ap.parse_args()
    t0 = time.perf_counter()
    turns, codings, codebook = build(
        args.interviews, args.turns_per_interview, args.codings_per_turn
    )
    print(
        f"data: {turns['interview'].nunique():,} interviews, {len(turns):,} turns, "
        f"{len(codings):,} codings ({codings['span_start'].notna().sum():,} with spans), "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "bench.qdpx"
        t0, c0 = time.perf_counter(), time.process_time()
        write_qdpx(out, turns=turns, codings=codings, codebook=codebook)
        t_write, c_write = time.perf_counter() - t0, time.process_time() - c0
        size = out.stat().st_size
        print(f"export: {t_write:.1f} s wall, {c_write:.1f} s CPU, {size / 1e6:.0f} MB archive")
        t0, c0 = time.perf_counter(), time.process_time()
        project = read_qdpx(out)
        t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"import: {t_read:.1f} s wall, {c_read:.1f} s CPU, {len(project.turns):,} turns, "
            f"{len(project.codings):,} codings"
        )
        if not args.no_merge:
            merge(Path(tmp), out, turns, codings, codebook)
    cols = ["turn_id", "interview", "position", "speaker", "role", "text"]
    same_turns = turns[cols].astype(str).equals(project.turns[cols].astype(str))
    same_codings = _rows(codings).equals(_rows(project.codings))
    print(f"round trip: turns equal {same_turns}, codings equal {same_codings}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


def merge(
    tmp: Path, first: Path, turns: pd.DataFrame, codings: pd.DataFrame, codebook: qc.Codebook
) -> None:
    """Import the first export into a project, merge a second coder's export, time agree."""
    target = tmp / "bench.qualcode"
    t0, c0 = time.perf_counter(), time.process_time()
    import_project_qdpx(first, target, who="bench").close()
    print(
        f"import into a new project: {time.perf_counter() - t0:.1f} s wall, "
        f"{time.process_time() - c0:.1f} s CPU"
    )
    codes = list(codebook.code_names)
    second = codings.assign(
        coder="Budi",
        code=codings["code"].map(lambda c: codes[(codes.index(c) + 1) % len(codes)]),
    )
    other = tmp / "budi.qdpx"
    write_qdpx(other, turns=turns, codings=second, codebook=codebook, namespace=uuid.uuid4())
    project = qc.Project.open(target)
    t0, c0 = time.perf_counter(), time.process_time()
    result = merge_qdpx(project, other, who="bench")
    t_merge, c_merge = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"merge a second coder's .qdpx ({len(second):,} codings): {t_merge:.1f} s wall, "
        f"{c_merge:.1f} s CPU; {len(result.matched):,} interviews matched by text, "
        f"{len(result.added)} added, {result.codings:,} codings by {', '.join(result.coders)}"
    )
    t0 = time.perf_counter()
    again = merge_qdpx(project, other, who="bench")
    print(f"the same merge again: {time.perf_counter() - t0:.1f} s wall, changed {again.changed}")
    total = len(project.codings(people=True))
    project.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qualcode",
            "agree",
            "--project",
            str(target),
            "--out",
            str(tmp / "agree.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    t_agree = time.perf_counter() - t0
    head = (done.stdout or done.stderr).strip().splitlines()[:1]
    print(
        f"qualcode agree --project over {total:,} codings: {t_agree:.1f} s wall "
        f"(exit {done.returncode}; {head[0] if head else ''})"
    )


if __name__ == "__main__":
    main()
