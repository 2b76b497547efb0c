"""``qualcode review export|import``: machine suggestions out to a sheet, decisions back in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.project_cmd import ProjectArg, open_project

__all__ = ["review_app", "review_export", "review_import"]

review_app = typer.Typer(
    help="Review machine suggestions in Excel: export a sheet, decide, import it.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")


@review_app.command("export")
def review_export(
    project: ProjectArg,
    out: Annotated[Path, typer.Option("--out", help="The .xlsx review sheet to write.")],
    code: Annotated[
        list[str] | None, typer.Option("--code", help="Only this code (repeatable).")
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option("--coder", help="Only suggestions this person has not decided yet."),
    ] = None,
) -> None:
    """Write one row per suggestion waiting for a decision, with an empty decision column."""
    from qualcode.exchange.review import review_table, write_review_table

    proj = open_project(project)
    table = review_table(proj, code=code or None, coder=coder)
    path = write_review_table(table, out)
    typer.echo(
        f"Wrote {len(table)} suggestion(s) to {path}. Fill in the decision column "
        f"(accept / reject), then: qualcode review import {proj.path} {path} --coder NAME"
    )


@review_app.command("import")
def review_import(
    project: ProjectArg,
    sheet: Annotated[Path, typer.Argument(help="The review sheet with decisions.")],
    coder: Annotated[str, typer.Option("--coder", help="Who made the decisions.")],
) -> None:
    """Store the decisions of a review sheet (nothing is stored if a row is wrong)."""
    from qualcode.exchange.review import import_review_sheet

    result = import_review_sheet(sheet, open_project(project), coder=coder)
    typer.echo(
        f"{coder}: {result['accepted']} accepted, {result['rejected']} rejected, "
        f"{result['unchanged']} unchanged (decided the same before)."
    )
    if not result["batch"]:
        typer.echo("Nothing changed, so nothing was logged (undo is unaffected).")
