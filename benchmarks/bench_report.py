"""Benchmark: report tables, charts, HTML report and Word appendix for a large project.

Synthetic but realistic data: 100 interviews, 20,000 turns (interviewer and participant
alternating; text made of sentences from the sample interviews), 40,000 codings with 7 codes
by two coders (keyword rules with spans, a model with scores).

Run: ``python benchmarks/bench_report.py [--interviews 100] [--turns 20000] [--codings 40000]``.
Prints the time per stage, the peak memory (max RSS) and the sizes of the files.
Targets: under 30 s in all, under 1 GB, the .docx under 10 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode import reports  # noqa: E402
from qualcode.codebook import Code, Codebook, Theme  # noqa: E402
from qualcode.exchange.docx import write_docx_appendix  # noqa: E402
from qualcode.exchange.html import render_html_report, report_charts  # noqa: E402
from qualcode.exchange.xlsx import write_workbook  # noqa: E402
from qualcode.tables import write_table  # noqa: E402

CODES = {
    "idic": ("Model IDIC", ["identify", "differentiate", "interact", "customize"]),
    "crm": ("Tahapan CRM", ["acquire", "enhance", "retain"]),
}


def codebook() -> Codebook:
    themes = []
    for theme, (label, names) in CODES.items():
        codes = tuple(
            Code(
                name=n,
                label=f"{n.capitalize()}: hubungan AE dengan klien",
                description=f"Definisi kode {n}.",
                examples=(f"contoh kutipan untuk {n}",),
                theme=theme,
            )
            for n in names
        )
        themes.append(Theme(name=theme, label=label, codes=codes))
    return Codebook(name="bench", languages=("id",), themes=tuple(themes))


def sentences() -> list[str]:
    text = (ROOT / "data" / "transcripts" / "magnus_interviews.txt").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", text)
    body = [line.split(":", 1)[1] for line in text.splitlines() if ":" in line]
    found = [s.strip() for line in body for s in re.split(r"(?<=[.?!])\s+", line)]
    return [s for s in found if len(s.split()) >= 4]


def make_data(n_interviews: int, n_turns: int, n_codings: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    pool = sentences()
    per = n_turns // n_interviews
    rows = []
    for i in range(n_interviews):
        interview = f"Narasumber {i + 1}"
        for pos in range(1, per + 1):
            asks = pos % 2 == 1
            k = 1 if asks else int(rng.integers(1, 5))
            text = " ".join(pool[j] for j in rng.integers(0, len(pool), size=k))
            rows.append(
                (
                    f"i{i:03d}-{pos:04d}",
                    interview,
                    pos,
                    "P" if asks else f"N{i + 1}",
                    "interviewer" if asks else "participant",
                    text,
                )
            )
    turns = pd.DataFrame(
        rows, columns=["turn_id", "interview", "position", "speaker", "role", "text"]
    )
    participant = turns[turns["role"] == "participant"].reset_index(drop=True)
    names = [n for _, (_, ns) in CODES.items() for n in ns]
    picks = rng.integers(0, len(participant), size=n_codings)
    codes = rng.integers(0, len(names), size=n_codings)
    coders = np.where(rng.random(n_codings) < 0.7, "rules", "model")
    texts = participant["text"].to_numpy()
    starts, ends, evidence = [], [], []
    for p in picks:
        words = list(re.finditer(r"\w{5,}", texts[p]))
        if words:
            m = words[int(rng.integers(0, len(words)))]
            starts.append(m.start())
            ends.append(m.end())
            evidence.append(m.group(0).lower())
        else:
            starts.append(None)
            ends.append(None)
            evidence.append("")
    codings = pd.DataFrame(
        {
            "turn_id": participant["turn_id"].to_numpy()[picks],
            "code": np.array(names)[codes],
            "coder": coders,
            "score": np.where(coders == "rules", 1.0, rng.uniform(0.5, 1.0, n_codings).round(3)),
            "evidence": evidence,
            "span_start": pd.array(starts, dtype="Int64"),
            "span_end": pd.array(ends, dtype="Int64"),
        }
    )
    return turns, codings


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=100)
    parser.add_argument("--turns", type=int, default=20_000)
    parser.add_argument("--codings", type=int, default=40_000)
    args = parser.parse_args(argv)

    book = codebook()
    t0 = time.perf_counter()
    turns, codings = make_data(args.interviews, args.turns, args.codings)
    print(
        f"data: {turns['interview'].nunique()} interviews, {len(turns)} turns, "
        f"{len(codings)} codings, {codings['code'].nunique()} codes "
        f"({time.perf_counter() - t0:.1f} s to generate, not counted)"
    )
    times: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start, cpu_start = time.perf_counter(), time.process_time()
        cpu = [cpu_start]

        def stage(name: str, began: float) -> float:
            now, cpu_now = time.perf_counter(), time.process_time()
            times[name] = (now - began, cpu_now - cpu[0])
            cpu[0] = cpu_now
            return now

        t = time.perf_counter()
        tables = reports.report_tables(turns, codings, book)
        t = stage("report tables", t)
        for name, table in tables.items():
            write_table(table, out / "tables" / f"{name}.csv")
        t = stage("CSV files", t)
        write_workbook(tables, out / "report_tables.xlsx")
        t = stage("XLSX workbook", t)
        svgs, _files = report_charts(tables, book, out_dir=out / "charts")
        t = stage("charts (PNG 300 dpi + SVG)", t)
        html = render_html_report(tables, book, turns, charts=svgs)
        (out / "report.html").write_text(html, encoding="utf-8")
        t = stage("HTML report", t)
        docx_path = write_docx_appendix(
            turns, codings, book, out / "appendix.docx", lang="id", tables=tables
        )
        t = stage("Word appendix", t)
        total = time.perf_counter() - start
        total_cpu = time.process_time() - cpu_start
        sizes = {
            "report.html": (out / "report.html").stat().st_size,
            "appendix.docx": docx_path.stat().st_size,
            "report_tables.xlsx": (out / "report_tables.xlsx").stat().st_size,
            "tables/*.csv": sum(p.stat().st_size for p in (out / "tables").glob("*.csv")),
        }
    print(f"{'stage':<28} {'wall':>8} {'cpu':>8}")
    for name, (secs, cpu_secs) in times.items():
        print(f"{name:<28} {secs:6.2f} s {cpu_secs:6.2f} s")
    print(f"{'total':<28} {total:6.2f} s {total_cpu:6.2f} s   (target < 30 s)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"peak memory (max RSS)        {max_rss_mb():6.0f} MB  (target < 1024 MB)")
    for name, size in sizes.items():
        print(f"{name:<28} {size / 1e6:6.2f} MB" + ("  (target < 10 MB)" if "docx" in name else ""))
    print(f"segments in the report: {len(tables['segments'])}")


if __name__ == "__main__":
    main()
