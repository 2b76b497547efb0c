"""``qualcode agree``: agreement between two or more coders (people or machine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import (
    ProjectOpt,
    format_table,
    load_codebook,
    load_codings,
    load_turns,
    open_project_file,
)
from qualcode.display import pandas_text
from qualcode.errors import QualcodeError

__all__ = ["agree_command"]


@app.command("agree")
def agree_command(
    codings: Annotated[
        list[Path] | None, typer.Argument(help="Codings files (one or more coders each).")
    ] = None,
    project: ProjectOpt = None,
    turns: Annotated[
        Path | None, typer.Option("--turns", help="Turns table: units and disagreement text.")
    ] = None,
    codebook: Annotated[Path | None, typer.Option("--codebook", help="Codebook YAML.")] = None,
    seen: Annotated[
        str | None,
        typer.Option(
            "--seen",
            help="all: every coder saw every turn; interview: the interviews "
            "a coder coded in (needs --turns). Default: all; interview with --project.",
        ),
    ] = None,
    all_speakers: Annotated[
        bool,
        typer.Option(
            "--all-speakers",
            help="Count every turn as a unit, not only the participants' (needs --turns).",
        ),
    ] = False,
    coders: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--coders",
            help="The two coders to compare (default: all; with --project, every person).",
        ),
    ] = None,
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            help="turn, or character: span-coded work compared character by character "
            "(Cohen's kappa over all characters of the compared turns; needs the turns).",
        ),
    ] = "turn",
    out: Annotated[Path | None, typer.Option("--out", help="Write the table (.csv/.xlsx).")] = None,
    disagreements_out: Annotated[
        Path | None,
        typer.Option("--disagreements", help="Write the disagreement list (needs --turns)."),
    ] = None,
) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and overall.

    With --project: the people's codings (what each person coded and the suggestions they
    accepted), over the interviews both coders coded in; name rules or model in --coders to
    compare a person with the machine's suggestions.
    """
    import warnings

    from qualcode.agreement import SEEN, agreement_table, disagreements
    from qualcode.agreement.tables import coders_in_order
    from qualcode.errors import UndefinedStatisticWarning
    from qualcode.project.team import UNITS, team_codings
    from qualcode.span_agreement import character_agreement, character_disagreements
    from qualcode.tables import write_table

    if unit not in UNITS:
        raise QualcodeError(f"--unit must be {' or '.join(UNITS)}, got {unit!r}")
    if project is None:
        seen = seen or "all"
    if seen is not None and seen not in SEEN:
        raise QualcodeError(f"--seen must be {' or '.join(SEEN)}, got {seen!r}")
    if project is not None:
        if codings or turns is not None:
            raise QualcodeError("give --project or codings files (and --turns), not both")
        proj = open_project_file(project)
        book = load_codebook(codebook) or proj.codebook()
        table = proj.turns()
        human = team_codings(proj, list(coders) if coders else None)
        # a project's coders need not have coded every interview
        seen = seen or "interview"
    elif not codings:
        raise QualcodeError("give codings files (one or more coders), or --project")
    else:
        book = load_codebook(codebook)
        table = load_turns(turns) if turns is not None else None
        human = load_codings(codings, turns=table, codebook=book)
    if unit == "character" and table is None:
        raise QualcodeError("--unit character needs --turns (the text whose characters count)")
    names = list(coders) if coders else coders_in_order(human)
    options: dict[str, Any] = {
        "codebook": book,
        "coders": names,
        "seen": seen,
        "all_speakers": all_speakers,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndefinedStatisticWarning)
        if unit == "character":
            assert table is not None
            result = character_agreement(human, turns=table, **options)
        else:
            result = agreement_table(human, turns=table, **options)
    for w in caught:
        if issubclass(w.category, UndefinedStatisticWarning):
            typer.echo(f"Warning: {w.message}", err=True)
    if table is None:
        units = "turns coded by anyone"
    elif all_speakers:
        units = "all turns of the turns table"
    else:
        units = "participant turns (and any other turn someone coded)"
    if project is not None and seen == "interview":
        units += " in the interviews both coders of a pair coded in"
    if unit == "character":
        units = "the characters of " + units
    typer.echo(f"Agreement of {len(names)} coders ({', '.join(names)}) over {units}:")
    if project is not None:
        typer.echo(
            "(a person's codings: what they coded and the machine suggestions they accepted; "
            "a suggestion they rejected or left open counts as not coded)"
        )
    typer.echo(format_table(result))
    if out is not None:
        typer.echo(f"Wrote {write_table(result, out)}")
    if table is not None:
        if unit == "character":  # a turn both coded with other spans is a disagreement too
            diff = character_disagreements(human, turns=table, **options)
        else:
            diff = disagreements(human, turns=table, **options)
        typer.echo(
            f"{len(diff)} disagreement(s)"
            + (" (turns whose characters were coded differently)." if unit == "character" else ".")
        )
        shown = ["turn_id", "code", "coded_by", *(["characters"] if unit == "character" else [])]
        if len(diff):
            shortened = _shorten_text(diff.head(20)[[*shown, "text"]])
            typer.echo(pandas_text(shortened, max_colwidth=60, justify="left"))
        if disagreements_out is not None:
            typer.echo(f"Wrote {write_table(diff, disagreements_out)}")
    elif disagreements_out is not None:
        raise QualcodeError("--disagreements needs --turns (the turn texts)")


def _shorten_text(table: pd.DataFrame, width: int = 80) -> pd.DataFrame:
    """Return ``table`` with its ``text`` column cut to ``width`` characters for the terminal."""
    text = table["text"].astype(str)
    cut = text.where(text.str.len() <= width, text.str.slice(0, width - 1) + "…")
    return table.assign(text=cut.str.ljust(min(width, int(cut.str.len().max() or 0))))
