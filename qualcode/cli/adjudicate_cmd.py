"""``qualcode adjudicate``: settle two coders' differences in a sheet, then import it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.project_cmd import WhoOpt, open_project
from qualcode.errors import QualcodeError

__all__ = ["adjudicate_command"]

_USAGE = (
    "qualcode adjudicate P.qualcode --coders A B [--as consensus] --out sheet.xlsx, "
    "or qualcode adjudicate import P.qualcode sheet.xlsx"
)


@app.command("adjudicate")
def adjudicate_command(
    args: Annotated[
        list[str],
        typer.Argument(
            help="P.qualcode (write the sheet), or: import P.qualcode SHEET.xlsx (read it back).",
            metavar="[import] P.qualcode [SHEET.xlsx]",
            show_default=False,
        ),
    ],
    coders: Annotated[
        tuple[str, str] | None,
        typer.Option("--coders", help="The two coders whose differences to settle."),
    ] = None,
    consensus: Annotated[
        str | None,
        typer.Option("--as", help="The coder whose codings the sheet makes (default consensus)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="The .xlsx sheet to write.")] = None,
    who: WhoOpt = None,
) -> None:
    """Write each cell two coders disagree on to a sheet with an empty final column; import
    the filled-in sheet as the consensus coder's codings (cells both coded become theirs at
    once). A badly edited sheet is refused, naming its rows, and nothing is imported."""
    if args and args[0] == "import":
        if len(args) != 3:
            raise QualcodeError(f"adjudicate import takes the project and the sheet: {_USAGE}")
        if coders is not None or out is not None:
            raise QualcodeError("the sheet names its coders: give no --coders or --out to import")
        _import(Path(args[1]), Path(args[2]), consensus=consensus, who=who)
        return
    if len(args) != 1 or coders is None or out is None:
        raise QualcodeError(f"give the project, --coders A B and --out: {_USAGE}")
    from qualcode.exchange.adjudication import write_adjudication_table
    from qualcode.project.team import CONSENSUS

    proj = open_project(Path(args[0]))
    table = proj.adjudication_table(coders=coders)
    path = write_adjudication_table(table, out, project=proj, consensus=consensus or CONSENSUS)
    typer.echo(
        f"Wrote {len(table)} disagreement(s) between {coders[0]} and {coders[1]} to {path}. "
        "Choose coded or not coded in the final column, then: "
        f"qualcode adjudicate import {proj.path} {path}"
    )


def _import(project: Path, sheet: Path, *, consensus: str | None, who: str | None) -> None:
    from qualcode.exchange.adjudication import import_adjudication_sheet

    proj = open_project(project)
    result = import_adjudication_sheet(sheet, proj, consensus=consensus, who=who)
    if not result["added"] and not result["retired"]:
        typer.echo(f"Nothing changed: {result['consensus']}'s codings already hold this sheet.")
        return
    typer.echo(
        f"{result['agreed']} cell(s) both coders coded and {result['coded']} settled as coded "
        f"became {result['consensus']}'s codings "
        f"({result['added']} stored); {result['not_coded']} settled as not coded"
        + (f" ({result['retired']} earlier coding(s) retired)" if result["retired"] else "")
        + f"; {result['open']} left open. Undo: qualcode undo {proj.path}"
    )
