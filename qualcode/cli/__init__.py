"""Command line interface: ``qualcode COMMAND ...``.

Each command module parses options and calls one library function. Errors caused by user input
(:class:`qualcode.errors.QualcodeError`) print ``Error: ...`` to stderr and exit 1. So does an
:class:`OSError` that names a file (a folder that cannot be made, a full disk): the writers turn
theirs into :class:`qualcode.fileio.OutputError`, and the few left (``mkdir`` of an output folder)
are caught here. Any other exception is a bug: one line says so and where its traceback was
logged, exit 2. Ctrl-C says what was kept (nothing, or the changes and files finished before),
exit 130.
"""

from __future__ import annotations

import sys
from typing import Any

import typer.main

from qualcode.cli import (  # noqa: F401  (registers commands)
    adjudicate_cmd,
    agree_cmd,
    code_cmd,
    evaluate_cmd,
    export_cmd,
    import_cmd,
    parse_cmd,
    project_cmd,
    report_cmd,
    review_cmd,
    search_cmd,
    serve_cmd,
    suggest_cmd,
    train_cmd,
)
from qualcode.cli.app import app
from qualcode.cli.notices import plain_warnings
from qualcode.errors import QualcodeError
from qualcode.fileio import output_error

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0: done; 1: the user's input was wrong (``Error: ...`` on stderr); 2: a bug (one line on
    stderr, the traceback in a log file; see :mod:`qualcode.cli.crash`); 130: Ctrl-C (what
    was kept is said).
    """
    from qualcode.fileio import completed_writes
    from qualcode.project.db import committed_batches

    with completed_writes() as files, committed_batches() as batches, plain_warnings():
        try:
            # standalone mode: click prints usage errors itself and ends with SystemExit(code);
            # typer turns Ctrl-C into SystemExit(130); every other exception propagates here
            _command()(args=argv, prog_name="qualcode", standalone_mode=True)
        except QualcodeError as err:
            print(f"Error: {err}", file=sys.stderr)
            return 1
        except OSError as err:
            if err.filename is None:
                return _internal_error(err, argv)
            print(f"Error: {output_error(err, err.filename)}", file=sys.stderr)
            return 1
        except SystemExit as exc:
            if exc.code == 130 and _caused_by_ctrl_c(exc):
                return _interrupted(batches, files)
            if exc.code is None:
                return 0
            return exc.code if isinstance(exc.code, int) else 1
        except KeyboardInterrupt:
            return _interrupted(batches, files)
        except Exception as err:  # a bug: one line here, the traceback in a log file
            return _internal_error(err, argv)
    return 0


_BUILT: dict[tuple[int, int], object] = {}


def _command() -> Any:
    """The click command typer builds from ``app``, built once (about 0.1 s each time, which
    every in-process ``main`` call paid), again only if commands were registered since."""
    key = (len(app.registered_commands), len(app.registered_groups))
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = typer.main.get_command(app)
    return _BUILT[key]


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    """Whether typer's exit 130 comes from a KeyboardInterrupt (its chain of causes)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _interrupted(batches: list, files: list) -> int:
    from qualcode.cli.crash import describe_interruption

    print(describe_interruption(batches, files), file=sys.stderr)
    return 130


def _internal_error(err: BaseException, argv: list[str] | None) -> int:
    from qualcode.cli.crash import log_crash, one_line

    log = log_crash(err, argv if argv is not None else sys.argv[1:])
    where = f"the full traceback is in {log}" if log else "the traceback could not be saved"
    print(
        f"Internal error (a bug in qualcode): {one_line(err)}; {where}; please report it",
        file=sys.stderr,
    )
    return 2
