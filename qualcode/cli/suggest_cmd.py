"""``qualcode suggest``: which uncoded turns to code next (active learning)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import (
    SEEN_HELP,
    ProjectOpt,
    check_seen,
    load_codebook,
    load_codings,
    load_turns,
    project_training_data,
)
from qualcode.errors import QualcodeError

__all__ = ["suggest_command"]


@app.command("suggest")
def suggest_command(
    turns: Annotated[
        Path | None, typer.Option("--turns", help="Turns table or transcript file.")
    ] = None,
    project: ProjectOpt = None,
    codings: Annotated[
        list[Path] | None, typer.Option("--codings", help="Human codings so far (repeatable).")
    ] = None,
    codebook: Annotated[Path | None, typer.Option("--codebook", help="Codebook YAML.")] = None,
    exclusive: Annotated[
        bool, typer.Option("--exclusive", help="Without a codebook: one code per turn.")
    ] = False,
    next_n: Annotated[int, typer.Option("--next", help="How many turns to list.")] = 10,
    diversity: Annotated[
        float, typer.Option("--diversity", help="0 = most uncertain only, 1 = most varied.")
    ] = 0.3,
    seen: Annotated[str, typer.Option("--seen", help=SEEN_HELP)] = "interview",
    out: Annotated[Path | None, typer.Option("--out", help="Write the list (.csv/.xlsx).")] = None,
) -> None:
    """List the uncoded turns whose coding would teach the model most."""
    from qualcode.coding.suggest import suggest_turns
    from qualcode.tables import write_table

    human: pd.DataFrame | None
    if project is not None:
        table, human, book = project_training_data(project, codebook, exclusive)
        human = human if len(human) else None
    elif turns is None:
        raise QualcodeError("give --turns (with --codebook or --codings), or --project")
    else:
        if codebook is None and not codings:
            raise QualcodeError("give --codebook or --codings: nothing says which codes there are")
        book = load_codebook(codebook)
        table = load_turns(turns)
        human = load_codings(codings, turns=table, codebook=book) if codings else None
    result = suggest_turns(
        table,
        human,
        codebook=book,
        exclusive=exclusive,
        n=next_n,
        diversity=diversity,
        seen=check_seen(seen),  # type: ignore[arg-type]
    )
    typer.echo(f"Code these {len(result)} turn(s) next:")
    typer.echo(result.to_string(index=False, float_format=lambda v: f"{v:.2f}", max_colwidth=70))
    if out is not None:
        typer.echo(f"Wrote {write_table(result, out)}")
