"""``qualcode train``: learn a codebook from human codings; save the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import (
    SEEN_HELP,
    ProjectOpt,
    check_seen,
    training_inputs,
)

__all__ = ["train_command"]


@app.command("train")
def train_command(
    out: Annotated[Path, typer.Option("--out", help="Model file to write (e.g. model.qcm).")],
    turns: Annotated[
        Path | None, typer.Option("--turns", help="Turns table or transcript file.")
    ] = None,
    codings: Annotated[
        list[Path] | None,
        typer.Option("--codings", help="Human codings, long or wide (repeatable)."),
    ] = None,
    project: ProjectOpt = None,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook YAML (default: codes found).")
    ] = None,
    exclusive: Annotated[
        bool, typer.Option("--exclusive", help="Without a codebook: one code per turn.")
    ] = False,
    seen: Annotated[str, typer.Option("--seen", help=SEEN_HELP)] = "interview",
    all_speakers: Annotated[
        bool, typer.Option("--all-speakers", help="Learn from every role's turns.")
    ] = False,
) -> None:
    """Train a classifier on a researcher's codings and save it with its codebook."""
    from qualcode.coding.training import train_model

    table, human, book = training_inputs(turns, codings, codebook, project, exclusive)
    model = train_model(
        table,
        human,
        codebook=book,
        exclusive=exclusive,
        seen=check_seen(seen),  # type: ignore[arg-type]
        all_speakers=all_speakers,
    )
    path = model.save(out)
    typer.echo(
        f"Trained on {len(human)} codings of {len(model.classes_)} codes "
        f"({model.n_features_} features). Wrote {path}"
    )
