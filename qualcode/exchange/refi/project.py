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
from qualcode.codebook import Codebook, Theme
from qualcode.errors import ExchangeError, TableError
from qualcode.exchange.refi.codes import DEFAULT_THEME
from qualcode.exchange.refi.notes import optional_text
from qualcode.exchange.refi.qdc import read_qdc
from qualcode.exchange.refi.reader import RefiProject, read_qdpx
from qualcode.exchange.refi.writer import write_qdpx
from qualcode.project import Project
from qualcode.project.reading import MACHINE_CODERS


def export_project_qdpx(project: Project, path: str | Path, *, suggestions: bool = False) -> Path:
    """Write a project as a REFI-QDA .qdpx file.

    Parameters
    ----------
    project : Project
    path : str or Path
        The .qdpx file.
    suggestions : bool, default False
        Also write the machine suggestions nobody rejected (as codings by users ``rules`` and
        ``model``).

    Returns
    -------
    Path
        The file written.
    """
    codings = project.current_codings() if suggestions else project.codings(people=True)
    cases = project.cases()
    log = project.log()
    return write_qdpx(
        path,
        turns=project.turns(),
        codings=codings,
        codebook=project.codebook(),
        cases=cases if len(cases) else None,
        memos=project.memos(),
        project_name=project.path.stem,
        namespace=project.id,
        code_guids=project.code_guids(),
        created=str(log["at"].iloc[-1]) if len(log) else None,
    )


def _with_codes_of(base: Codebook, extra: Codebook) -> Codebook:
    """``base`` with the codes of ``extra`` it lacks (in their themes; new themes at the end)."""
    have = set(base.code_names)
    themes = list(base.themes)
    names = [t.name for t in themes]
    for theme in extra.themes:
        new = tuple(c for c in theme.codes if c.name not in have)
        if not new:
            continue
        if theme.name in names:
            k = names.index(theme.name)
            themes[k] = dataclasses.replace(themes[k], codes=themes[k].codes + new)
        else:
            themes.append(Theme(name=theme.name, label=theme.label, codes=new))
            names.append(theme.name)
    return dataclasses.replace(base, themes=tuple(themes))


def import_project_qdpx(
    qdpx: str | Path, project: str | Path, *, who: str | None = None
) -> Project:
    """Import a REFI-QDA .qdpx file into a project (created if it does not exist).

    The file's codes the project lacks are added to its codebook; its sources become
    transcripts (one that is in the project already and unchanged is left as it is; a changed
    one is refused); its users' codings become people's codings; its cases are stored.

    Returns
    -------
    Project
        The project, open.
    """
    refi = read_qdpx(qdpx)
    target = Path(project)
    if target.exists():
        proj = Project.open(target)
        _import(proj, refi, Path(qdpx), who=who)
        return proj
    book = refi.codebook
    if not book.themes:  # an empty project (ATLAS.ti writes no CodeBook then)
        book = dataclasses.replace(book, themes=(Theme(name=DEFAULT_THEME),))
    proj = Project.create(target, book, who=who, code_guids=refi.code_guids)
    try:
        _import(proj, refi, Path(qdpx), who=who)
    except BaseException:
        proj.close()
        _remove_project_file(target)
        raise
    return proj


def _remove_project_file(path: Path) -> None:
    """Delete a project file this import created (and SQLite's companion files)."""
    for p in (path, *(path.with_name(path.name + x) for x in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)


def _import(proj: Project, refi: RefiProject, qdpx: Path, *, who: str | None) -> None:
    with proj.batch("import", who=who):
        book = proj.codebook()
        merged = _with_codes_of(book, refi.codebook)
        if merged != book:
            proj.set_codebook(merged, who=who, code_guids=refi.code_guids)
        if len(refi.turns):
            proj.add_turns(refi.turns, texts=dict(refi.sources), who=who)
        machine = refi.codings[schema.CODER].isin(MACHINE_CODERS)
        if (~machine).any():
            proj.add_codings(refi.codings[~machine], who=who)
        if machine.any():
            proj.add_suggestions(refi.codings[machine], who=who)
        if refi.cases is not None and len(refi.cases):
            try:
                proj.set_cases(refi.cases, who=who)
            except TableError as err:
                msg = (
                    f"its cases cannot be stored: {err.reason} (rows count the file's Case "
                    "links, from 2); expected each interview or speaker in one case"
                )
                raise ExchangeError(msg, path=qdpx) from err
        have = {
            (str(m.about), optional_text(m.target), str(m.author), str(m.text))
            for m in proj.memos().itertuples(index=False)
        }
        for memo in refi.memos.itertuples(index=False):
            target = optional_text(memo.target)
            key = (str(memo.about), target, str(memo.author), str(memo.text))
            if key in have:
                continue
            have.add(key)
            proj.add_memo(
                str(memo.text),
                turn=target if memo.about == "turn" else None,
                code=target if memo.about == "code" else None,
                case=target if memo.about == "case" else None,
                author=str(memo.author),
            )


def import_project_qdc(qdc: str | Path, project: str | Path, *, who: str | None = None) -> Project:
    """Import a REFI-QDA codebook: a new project with it, or its new codes into a project."""
    refi = read_qdc(qdc)
    target = Path(project)
    if not target.exists():
        return Project.create(target, refi.codebook, who=who, code_guids=refi.code_guids)
    proj = Project.open(target)
    book = proj.codebook()
    merged = _with_codes_of(book, refi.codebook)
    if merged != book:
        proj.set_codebook(merged, who=who, code_guids=refi.code_guids)
    return proj
