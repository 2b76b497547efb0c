"""``qualcode import qdpx|qdc FILE --project P``: REFI-QDA files into a project."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from qualcode.cli.app import app
from qualcode.cli.project_cmd import ProjectArg, WhoOpt, open_project

if TYPE_CHECKING:
    from qualcode.project.merge import MergeResult

__all__ = [
    "AsNewOpt",
    "ProjectTarget",
    "describe_merge",
    "import_app",
    "import_qdc",
    "import_qdpx",
    "merge_command",
    "plain_warnings",
    "run_quietly",
]

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


AsNewOpt = Annotated[
    bool,
    typer.Option(
        "--as-new",
        help="Add an interview whose name the project has but whose text differs as a new "
        "interview, instead of refusing the merge.",
    ),
]


def describe_merge(result: MergeResult, source: Path, project: Path) -> str:
    """One paragraph saying what a merge did (or that nothing was new)."""
    if not result.changed:
        return (
            f"Nothing new in {source}: {project} has its {len(result.matched)} interview(s), "
            "codings, cases and memos already."
        )
    parts = [f"{len(result.matched)} interview(s) matched by text"]
    if result.added:
        parts.append(f"{len(result.added)} added ({', '.join(result.added[:5])})")
    coders = f" by {', '.join(result.coders)}" if result.coders else ""
    parts.append(f"{result.codings} coding(s){coders}")
    if result.suggestions:
        parts.append(f"{result.suggestions} suggestion(s)")
    if result.rejections or result.rejections_unmatched:
        parts.append(
            f"{result.rejections} rejection(s) carried"
            + (
                f" ({result.rejections_unmatched} without a matching suggestion here, left out)"
                if result.rejections_unmatched
                else ""
            )
        )
    if result.codes:
        parts.append(f"{result.codes} new code(s)")
    parts.append(
        f"{result.cases} case(s)"
        + (f" ({result.cases_kept} the project has, kept as they are)" if result.cases_kept else "")
    )
    parts.append(f"{result.memos} memo(s)")
    return (
        f"Merged {source} into {project} (batch {result.batch}; undo takes it all back): "
        + "; ".join(parts)
        + "."
    )


@import_app.command("qdpx")
def import_qdpx(
    file: Annotated[Path, typer.Argument(help="The .qdpx project file.")],
    project: ProjectTarget,
    as_new: AsNewOpt = False,
    who: WhoOpt = None,
) -> None:
    """Import a REFI-QDA project: sources as transcripts, codes, codings, cases, memos (one undo).

    Into a project that holds the same sources (a second coder's export), sources are matched
    by their text and the codings land on the project's turns under their coders' names.
    """
    from qualcode.exchange.refi.project import import_project_qdpx, merge_qdpx

    if project.exists():
        proj = open_project(project)
        result = run_quietly(lambda: merge_qdpx(proj, file, as_new=as_new, who=who))
        typer.echo(describe_merge(result, file, proj.path))
        return
    proj = run_quietly(lambda: import_project_qdpx(file, project, as_new=as_new, who=who))
    s = proj.status()
    typer.echo(
        f"Created {proj.path} from {file}: "
        f"{s['transcripts']} transcript(s), {s['turns']} turns, {s['codes']} codes, "
        f"{len(proj.codings(people=True))} codings by people, {s['cases']} case(s), "
        f"{s['memos']} memo(s)."
    )


@app.command("merge")
def merge_command(
    project: ProjectArg,
    other: Annotated[Path, typer.Argument(help="A colleague's copy of the project (.qualcode).")],
    as_new: AsNewOpt = False,
    who: WhoOpt = None,
) -> None:
    """Merge a colleague's copy of the project: their codings, decisions, memos and cases.

    Interviews are matched by their text; the colleague's codings land on this project's turns
    under their own coder names. One batch: `undo` removes the whole merge.
    """
    from qualcode.errors import ProjectError

    if other.suffix.lower() == ".qdpx":
        msg = (
            f"a REFI-QDA file, not a qualcode project; merge it with "
            f"`qualcode import qdpx {other} --project {project}`"
        )
        raise ProjectError(msg, path=other)
    proj = open_project(project)
    result = run_quietly(lambda: proj.merge(other, as_new=as_new, who=who))
    typer.echo(describe_merge(result, other, proj.path))


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
