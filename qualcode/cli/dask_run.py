"""The ``--engine dask`` branch of ``qualcode code``: run on the cluster, say what was done.

The coding runs in :func:`qualcode.engine.run.code_on_cluster`; this prints what the local
branch prints (the summary of :func:`qualcode.summaries.coding_run_text`) plus which cluster ran
and where the Parquet parts are, and writes the CSV tables and the report when asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qualcode.codebook import Codebook
from qualcode.summaries import coding_run_text
from qualcode.tables import write_table

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier

__all__ = ["code_with_dask", "echo_err"]


def echo_err(line: str) -> None:
    """Print a line of the cluster's to stderr."""
    typer.echo(line, err=True)


def code_with_dask(
    *,
    paths: list[Path],
    out: Path,
    codebook: Codebook,
    model: CodeClassifier | None,
    train: Path | None,
    all_speakers: bool,
    unit: str,
    languages: list[str] | None,
    method: str | None,
    report: bool,
    lang: str | None,
    scheduler: str | None,
    partitions: int | None,
    csv: bool,
) -> None:
    """Run ``qualcode code`` on Dask: partitioned Parquet in DIR (and CSV with ``csv``)."""
    from qualcode.engine.dask import collect_codings
    from qualcode.engine.run import code_on_cluster

    run, turns = code_on_cluster(
        paths, out, codebook=codebook, model=model, train=train, all_speakers=all_speakers,
        unit=unit, languages=languages, method=method, scheduler=scheduler,
        partitions=partitions, need_turns=csv or report, notify=echo_err,
    )  # fmt: skip
    typer.echo(
        coding_run_text(
            run.summary,
            codebook=codebook,
            n_codings=run.n_codings,
            unit=unit,
            all_speakers=all_speakers,
        )
    )
    typer.echo(f"Wrote {run.turns_dir} and {run.codings_dir} ({run.partitions} Parquet partitions)")
    if not (csv or report):
        return
    assert turns is not None
    codings = collect_codings(run, turns)
    if csv:
        turns_path = write_table(turns, out / "turns.csv")
        codings_path = write_table(codings, out / "codings.csv")
        typer.echo(f"Wrote {turns_path} and {codings_path}")
    if report:
        from qualcode.exchange import write_outputs

        written = write_outputs(turns, codings, codebook, out, lang=lang)
        typer.echo(f"Wrote the report to {out}: {len(written)} files")
