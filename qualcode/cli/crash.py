"""What the command line says when a command ends in a bug or is interrupted.

A bug (an exception that is not the user's input) must not greet a researcher with a Python
traceback: the traceback goes to a log file and the terminal gets one line saying it is a bug,
where the log is and to report it (exit 2, so tests and scripts can tell a bug from bad
input, exit 1). Ctrl-C says what was kept: a change to a project is stored whole or not at
all, and an output file is written whole or not at all, so the only things kept are the
changes and files finished before the interruption.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["crash_folder", "describe_interruption", "log_crash"]


def crash_folder() -> Path:
    """The folder crash logs go to: ``$QUALCODE_LOG_DIR``, else the user's cache folder
    (``$XDG_CACHE_HOME/qualcode`` or ``~/.cache/qualcode``; ``%LOCALAPPDATA%`` on Windows)."""
    given = os.environ.get("QUALCODE_LOG_DIR", "").strip()
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return (Path(base) if base else Path.home() / ".cache") / "qualcode"


def log_crash(err: BaseException, argv: list[str] | None) -> Path | None:
    """Write ``err``'s traceback (and the command line) to a new log file; return its path.

    The user's cache folder is tried first, then the system's temporary folder; None if
    neither can be written (the caller then says so).
    """
    from qualcode._version import __version__

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = (
        f"qualcode {__version__}, {stamp}\n"
        f"command: qualcode {' '.join(argv) if argv is not None else '(sys.argv)'}\n\n"
        + "".join(traceback.format_exception(err))
    )
    for folder in (crash_folder(), Path(tempfile.gettempdir()) / "qualcode"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def one_line(err: BaseException) -> str:
    """``err`` as one line: its type and the first line of its message."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def describe_interruption(batches: list[tuple[Path, int, str]], files: list[Path]) -> str:
    """The message for Ctrl-C: "nothing was changed", or which changes and files were kept."""
    if not batches and not files:
        return "Interrupted: nothing was changed"
    kept = []
    by_project: dict[Path, list[str]] = {}
    for path, batch, action in batches:
        by_project.setdefault(path, []).append(f"{batch} ({action})")
    for path, changes in by_project.items():
        if len(changes) == 1:
            kept.append(f"change {changes[0]} to {path} (`qualcode undo {path}` takes it back)")
        else:
            shown = ", ".join(changes[-3:])
            more = f"{len(changes) - 3} more and " if len(changes) > 3 else ""
            kept.append(
                f"changes {more}{shown} to {path} (`qualcode undo {path}` takes back the latest)"
            )
    if files:
        shown = ", ".join(str(f) for f in files[:5])
        more = f" and {len(files) - 5} more" if len(files) > 5 else ""
        kept.append(f"{len(files)} complete file(s) written before: {shown}{more}")
    return "Interrupted: nothing half-done was kept; kept " + "; ".join(kept)
