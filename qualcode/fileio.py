"""Write output files safely: all or nothing, and a clear error when a path cannot be written.

Every file qualcode writes (tables, Word appendix, workbook, HTML report, charts, transcripts)
goes through :func:`write_atomic` or :func:`atomic_path`: the content is written under a hidden
temporary name in the target's folder (``.turns.tmp-1a2b3c4d.csv``) and renamed over the
target only when it is complete. A crash, an exception or a full disk therefore never leaves a
truncated file where the last good one stood, and no temporary file is left behind.

An :class:`OSError` while making the folder or writing becomes an :class:`OutputError` that names
the path, says what went wrong (no permission, a file where a folder is expected, the disk is
full...) and what was expected; the command line prints it as ``Error: ...``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qualcode.errors import LocatedError

__all__ = [
    "OutputError",
    "atomic_path",
    "completed_writes",
    "make_parent",
    "output_error",
    "remove_quietly",
    "temporary_name",
    "write_atomic",
]


class OutputError(LocatedError):
    """An output file or folder could not be written."""


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EEXIST: "a file stands where a folder is expected",
    errno.ENOENT: "the folder does not exist and cannot be created",
    errno.ENAMETOOLONG: "the name is too long",
}


def output_error(err: OSError, path: str | Path) -> OutputError:
    """Describe an :class:`OSError` met while writing ``path`` as an :class:`OutputError`.

    Examples
    --------
    >>> import errno
    >>> str(output_error(OSError(errno.ENOSPC, "No space left on device"), "out/turns.csv"))
    'out/turns.csv: cannot write: the disk is full; expected a path in a folder you can write to'
    """
    reason = _REASONS.get(err.errno or -1) or err.strerror or str(err)
    where = ""
    if err.filename is not None and Path(str(err.filename)) != Path(path):
        other = Path(str(err.filename))
        # a hidden file beside the target is a writer's temporary: the user never named it
        if not (other.name.startswith(".") and other.parent == Path(path).parent):
            where = f" ({other})"
    msg = f"cannot write: {reason}{where}; expected a path in a folder you can write to"
    return OutputError(msg, path=path)


#: files renamed into place by :func:`atomic_path`, when someone asked to know them
_completed: list[Path] | None = None


@contextmanager
def completed_writes() -> Iterator[list[Path]]:
    """Collect the files :func:`atomic_path` completes inside the block (the command line
    says which files were kept when Ctrl-C stops a command)."""
    global _completed
    previous, _completed = _completed, []
    try:
        yield _completed
    finally:
        _completed = previous


def make_parent(path: str | Path) -> Path:
    """Create the folder that will hold ``path`` (and its parents) if it is missing.

    Raises
    ------
    OutputError
        If the folder cannot be made (a file stands in the way, no permission, ...).
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise output_error(err, p) from err
    if not p.parent.is_dir():  # mkdir(exist_ok=True) accepts a file on some systems
        raise output_error(OSError(errno.EEXIST, "File exists", str(p.parent)), p)
    return p


def temporary_name(p: Path) -> Path:
    """A fresh temporary name beside ``p`` to write to and then rename over ``p``."""
    # hidden (folder readers skip dot files), same folder (the rename stays on one file
    # system), same suffix (writers that choose a format by extension still do)
    return p.with_name(f".{p.stem}.tmp-{secrets.token_hex(4)}{p.suffix}")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` if the block succeeds.

    If the block raises, the temporary file is removed and ``path`` is left as it was. An
    :class:`OSError` from the block or the rename is raised as :class:`OutputError`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "notes.txt") as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> (folder / "notes.txt").read_text(encoding="utf-8"), len(list(folder.iterdir()))
    ('done', 1)
    """
    p = make_parent(path)
    if p.is_dir():
        raise output_error(OSError(errno.EISDIR, "Is a directory", str(p)), p)
    tmp = temporary_name(p)
    try:
        yield tmp
        os.replace(tmp, p)
        if _completed is not None:
            _completed.append(p)
    except OSError as err:
        remove_quietly(tmp)
        raise output_error(err, p) from err
    except BaseException:
        remove_quietly(tmp)
        raise


def remove_quietly(tmp: Path) -> None:
    """Remove a temporary file if it is there, ignoring errors (cleaning up after a failure)."""
    # nothing more can be done if this fails; the original error is the one to report
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary_path)`` and rename the result over ``path``; return ``path``.

    See :func:`atomic_path`.
    """
    p = Path(path)
    with atomic_path(p) as tmp:
        write(tmp)
    return p
