"""Project commands: ``init``, ``add``, ``status``, ``log``, ``undo``, ``memo`` and ``codes``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.display import pandas_text
from qualcode.errors import QualcodeError

__all__ = [
    "ProjectArg",
    "WhoOpt",
    "add_command",
    "codes_app",
    "codes_delete",
    "codes_merge",
    "codes_rename",
    "codes_update",
    "init_command",
    "log_command",
    "memo_command",
    "open_project",
    "status_command",
    "undo_command",
]

ProjectArg = Annotated[Path, typer.Argument(help="The project file (e.g. study.qualcode).")]
WhoOpt = Annotated[
    str | None,
    typer.Option("--who", help="Name recorded in the log (default: $QUALCODE_USER or login)."),
]

codes_app = typer.Typer(
    help="Change the project's codebook: rename, merge or delete codes, or replace it.",
    no_args_is_help=True,
)
app.add_typer(codes_app, name="codes")


def open_project(path: Path):
    """Open the project file named on the command line."""
    from qualcode.project import Project

    return Project.open(path)


@app.command("init")
def init_command(
    project: ProjectArg,
    codebook: Annotated[Path, typer.Option("--codebook", help="Codebook YAML (or .qdc).")],
    who: WhoOpt = None,
) -> None:
    """Create a project file with a codebook."""
    from qualcode.codebook import read_codebook
    from qualcode.project import Project

    book = read_codebook(codebook)
    created = Project.create(project, book, who=who)
    typer.echo(
        f"Created {created.path} with codebook {book.name!r} ({len(book.codes)} codes). "
        f"Next: qualcode add {created.path} TRANSCRIPTS..."
    )


@app.command("add")
def add_command(
    project: ProjectArg,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Transcript files or folders to add.")
    ] = None,
    roles: Annotated[
        str | None, typer.Option("--roles", help='Speaker roles, e.g. "P=interviewer".')
    ] = None,
    cases: Annotated[
        Path | None, typer.Option("--cases", help="Cases and attributes (CSV/XLSX).")
    ] = None,
    codings: Annotated[
        list[Path] | None,
        typer.Option("--codings", help="People's codings of the project's turns (repeatable)."),
    ] = None,
    keep_paragraphs: Annotated[
        bool,
        typer.Option(
            "--keep-paragraphs",
            help="Keep a speaker's consecutive paragraphs (cues, rows) as separate turns.",
        ),
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace files that changed: codings of unchanged turns are kept, "
            "the others listed.",
        ),
    ] = False,
    who: WhoOpt = None,
) -> None:
    """Add transcripts (and cases, and people's codings) to a project."""
    if not paths and cases is None and not codings:
        raise QualcodeError("nothing to add: give transcript files, --cases or --codings")
    proj = open_project(project)
    if paths:
        result = proj.add_transcripts(
            paths, replace=replace, who=who, roles=roles, keep_paragraphs=keep_paragraphs
        )
        parts = []
        if result.added:
            parts.append(f"added {len(result.added)} transcript(s)")
        if result.replaced:
            parts.append(f"replaced {len(result.replaced)} ({', '.join(result.replaced)})")
        if result.unchanged:
            parts.append(f"{len(result.unchanged)} unchanged, left as they are")
        typer.echo(f"{'; '.join(parts).capitalize()}: {result.turns} turns stored.")
        if result.replaced:
            typer.echo(f"Kept {result.kept} coding(s) on unchanged turns.")
            if len(result.dropped):
                typer.echo(
                    f"{len(result.dropped)} coding(s) by people were on turns whose text "
                    "changed and were retired (`qualcode undo` brings them back):"
                )
                typer.echo(pandas_text(result.dropped, max_colwidth=60))
    if cases is not None:
        from qualcode.cases import read_cases

        table = read_cases(cases)
        proj.set_cases(table, who=who)
        typer.echo(f"Stored {table['case'].nunique()} case(s) from {cases}.")
    if codings:
        from qualcode.coding.human import read_codings

        turns = proj.turns()
        book = proj.codebook()
        total = 0
        for path in codings:
            total += proj.add_codings(read_codings(path, turns=turns, codebook=book), who=who)
        typer.echo(f"Stored {total} new coding(s) by people.")


@app.command("status")
def status_command(project: ProjectArg) -> None:
    """What the project holds: transcripts, turns, cases, codes, codings by coder and status."""
    proj = open_project(project)
    s = proj.status()
    book = proj.codebook()
    typer.echo(f"Project {proj.path} (codebook {book.name!r})")
    typer.echo(
        f"  {s['transcripts']} transcript(s), {s['interviews']} interview(s), "
        f"{s['turns']} turns, {s['cases']} case(s), {s['codes']} codes, {s['memos']} memo(s), "
        f"{s['batches']} change(s) in the log"
    )
    table = s["codings"]
    if len(table):
        typer.echo("Codings by coder, origin and status:")
        typer.echo(table.to_string(index=False))
    else:
        typer.echo(f"No codings yet. Next: qualcode code --project {proj.path}")


@app.command("log")
def log_command(
    project: ProjectArg,
    last: Annotated[int | None, typer.Option("--last", help="Show only the last N.")] = None,
) -> None:
    """List the changes (batches): who, when, what and how many rows."""
    table = open_project(project).log()
    if last is not None:
        table = table.tail(last)
    undone = [
        "" if missing else f"undone by {b}"
        for b, missing in zip(table["undone_by"], table["undone_by"].isna(), strict=True)
    ]
    shown = table.assign(undone=undone).drop(columns="undone_by")
    typer.echo(pandas_text(shown, max_colwidth=90))


@app.command("undo")
def undo_command(project: ProjectArg, who: WhoOpt = None) -> None:
    """Undo the latest change that is not undone yet."""
    batch = open_project(project).undo(who=who)
    typer.echo(
        f"Undid batch {batch.id} ({batch.action} by {batch.who} at {batch.at}: {batch.summary})."
    )


@app.command("memo")
def memo_command(
    project: ProjectArg,
    text: Annotated[str, typer.Argument(help="The memo's text.")],
    turn: Annotated[str | None, typer.Option("--turn", help="About this turn id.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="About this code.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="About this case.")] = None,
    who: WhoOpt = None,
) -> None:
    """Write a memo on the project, a turn, a code or a case."""
    memo = open_project(project).add_memo(text, turn=turn, code=code, case=case, author=who)
    typer.echo(f"Stored memo {memo}.")


@codes_app.command("rename")
def codes_rename(
    project: ProjectArg,
    old: Annotated[str, typer.Argument(help="The code's name now.")],
    new: Annotated[str, typer.Argument(help="Its new name.")],
    who: WhoOpt = None,
) -> None:
    """Rename a code; its codings keep it."""
    open_project(project).rename_code(old, new, who=who)
    typer.echo(f"Renamed code {old!r} to {new!r}.")


@codes_app.command("merge")
def codes_merge(
    project: ProjectArg,
    source: Annotated[str, typer.Argument(help="The code to merge away.")],
    into: Annotated[str, typer.Argument(help="The code that receives its codings.")],
    who: WhoOpt = None,
) -> None:
    """Merge one code into another: its codings move, the code goes."""
    open_project(project).merge_codes(source, into, who=who)
    typer.echo(f"Merged code {source!r} into {into!r}.")


@codes_app.command("delete")
def codes_delete(
    project: ProjectArg,
    name: Annotated[str, typer.Argument(help="The code to delete.")],
    force: Annotated[
        bool, typer.Option("--force", help="Also delete its codings (undo brings them back).")
    ] = False,
    who: WhoOpt = None,
) -> None:
    """Delete a code (one with codings needs --force)."""
    open_project(project).delete_code(name, force=force, who=who)
    typer.echo(f"Deleted code {name!r}.")


@codes_app.command("update")
def codes_update(
    project: ProjectArg,
    codebook: Annotated[Path, typer.Option("--codebook", help="The new codebook YAML.")],
    force: Annotated[
        bool, typer.Option("--force", help="Allow codes with codings to disappear.")
    ] = False,
    who: WhoOpt = None,
) -> None:
    """Replace the codebook with a new version (definitions, keywords, new codes)."""
    open_project(project).set_codebook(codebook, force=force, who=who)
    typer.echo(f"The project now uses the codebook in {codebook}.")
