"""Warnings on the command line: one plain ``Warning: <message>`` line each, on stderr.

The library warns (:class:`qualcode.errors.QualcodeWarning` and its kinds) and never prints;
Python's own display of a warning is two lines naming qualcode's source file and line, which
mean nothing to a user. :func:`plain_warnings` shows qualcode's warnings once each, as one
line, whatever filters the caller set (a test suite that turns warnings into errors still sees
the command's output); other warnings keep the caller's filters and are shown as one line too.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import TextIO

from qualcode.errors import QualcodeWarning

__all__ = ["format_warning", "plain_warnings"]


def format_warning(message: Warning | str, category: type[Warning]) -> str:
    """The line shown for a warning: ``Warning: <message>``, with the kind if not qualcode's."""
    text = " ".join(str(message).split())
    if issubclass(category, QualcodeWarning):
        return f"Warning: {text}"
    return f"Warning: {category.__name__}: {text}"


@contextlib.contextmanager
def plain_warnings() -> Iterator[None]:
    """Show warnings raised inside the block as one ``Warning:`` line each on stderr."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        print(format_warning(message, category), file=file or sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("default", QualcodeWarning)
        warnings.showwarning = show
        yield
