"""``qualcode search`` and ``qualcode words``: find a word or phrase, count words.

Both read transcripts, folders, a turns table or a project (``P.qualcode`` as the path, or
``--project P``); with a project, its codebook's languages are the default ``--lang``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from qualcode import schema
from qualcode.cli.app import app
from qualcode.errors import QualcodeError
from qualcode.wordcount import BY_CHOICES

__all__ = [
    "PROJECT_SUFFIX",
    "SHOWN_CONTEXT",
    "InterviewOpt",
    "LangOpt",
    "PathsArg",
    "ProjectOpt",
    "RoleOpt",
    "SpeakerOpt",
    "format_hits",
    "read_search_turns",
    "search_command",
    "words_command",
]

PROJECT_SUFFIX = ".qualcode"
#: characters of context shown on each side of a hit on the terminal
SHOWN_CONTEXT = 45

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Transcript files, folders, a turns table, or a project (P.qualcode)."),
]
ProjectOpt = Annotated[
    Path | None, typer.Option("--project", help="A project (P.qualcode) in place of PATH.")
]
LangOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--lang",
        help="Language of lemmas and stop words, repeatable (default: id and en, or the "
        "project codebook's languages).",
    ),
]
InterviewOpt = Annotated[
    list[str] | None, typer.Option("--interview", help="Only this interview (repeatable).")
]
SpeakerOpt = Annotated[
    list[str] | None, typer.Option("--speaker", help="Only this speaker label (repeatable).")
]
RoleOpt = Annotated[
    list[str] | None,
    typer.Option("--role", help=f"Only this role (repeatable): {'|'.join(schema.ROLES)}."),
]


def read_search_turns(
    paths: list[Path] | None, project: Path | None, lang: list[str] | None
) -> tuple[pd.DataFrame, list[str] | tuple[str, ...]]:
    """The turns to search and the languages to use, from PATH... or a project."""
    from qualcode.wordcount import DEFAULT_LANGUAGES

    items = list(paths or [])
    if project is not None and items:
        msg = "give PATH... or --project P.qualcode, not both"
        raise QualcodeError(msg)
    if project is None and len(items) == 1 and items[0].suffix.lower() == PROJECT_SUFFIX:
        project = items[0]
    if project is not None:
        from qualcode.project import Project

        proj = Project.open(project)
        return proj.turns(), lang or proj.codebook().languages
    if not items:
        msg = "give transcript files, folders, a turns table or a project (P.qualcode)"
        raise QualcodeError(msg)
    from qualcode.transcripts import read_turns

    for path in items:
        if not path.exists():
            msg = f"{path}: file not found"
            raise QualcodeError(msg)
    return read_turns(items), lang or DEFAULT_LANGUAGES


def _clip_left(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def _clip_right(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_hits(hits: pd.DataFrame, *, limit: int | None) -> list[str]:
    """Keyword-in-context lines, grouped under their interview: speaker, turn, context."""
    shown = hits if limit is None else hits.head(limit)
    lines: list[str] = []
    interview = ""
    for row in shown.itertuples(index=False):
        if str(row.interview) != interview:
            interview = str(row.interview)
            lines.append(interview)
        left = _clip_left(str(row.left), SHOWN_CONTEXT)
        right = _clip_right(str(row.right), SHOWN_CONTEXT)
        where = f"{row.speaker} #{row.position}"
        lines.append(f"  {where:<10} {left:>{SHOWN_CONTEXT}} [{row.matched}] {right}")
    return lines


@app.command("search")
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            help='Word (any form), =word (this form), "a phrase", or alternatives a | b.'
        ),
    ],
    paths: PathsArg = None,
    project: ProjectOpt = None,
    interview: InterviewOpt = None,
    speaker: SpeakerOpt = None,
    role: RoleOpt = None,
    context: Annotated[int, typer.Option("--context", help="Words of context on each side.")] = 8,
    lang: LangOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Hits shown on the terminal (0: all); --out has all.")
    ] = 50,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every hit (.csv/.xlsx/.parquet).")
    ] = None,
) -> None:
    """Find a word or phrase as keyword rules match it, as keyword-in-context lines."""
    from qualcode.tables import write_table
    from qualcode.textsearch import SearchIndex

    if limit < 0:
        raise QualcodeError(f"--limit must be 0 (all) or more, got {limit}")
    turns, languages = read_search_turns(paths, project, lang)
    hits = SearchIndex(turns, lang=languages).search(
        query, context=context, interview=interview, speaker=speaker, role=role
    )
    if out is not None:
        write_table(hits, out, sheet_name="hits")
    n_turns = hits[schema.TURN_ID].nunique()
    n_interviews = hits[schema.INTERVIEW].nunique()
    if not len(hits):
        typer.echo(f"No hits for {query!r} in {len(turns)} turns.")
    else:
        typer.echo(
            f"{len(hits)} hits for {query!r} in {n_turns} turns of {n_interviews} interviews:"
        )
        for line in format_hits(hits, limit=limit or None):
            typer.echo(line)
        if limit and len(hits) > limit:
            more = f"... and {len(hits) - limit} more"
            typer.echo(f"{more} ({'in ' + str(out) if out else 'see --out or --limit 0'}).")
    if out is not None:
        typer.echo(f"Wrote {len(hits)} hits to {out}")


@app.command("words")
def words_command(
    paths: PathsArg = None,
    project: ProjectOpt = None,
    by: Annotated[
        str, typer.Option("--by", help=f"Count per {'|'.join(BY_CHOICES)}.")
    ] = schema.INTERVIEW,
    top: Annotated[
        int | None,
        typer.Option("--top", help="Words per group (default: 20 shown, all written)."),
    ] = None,
    lemmas: Annotated[
        bool, typer.Option("--lemmas", help="Count lemmas (klien for kliennya).")
    ] = False,
    keep_stop_words: Annotated[
        bool, typer.Option("--keep-stop-words", help="Count stop words as well.")
    ] = False,
    stop_word: Annotated[
        list[str] | None,
        typer.Option("--stop-word", help="Another word to leave out (repeatable)."),
    ] = None,
    interview: InterviewOpt = None,
    speaker: SpeakerOpt = None,
    role: RoleOpt = None,
    lang: LangOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the table (.csv/.xlsx/.parquet).")
    ] = None,
) -> None:
    """Word frequencies per interview, speaker or role, without stop words."""
    from qualcode.tables import write_table
    from qualcode.textsearch import SearchIndex
    from qualcode.wordcount import check_by, frequency_lines

    check_by(by)  # a wrong --by fails before the transcripts are read
    turns, languages = read_search_turns(paths, project, lang)
    freq = SearchIndex(turns, lang=languages).word_frequencies(
        by=by,
        stop_words=not keep_stop_words,
        extra_stop_words=stop_word or (),
        lemmas=lemmas,
        top=top,
        interview=interview,
        speaker=speaker,
        role=role,
    )
    if out is not None:
        write_table(freq, out, sheet_name="words")
    for line in frequency_lines(freq, shown=top or 20):
        typer.echo(line)
    if not len(freq):
        typer.echo("No words counted.")
    if out is not None:
        typer.echo(f"Wrote {len(freq)} rows to {out}")
