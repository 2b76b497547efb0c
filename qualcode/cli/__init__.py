"""Command line interface: ``qualcode COMMAND ...``.

Each command module parses options and calls one library function. Errors caused by user input
(:class:`qualcode.errors.QualcodeError`) print ``Error: ...`` to stderr and exit 1. So does an
:class:`OSError` that names a file (a folder that cannot be made, a full disk): the writers turn
theirs into :class:`qualcode.fileio.OutputError`, and the few left (``mkdir`` of an output folder)
are caught here. An OSError without a file name is not about the user's paths and stays a
traceback.
"""

from __future__ import annotations

import sys

from qualcode.cli import (  # noqa: F401  (registers commands)
    agree_cmd,
    code_cmd,
    evaluate_cmd,
    export_cmd,
    import_cmd,
    parse_cmd,
    project_cmd,
    report_cmd,
    review_cmd,
    suggest_cmd,
    train_cmd,
)
from qualcode.cli.app import app
from qualcode.errors import QualcodeError
from qualcode.fileio import output_error

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        # standalone mode: click prints usage errors itself and ends with SystemExit(code);
        # every other exception propagates here
        app(args=argv, prog_name="qualcode", standalone_mode=True)
    except QualcodeError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        if err.filename is None:
            raise
        print(f"Error: {output_error(err, err.filename)}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    return 0
