"""Command line interface: ``qualcode COMMAND ...``.

Each command module parses options and calls one library function. Errors caused by user input
(:class:`qualcode.errors.QualcodeError`) print ``Error: ...`` to stderr and exit 1.
"""

from __future__ import annotations

import sys

from qualcode.cli import parse_cmd  # noqa: F401  (registers commands)
from qualcode.cli.app import app
from qualcode.errors import QualcodeError

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        app(args=argv, prog_name="qualcode", standalone_mode=False)
    except QualcodeError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # typer.Exit / click usage errors
        return int(exc.code or 0) if isinstance(exc.code, int | None) else 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    return 0
