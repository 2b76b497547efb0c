"""REFI-QDA export and import of a project of 1,000 interviews, 200,000 turns, 1,000,000 codings.

The turns are the thesis sample's turns repeated (each interview takes 200 consecutive turns of
the sample, cycling, with its own interview id, so the texts are real Indonesian interview
speech). The codings: five per turn, by two coders, over the codebook's seven codes; three of
five are of the whole turn and two of a span inside it (the first and second halves of the
text), so both selection kinds are timed. Times :func:`write_qdpx` and :func:`read_qdpx`
(parsing the XML, reading the sources with the transcript parser, mapping selections onto
turns) by wall clock and CPU time (the machine may be shared), checks that the import gives
back the same turns and codings, and prints the archive size and peak RSS.

Usage: python benchmarks/bench_refi.py [--interviews N] [--turns-per-interview N]
       [--codings-per-turn N] [--out FILE]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qualcode as qc  # noqa: E402
from qualcode import schema  # noqa: E402
from qualcode.exchange.refi import read_qdpx, write_qdpx  # noqa: E402
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
    cols = ["turn_id", "interview", "position", "speaker", "role", "text"]
    same_turns = turns[cols].astype(str).equals(project.turns[cols].astype(str))
    same_codings = _rows(codings).equals(_rows(project.codings))
    print(f"round trip: turns equal {same_turns}, codings equal {same_codings}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
