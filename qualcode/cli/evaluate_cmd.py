"""``qualcode evaluate``: score rules / model / hybrid against human codings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import (
    SEEN_HELP,
    ProjectOpt,
    check_seen,
    format_table,
    load_codings,
    load_turns,
    training_inputs,
)
from qualcode.coding.job import METHODS
from qualcode.errors import QualcodeError

__all__ = ["evaluate_command"]


@app.command("evaluate")
def evaluate_command(
    turns: Annotated[
        Path | None, typer.Option("--turns", help="Turns table or transcript file.")
    ] = None,
    codings: Annotated[
        list[Path] | None, typer.Option("--codings", help="Human codings (repeatable).")
    ] = None,
    project: ProjectOpt = None,
    codebook: Annotated[Path | None, typer.Option("--codebook", help="Codebook YAML.")] = None,
    exclusive: Annotated[
        bool, typer.Option("--exclusive", help="Without a codebook: one code per turn.")
    ] = False,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    method: Annotated[str, typer.Option("--method", help="|".join(METHODS))] = "model",
    test_turns: Annotated[
        Path | None, typer.Option("--test-turns", help="Fixed split: turns to score on.")
    ] = None,
    test_codings: Annotated[
        list[Path] | None, typer.Option("--test-codings", help="Fixed split: their codings.")
    ] = None,
    seen: Annotated[str, typer.Option("--seen", help=SEEN_HELP)] = "interview",
    all_speakers: Annotated[
        bool, typer.Option("--all-speakers", help="Score every role's turns.")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the table (.csv/.xlsx).")] = None,
) -> None:
    """Cross-validate (grouped by interview) or score on a fixed split; per-code figures."""
    import warnings

    from qualcode.evaluation import FoldWarning, evaluate, folds_used
    from qualcode.tables import write_table

    table, human, book = training_inputs(turns, codings, codebook, project, exclusive)
    t_turns = t_codings = None
    if (test_turns is None) != (not test_codings):
        raise QualcodeError("a fixed split needs both --test-turns and --test-codings")
    if test_turns is not None and test_codings:
        t_turns = load_turns(test_turns)
        t_codings = load_codings(test_codings, turns=t_turns, codebook=book)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FoldWarning)
        result = evaluate(
            table,
            human,
            codebook=book,
            exclusive=exclusive,
            method=method,
            folds=folds,
            test_turns=t_turns,
            test_codings=t_codings,
            seen=check_seen(seen),  # type: ignore[arg-type]
            all_speakers=all_speakers,
        )
    for w in caught:
        if issubclass(w.category, FoldWarning):
            typer.echo(f"Warning: {w.message}", err=True)
    folds = folds_used(result) or folds  # fewer when few interviews
    how = (
        "fixed split"
        if t_turns is not None
        else ("no training (rules)" if method == "rules" else f"{folds}-fold CV by interview")
    )
    typer.echo(f"Method {method}, {how}:")
    typer.echo(format_table(result))
    if out is not None:
        typer.echo(f"Wrote {write_table(result, out)}")
