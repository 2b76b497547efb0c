"""``qualcode import qdpx|qdc FILE --project P``: REFI-QDA files into a project."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from qualcode.cli.app import app
from qualcode.cli.project_cmd import WhoOpt

import_app = typer.Typer(
    help="Import REFI-QDA files (NVivo, ATLAS.ti, MAXQDA, QualCoder) into a project.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

T = TypeVar("T")


@contextmanager
def plain_warnings() -> Iterator[None]:
    """Print the warnings of the block as ``Warning: <message>`` lines on stderr (not Python's
    warning format, which names a line of qualcode's code), also when the block fails."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                typer.echo(f"Warning: {w.message}", err=True)


def run_quietly(func: Callable[[], T]) -> T:
    """Run ``func`` with its warnings printed as plain lines."""
    with plain_warnings():
        return func()


ProjectTarget = Annotated[
    Path,
    typer.Option("--project", help="The project to import into (created if it does not exist)."),
]


@import_app.command("qdpx")
def import_qdpx(
    file: Annotated[Path, typer.Argument(help="The .qdpx project file.")],
    project: ProjectTarget,
    who: WhoOpt = None,
) -> None:
    """Import a REFI-QDA project: sources as transcripts, codes, codings, cases (one undo)."""
    from qualcode.exchange.refi.project import import_project_qdpx

    existed = project.exists()
    proj = run_quietly(lambda: import_project_qdpx(file, project, who=who))
    s = proj.status()
    typer.echo(
        f"{'Imported into' if existed else 'Created'} {proj.path} from {file}: "
        f"{s['transcripts']} transcript(s), {s['turns']} turns, {s['codes']} codes, "
        f"{len(proj.codings(people=True))} codings by people, {s['cases']} case(s)."
    )


@import_app.command("qdc")
def import_qdc(
    file: Annotated[Path, typer.Argument(help="The .qdc codebook file.")],
    project: ProjectTarget,
    who: WhoOpt = None,
) -> None:
    """Import a REFI-QDA codebook: a new project with it, or its new codes into a project."""
    from qualcode.exchange.refi.project import import_project_qdc

    proj = run_quietly(lambda: import_project_qdc(file, project, who=who))
    typer.echo(f"{proj.path} now has {len(proj.codebook().codes)} codes.")
