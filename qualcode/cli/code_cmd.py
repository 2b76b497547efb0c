"""``qualcode code``: apply a codebook to transcripts and write turns.csv and codings.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.case_labels import find_case_labels
from qualcode.cli.app import app
from qualcode.cli.inputs import (
    AttributeOpt,
    CasesOpt,
    LangOpt,
    PseudonymsOpt,
    SchedulerOpt,
    echo_pseudonyms,
    engine_option,
    load_cases,
    load_pseudonyms,
)
from qualcode.codebook import read_codebook
from qualcode.coding.job import METHODS, CodingJob
from qualcode.coding.rules import UNITS
from qualcode.errors import QualcodeError
from qualcode.languages import check_language
from qualcode.pseudonyms import Pseudonyms
from qualcode.summaries import coding_run_table, coding_run_text
from qualcode.tables import write_table
from qualcode.transcripts import read_turns

__all__ = ["code_command"]


@app.command("code")
def code_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Transcript files, folders, or a turns table.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for turns.csv and codings.csv.")
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="Code a project's turns; the codings are stored as suggestions to review.",
        ),
    ] = None,
    codebook: Annotated[Path | None, typer.Option("--codebook", help="Codebook YAML file.")] = None,
    all_speakers: Annotated[
        bool, typer.Option("--all-speakers", help="Code every turn, not only participants'.")
    ] = False,
    unit: Annotated[
        str, typer.Option("--unit", help=f"Code whole turns or each sentence: {'|'.join(UNITS)}.")
    ] = "turn",
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="Lemmatiser language (repeat); default: codebook's."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Trained model file (qualcode train).")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help=f"{'|'.join(METHODS)} (default: hybrid when there is "
            "something to learn from: example quotes, --train or --model).",
        ),
    ] = None,
    train: Annotated[
        Path | None, typer.Option("--train", help="Human codings of some of these turns.")
    ] = None,
    report: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Also write the report tables, charts, HTML report and Word appendix to DIR.",
        ),
    ] = False,
    lang: LangOpt = None,
    pseudonyms: PseudonymsOpt = None,
    cases: CasesOpt = None,
    attribute: AttributeOpt = None,
    engine: Annotated[str, engine_option("code")] = "local",
    scheduler: SchedulerOpt = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", help="Dask partitions (whole interviews each)."),
    ] = None,
    csv: Annotated[
        bool,
        typer.Option("--csv", help="With --engine dask: also write turns.csv and codings.csv."),
    ] = False,
) -> None:
    """Code transcripts with a codebook (rules, a trained model or both); write the tables.

    DIR gets turns.csv and codings.csv; with --report also the coded-segment report, charts and
    the Word appendix.
    """
    if lang is not None:
        check_language(lang)
    if unit not in UNITS:
        raise QualcodeError(f"--unit must be {' or '.join(UNITS)}, got {unit!r}")
    if (cases is not None or attribute) and not report:
        raise QualcodeError("--cases and --attribute go with --report (they shape the report)")
    names = load_pseudonyms(pseudonyms)
    if names is not None and engine == "dask":
        raise QualcodeError(
            "--pseudonyms goes with the local engine (report the Dask output after)"
        )
    from qualcode.coding.human import read_codings
    from qualcode.engine import check_engine

    check_engine(engine, scheduler=scheduler, partitions=partitions, csv=csv)
    if project is not None:
        if engine == "dask":
            raise QualcodeError("--engine dask codes transcript files, not a project")
        _code_project(
            project,
            paths=paths or [],
            codebook=codebook,
            model=model,
            train=train,
            method=method,
            all_speakers=all_speakers,
            unit=unit,
            languages=language,
            out=out,
            report=report,
            lang=lang,
            pseudonyms=names,
        )
        return
    if not paths or out is None:
        raise QualcodeError("give transcripts and --out DIR, or --project P.qualcode")
    if codebook is None and model is None:
        raise QualcodeError("no codebook: give --codebook FILE (a codebook .yaml) or --model")
    given = read_codebook(codebook) if codebook is not None else None
    trained = None
    if model is not None:
        from qualcode.coding.classifier import load_model  # scikit-learn: only with a model

        trained = load_model(model, codebook=given)
    book = given if given is not None else trained.codebook_  # type: ignore[union-attr]
    cases_df = load_cases(cases, attribute)
    if engine == "dask":
        if cases_df is not None:
            raise QualcodeError("--cases goes with the local engine (report the Dask output after)")
        from qualcode.cli.dask_run import code_with_dask

        code_with_dask(
            paths=list(paths), out=out, codebook=book, model=trained, train=train,
            all_speakers=all_speakers, unit=unit, languages=language, method=method,
            report=report, lang=lang, scheduler=scheduler, partitions=partitions, csv=csv,
        )  # fmt: skip
        return
    turns = read_turns(list(paths))
    if cases_df is not None:
        from qualcode.cases import case_of_turns

        case_of_turns(turns, cases_df)  # a row that matches no turn fails before coding
    human = read_codings(train, turns=turns, codebook=book) if train is not None else None
    codings = CodingJob.plan(
        turns,
        codebook=book,
        model=trained,
        train_codings=human,
        method=method,
        all_speakers=all_speakers,
        unit=unit,
        languages=language,
    ).code(turns)
    if names is not None:  # the turns and codings written carry the pseudonyms too
        done = names.apply(turns, codings=codings)
        assert done.codings is not None
        turns, codings = done.turns, done.codings
    out.mkdir(parents=True, exist_ok=True)
    turns_path = write_table(turns, out / "turns.csv")
    codings_path = write_table(codings, out / "codings.csv")
    table = coding_run_table(turns, codings, book, all_speakers=all_speakers)
    typer.echo(
        coding_run_text(
            table, codebook=book, n_codings=len(codings), unit=unit, all_speakers=all_speakers
        )
    )
    typer.echo(f"Wrote {turns_path} and {codings_path}")
    if report:
        from qualcode.exchange import write_outputs

        written = write_outputs(
            turns,
            codings,
            book,
            out,
            lang=lang,
            cases=cases_df,
            attributes=attribute or None,
            pseudonyms=names,
            case_labels=find_case_labels(cases),
        )
        typer.echo(
            f"Wrote the report to {out}: " + ", ".join(_relative(p, out) for p in written.values())
        )
    echo_pseudonyms(names)


def _code_project(
    project: Path,
    *,
    paths: list[Path],
    codebook: Path | None,
    model: Path | None,
    train: Path | None,
    method: str | None,
    all_speakers: bool,
    unit: str,
    languages: list[str] | None,
    out: Path | None,
    report: bool,
    lang: str | None,
    pseudonyms: Pseudonyms | None,
) -> None:
    """``code --project``: code the project's turns and store the codings as suggestions."""
    from qualcode.project import Project

    if paths:
        raise QualcodeError(
            f"give transcripts or --project, not both (add transcripts with: qualcode add "
            f"{project} FILES)"
        )
    if codebook is not None or train is not None:
        raise QualcodeError(
            "a project codes with its own codebook and learns from its people's codings; "
            f"change the codebook with: qualcode codes update {project} --codebook FILE"
        )
    if report and out is None:
        raise QualcodeError("--report needs --out DIR")
    proj = Project.open(project)
    book = proj.codebook()
    trained = None
    if model is not None:
        from qualcode.coding.classifier import load_model  # scikit-learn: only with a model

        trained = load_model(model, codebook=book)
    result = proj.code(
        method=method,
        model=trained,
        all_speakers=all_speakers,
        unit=unit,
        languages=languages,
    )
    typer.echo(
        f"Stored {result['suggested']} suggestion(s) in {proj.path} "
        f"({result['replaced']} earlier undecided ones replaced; {result['skipped']} "
        "already decided by people left as they are)."
    )
    typer.echo(f"Next: qualcode review export {proj.path} --out review.xlsx")
    if out is not None:
        # the people's codings and the suggestions just made, marked as suggestions
        turns, codings = proj.turns(), proj.report_codings(include_suggestions=True)
        if pseudonyms is not None:  # the project's stored text stays as it is
            done = pseudonyms.apply(turns, codings=codings)
            assert done.codings is not None
            turns, codings = done.turns, done.codings
        out.mkdir(parents=True, exist_ok=True)
        written = [write_table(turns, out / "turns.csv"), write_table(codings, out / "codings.csv")]
        typer.echo(f"Wrote {written[0]} and {written[1]}")
        if report:
            from qualcode.exchange import write_outputs

            files = write_outputs(turns, codings, book, out, lang=lang, pseudonyms=pseudonyms)
            typer.echo(
                f"Wrote the report to {out}: "
                + ", ".join(_relative(p, out) for p in files.values())
            )
        echo_pseudonyms(pseudonyms)


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(Path(path).relative_to(folder))
    except ValueError:
        return str(path)
