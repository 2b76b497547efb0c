"""Every command against a battery of bad inputs: one ``Error:`` line naming the file, exit 1,
no traceback, nothing written, the project unchanged.

The commands are discovered from the typer app: a command without an entry in ``COMMANDS``
fails :func:`test_battery_covers_every_command`, so a new command must say here how it is called
(one line) to be covered. In each entry ``@kind`` marks a file argument; each case puts one bad
file (empty, binary garbage with each extension the slot accepts, a truncated zip, the wrong
encoding, the wrong columns, a folder, a missing file) in one slot and good files in the others.
The commands run in-process through :func:`qualcode.cli.main`; one case runs the installed
entry point in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from qualcode.cli import app, main
from qualcode.exchange.review import review_table, write_review_table
from qualcode.project import Project
from tests._projectdata import copy_project, people_codings
from tests._readonly import read_only
from tests.conftest import CODEBOOK, ROOT, SAMPLE_DOCX, SAMPLE_TXT

CODER_A = ROOT / "data" / "codings" / "coder_a.csv"
CODER_B = ROOT / "data" / "codings" / "coder_b.csv"
CASES = ROOT / "data" / "cases.csv"
PSEUDONYMS = ROOT / "data" / "pseudonyms.csv"

#: how each command is called; "@kind" is a file slot, "{out}" a fresh output folder
COMMANDS: dict[str, list[str]] = {
    "init": ["init", "{out}/new.qualcode", "--codebook", "@codebook"],
    "add": ["add", "@project", "@transcript"],
    "add --cases": ["add", "@project", "--cases", "@cases"],
    "add --codings": ["add", "@project", "--codings", "@codings"],
    "status": ["status", "@project"],
    "log": ["log", "@project"],
    "undo": ["undo", "@project"],
    "memo": ["memo", "@project", "a thought"],
    "adjudicate": ["adjudicate", "@project", "--coders", "ana", "budi", "--out", "{out}/a.xlsx"],
    "adjudicate import": ["adjudicate", "import", "@project", "@sheet"],
    "agree": ["agree", "@codings", "@codings2"],
    "agree --turns": ["agree", "@codings", "@codings2", "--turns", "@turns"],
    "agree --project": ["agree", "--project", "@project"],
    "code": ["code", "@transcript", "--codebook", "@codebook", "--out", "{out}"],
    "code --train": ["code", "@transcript", "--codebook", "@codebook", "--out", "{out}",
                     "--method", "model", "--train", "@codings"],
    "code --model": ["code", str(SAMPLE_TXT), "--model", "@model", "--out", "{out}"],
    "code --report": ["code", "@transcript", "--codebook", "@codebook", "--out", "{out}",
                      "--report", "--cases", "@cases", "--pseudonyms", "@pseudonyms"],
    "code --project": ["code", "--project", "@project"],
    "evaluate": ["evaluate", "--turns", "@turns", "--codings", "@codings", "--codebook",
                 "@codebook", "--method", "rules"],
    "evaluate --project": ["evaluate", "--project", "@project", "--method", "rules"],
    "merge": ["merge", "@project", "@project2"],
    "parse": ["parse", "@transcript", "--out", "{out}/turns.csv"],
    "report": ["report", "--turns", "@turns", "--codings", "@codings", "--codebook",
               "@codebook", "--out", "{out}", "--cases", "@cases"],
    "report --project": ["report", "--project", "@project", "--out", "{out}"],
    "search": ["search", "klien", "@transcript"],
    "search --project": ["search", "klien", "--project", "@project"],
    "words": ["words", "@transcript"],
    "serve": ["serve", "@project", "--no-browser"],
    "suggest": ["suggest", "--turns", "@turns", "--codings", "@codings", "--codebook",
                "@codebook", "--next", "5"],
    "train": ["train", "--turns", "@turns", "--codings", "@codings", "--codebook", "@codebook",
              "--out", "{out}/m.model"],
    "codes rename": ["codes", "rename", "@project", "retain", "keep"],
    "codes merge": ["codes", "merge", "@project", "enhance", "retain"],
    "codes delete": ["codes", "delete", "@project", "customize", "--force"],
    "codes update": ["codes", "update", "@project", "--codebook", "@codebook"],
    "export docx": ["export", "docx", "--turns", "@turns", "--codings", "@codings",
                    "--codebook", "@codebook", "--out", "{out}/a.docx"],
    "export xlsx": ["export", "xlsx", "--project", "@project", "--out", "{out}/t.xlsx"],
    "export qdc": ["export", "qdc", "--codebook", "@codebook", "--out", "{out}/c.qdc"],
    "export qdpx": ["export", "qdpx", "--project", "@project", "--out", "{out}/s.qdpx"],
    "import qdpx": ["import", "qdpx", "@qdpx", "--project", "@project"],
    "import qdc": ["import", "qdc", "@qdc", "--project", "@project"],
    "review export": ["review", "export", "@project", "--out", "{out}/r.xlsx"],
    "review import": ["review", "import", "@project", "@sheet", "--coder", "ana"],
}  # fmt: skip

#: the extensions each kind of file slot accepts (binary garbage is tried with each)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "transcript": (".txt", ".docx", ".vtt", ".csv", ".xlsx"),
    "turns": (".csv", ".xlsx", ".parquet"),
    "codings": (".csv", ".xlsx", ".parquet"),
    "codings2": (".csv",),
    "codebook": (".yaml", ".qdc"),
    "cases": (".csv", ".xlsx"),
    "pseudonyms": (".csv",),
    "project": (".qualcode",),
    "project2": (".qualcode",),
    "sheet": (".xlsx",),
    "model": (".model",),
    "qdpx": (".qdpx",),
    "qdc": (".qdc",),
}
_ZIPS = (".docx", ".xlsx", ".qdpx", ".model")
#: text files whose reader must refuse UTF-16 without a BOM (the transcript and table readers
#: detect it and read it right, so a .txt or .csv in UTF-16 is not bad input)
_TEXTS = (".yaml", ".qdc", ".vtt")
_TABLES = {"turns", "codings", "codings2", "cases", "pseudonyms"}


def _discovered() -> set[str]:
    names: set[str] = set()

    def walk(command: object, name: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for sub_name, sub in subs.items():
                walk(sub, [*name, sub_name])
        else:
            names.add(" ".join(name))

    walk(typer.main.get_command(app), [])
    return names


def test_battery_covers_every_command() -> None:
    covered = {key.split(" --")[0] for key in COMMANDS}
    missing = sorted(_discovered() - covered)
    assert not missing, f"add a line to COMMANDS for: {', '.join(missing)}"


# -- the files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A good file of each kind (the project is copied per test)."""
    folder = tmp_path_factory.mktemp("good")
    turns = folder / "turns.csv"
    assert main(["parse", str(SAMPLE_TXT), "--out", str(turns)]) == 0
    project = copy_project(folder, tmp_path_factory)
    with Project.open(project) as p:
        p.add_codings(people_codings(p, "ana", n=20))
        p.add_codings(people_codings(p, "budi", n=20).iloc[::-1].reset_index(drop=True))
        sheet = write_review_table(review_table(p).head(5), folder / "review.xlsx")
    qdpx, qdc = folder / "s.qdpx", folder / "c.qdc"
    assert main(["export", "qdpx", "--project", str(project), "--out", str(qdpx)]) == 0
    assert main(["export", "qdc", "--codebook", str(CODEBOOK), "--out", str(qdc)]) == 0
    other = folder / "other" / "other.qualcode"
    other.parent.mkdir()
    shutil.copy(project, other)
    return {
        "transcript": SAMPLE_TXT,
        "turns": turns,
        "codings": CODER_A,
        "codings2": CODER_B,
        "codebook": CODEBOOK,
        "cases": CASES,
        "pseudonyms": PSEUDONYMS,
        "project": project,
        "project2": other,
        "sheet": sheet,
        "qdpx": qdpx,
        "qdc": qdc,
    }


def _bad_files(kind: str, folder: Path, good: dict[str, Path]) -> list[Path]:
    """The bad files for one slot kind, made in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []

    def make(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        out.append(path)

    garbage = bytes((i * 7919 + 13) % 256 for i in range(3000))
    exts = EXTENSIONS[kind]
    for ext in exts:  # each extension picks a reader: garbage for each
        make(f"garbage{ext}", garbage)
    make(f"empty{exts[0]}", b"")
    zips = [e for e in exts if e in _ZIPS]
    if zips:
        whole = (SAMPLE_DOCX if zips[0] == ".docx" else good["sheet"]).read_bytes()
        make(f"truncated{zips[0]}", whole[: len(whole) // 2])
    texts = [e for e in exts if e in _TEXTS]
    if texts:
        source = good.get(kind)
        text = source.read_text(encoding="utf-8") if source and source.suffix == texts[0] else ""
        make(f"utf16-no-bom{texts[0]}", (text or "WEBVTT\n\nhalo\n").encode("utf-16-le"))
    if kind in _TABLES:
        make("wrong-columns.csv", b"alpha,beta\n1,2\n3,4\n")
    if kind in ("project", "project2"):
        sqlite = folder / "other-sqlite.qualcode"
        sqlite3.connect(sqlite).execute("CREATE TABLE t (x)").connection.close()
        out.append(sqlite)
    (folder / f"a-folder{EXTENSIONS[kind][0]}").mkdir(exist_ok=True)
    out.append(folder / f"a-folder{EXTENSIONS[kind][0]}")
    out.append(folder / f"missing{EXTENSIONS[kind][0]}")
    return out


def _dump(path: Path) -> list[object]:
    """Every row of every table of a project (what "unchanged" means)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(n, con.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall()) for n in names]
    finally:
        con.close()


def _files(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    )


# -- the battery --------------------------------------------------------------------------------


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_battery_bad_files_are_one_error_line(
    command: str,
    good: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUALCODE_LOG_DIR", str(tmp_path / "crash-logs"))
    template = COMMANDS[command]
    project = tmp_path / "p" / "study.qualcode"
    project.parent.mkdir()
    shutil.copy(good["project"], project)
    files = {**good, "project": project}
    before = (_dump(project), _files(project.parent))
    slots = [a[1:] for a in template if a.startswith("@")]
    failures = []
    for slot in slots:
        for bad in _bad_files(slot, tmp_path / "bad" / slot, good):
            if bad.name.startswith("missing") and command.startswith("import"):
                continue  # import makes the project when it does not exist
            out = tmp_path / "out" / f"{slot}-{bad.name}"
            args = [
                str(bad)
                if a == f"@{slot}"
                else str(files[a[1:]])
                if a.startswith("@")
                else a.replace("{out}", str(out))
                for a in template
            ]
            code, err = _run(args, capsys)
            problem = _judge(code, err, bad)
            if not problem and out.exists() and _files(out):
                problem = f"wrote {_files(out)}"
            if not problem and (_dump(project), _files(project.parent)) != before:
                problem = "changed the project"
            if problem:
                failures.append(f"{slot}={bad.name}: {problem}: {err.strip()[:300]}")
                shutil.copy(good["project"], project)  # the next case starts from the same
                for extra in project.parent.glob("*-wal"):
                    extra.unlink()
    assert not failures, "\n".join(failures)


def _judge(code: int, err: str, bad: Path) -> str:
    if "Traceback" in err or "Internal error" in err:
        return "a bug"
    if code != 1:
        return f"exit {code}"
    if not err.startswith("Error: "):
        return "no Error: line"
    if bad.name not in err:
        return "the message does not name the file"
    return ""


@pytest.mark.parametrize(
    "command", ["parse", "code", "report", "export docx", "export qdpx", "review export"]
)
@pytest.mark.parametrize("where", ["a file where a folder is expected", "a read-only folder"])
def test_battery_unwritable_outputs(
    command: str,
    where: str,
    good: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "p" / "study.qualcode"
    project.parent.mkdir()
    shutil.copy(good["project"], project)
    files = {**good, "project": project}
    before = _dump(project)
    blocked = tmp_path / "blocked"
    if where.startswith("a file"):
        blocked.write_text("a file, not a folder", encoding="utf-8")
    else:
        blocked.mkdir()
    template = COMMANDS[command]
    args = [str(files[a[1:]]) if a.startswith("@") else a.replace("{out}", str(blocked))
            for a in template]  # fmt: skip
    if where.startswith("a file"):
        code, err = _run(args, capsys)
    else:
        with read_only(blocked):
            code, err = _run(args, capsys)
    assert code == 1 and err.startswith(f"Error: {blocked}"), err
    assert "Traceback" not in err and "cannot write" in err
    assert _dump(project) == before
    assert blocked.is_file() or list(blocked.iterdir()) == []


def test_battery_entry_point_in_a_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "codings.xlsx"
    bad.write_bytes(CODER_A.read_bytes())  # a .csv renamed .xlsx
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "qualcode", "agree", str(CODER_B), str(bad)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: {bad}: not a readable Excel workbook"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
