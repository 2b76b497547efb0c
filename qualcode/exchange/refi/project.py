"""A qualcode project to and from REFI-QDA files (.qdpx projects, .qdc codebooks).

Export writes the people's codings (what a person coded or accepted), the codebook with the
project's code GUIDs, and the cases; machine suggestions waiting for review stay behind unless
asked for, since another tool would show them as codings. Import is one batch: the transcripts,
codes, codings and cases of the file arrive together or not at all, and one undo removes them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qualcode import schema
from qualcode.codebook import Theme
from qualcode.errors import ExchangeError, TableError
from qualcode.exchange.refi.codes import DEFAULT_THEME
from qualcode.exchange.refi.qdc import read_qdc
from qualcode.exchange.refi.reader import RefiProject, read_qdpx
from qualcode.exchange.refi.writer import write_qdpx
from qualcode.project import Project
from qualcode.project.merge import Incoming, MergeResult, merge_into, with_codes_of
from qualcode.project.reading import MACHINE_CODERS
from qualcode.provenance import STATUS
from qualcode.pseudonyms import Pseudonyms

__all__ = ["export_project_qdpx", "import_project_qdc", "import_project_qdpx", "merge_qdpx"]


def export_project_qdpx(
    project: Project,
    path: str | Path,
    *,
    suggestions: bool = False,
    pseudonyms: Pseudonyms | None = None,
    coder: str | list[str] | None = None,
) -> Path:
    """Write a project as a REFI-QDA .qdpx file.

    Parameters
    ----------
    project : Project
    path : str or Path
        The .qdpx file.
    suggestions : bool, default False
        Also write the machine suggestions nobody rejected (as codings by users ``rules`` and
        ``model``).
    pseudonyms : Pseudonyms, optional
        Names replaced in the sources, cases, codebook and memos written (the project's
        stored text is not changed); see :mod:`qualcode.pseudonyms`.
    coder : str or list of str, optional
        Only these coders' codings (``"consensus"`` after adjudication); the file's users are
        the coders written.

    Returns
    -------
    Path
        The file written.
    """
    shown = project.report_codings(coder=coder, include_suggestions=suggestions)
    codings = shown.drop(columns=[STATUS])
    cases = project.cases()
    log = project.log()
    turns, codebook, memos = project.turns(), project.codebook(), project.memos()
    if pseudonyms is not None:
        done = pseudonyms.apply(turns, codings=codings, cases=cases, codebook=codebook)
        assert done.codings is not None and done.cases is not None and done.codebook is not None
        turns, codings, cases, codebook = done.turns, done.codings, done.cases, done.codebook
        memos = memos.assign(text=memos["text"].astype("string").map(pseudonyms.replace_text))
    return write_qdpx(
        path,
        turns=turns,
        codings=codings,
        codebook=codebook,
        cases=cases if len(cases) else None,
        memos=memos,
        project_name=project.path.stem,
        namespace=project.id,
        code_guids=project.code_guids(),
        created=str(log["at"].iloc[-1]) if len(log) else None,
    )


def import_project_qdpx(
    qdpx: str | Path,
    project: str | Path,
    *,
    as_new: bool = False,
    who: str | None = None,
) -> Project:
    """Import a REFI-QDA .qdpx file into a project (created if it does not exist).

    Into a project that holds the same sources (a second coder's export of the same study),
    each source is matched to the project's interview by its text, and its codings land on the
    project's turns under their coders' names (see :mod:`qualcode.project.merge`); sources the
    project lacks are added; a source with a project interview's name but other text is
    refused unless ``as_new``. One batch; importing the same file again changes nothing.

    Returns
    -------
    Project
        The project, open (:func:`merge_qdpx` returns what was merged instead).
    """
    target = Path(project)
    if target.exists():
        proj = Project.open(target)
        try:
            merge_qdpx(proj, qdpx, as_new=as_new, who=who)
        except BaseException:
            proj.close()
            raise
        return proj
    refi = read_qdpx(qdpx)
    book = refi.codebook
    if not book.themes:  # an empty project (ATLAS.ti writes no CodeBook then)
        book = dataclasses.replace(book, themes=(Theme(name=DEFAULT_THEME),))
    proj = Project.create(target, book, who=who, code_guids=refi.code_guids)
    try:
        _merge(proj, refi, Path(qdpx), as_new=as_new, who=who)
    except BaseException:
        proj.close()
        _remove_project_file(target)
        raise
    return proj


def merge_qdpx(
    project: Project, qdpx: str | Path, *, as_new: bool = False, who: str | None = None
) -> MergeResult:
    """Merge a .qdpx file into an open project (see :func:`import_project_qdpx`)."""
    return _merge(project, read_qdpx(qdpx), Path(qdpx), as_new=as_new, who=who)


def _remove_project_file(path: Path) -> None:
    """Delete a project file this import created (and SQLite's companion files)."""
    for p in (path, *(path.with_name(path.name + x) for x in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)


def _merge(
    proj: Project, refi: RefiProject, qdpx: Path, *, as_new: bool, who: str | None
) -> MergeResult:
    machine = refi.codings[schema.CODER].isin(MACHINE_CODERS)
    incoming = Incoming(
        name=qdpx.name,
        turns=refi.turns,
        codings=refi.codings[~machine],
        codebook=refi.codebook,
        code_guids=refi.code_guids,
        suggestions=refi.codings[machine] if machine.any() else None,
        cases=refi.cases,
        memos=refi.memos,
    )
    try:
        return merge_into(proj, incoming, as_new=as_new, action="import", who=who)
    except TableError as err:
        if "case" not in err.reason:
            raise
        msg = (
            f"its cases cannot be stored: {err.reason} (rows count the file's Case links, "
            "from 2); expected each interview or speaker in one case"
        )
        raise ExchangeError(msg, path=qdpx) from err


def import_project_qdc(qdc: str | Path, project: str | Path, *, who: str | None = None) -> Project:
    """Import a REFI-QDA codebook: a new project with it, or its new codes into a project."""
    refi = read_qdc(qdc)
    target = Path(project)
    if not target.exists():
        return Project.create(target, refi.codebook, who=who, code_guids=refi.code_guids)
    proj = Project.open(target)
    book = proj.codebook()
    merged = with_codes_of(book, refi.codebook)
    if merged != book:
        proj.set_codebook(merged, who=who, code_guids=refi.code_guids)
    return proj
