"""How a :class:`~qualcode.project.Project` shows itself: HTML in Jupyter, text with ``print``.

The figures come from :meth:`Project.status`, :meth:`Project.codebook` and :meth:`Project.log`;
the rendering (and the escaping of every name and summary) from :mod:`qualcode.display`.
``repr(project)`` stays ``Project('path')`` (also IPython's plain-text display): the mixin adds
``summary``, ``_repr_html_``, ``to_text`` and ``__str__``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.display import Summary

__all__ = ["LOG_ROWS", "ProjectDisplay"]

#: log entries shown (the latest ones)
LOG_ROWS = 5


class _Shown(Protocol):
    """What the mixin reads of the project."""

    @property
    def path(self) -> Path: ...

    def codebook(self) -> Codebook: ...

    def status(self) -> dict[str, Any]: ...

    def log(self) -> pd.DataFrame: ...

    def summary(self, *, log_rows: int = ...) -> Summary: ...

    def to_text(self) -> str: ...


class ProjectDisplay:
    """Mixin of :class:`~qualcode.project.Project`: its rich display and readable text."""

    def summary(self: _Shown, *, log_rows: int = LOG_ROWS) -> Summary:
        """Return what the project holds as a :class:`~qualcode.display.Summary`.

        Parameters
        ----------
        log_rows : int, default 5
            How many of the latest log entries to show.

        Returns
        -------
        Summary
            Facts (file, codebook, transcripts, interviews, turns, cases, codes, memos,
            changes), the codings by coder, origin and status, and the latest log entries.

        Examples
        --------
        >>> import tempfile, pathlib, qualcode as qc
        >>> p = qc.Project.create(pathlib.Path(tempfile.mkdtemp()) / "s.qualcode",
        ...                       qc.Codebook.from_code_names(["a"]), who="ana")
        >>> p.summary().facts["codes"]
        1
        """
        status = self.status()
        book = self.codebook()
        facts: dict[str, object] = {
            "file": str(self.path),
            "codebook": book.name,
            "transcripts": status["transcripts"],
            "interviews": status["interviews"],
            "turns": status["turns"],
            "cases": status["cases"],
            "codes": status["codes"],
            "memos": status["memos"],
            "changes (not undone)": status["batches"],
        }
        codings = status["codings"]
        tables: dict[str, pd.DataFrame] = {}
        if len(codings):
            tables["Codings by coder, origin and status"] = codings.reset_index(drop=True)
        log = self.log()
        if len(log):
            latest = log.tail(log_rows)
            undone = latest["undone_by"]
            shown = pd.DataFrame(
                {
                    "batch": latest["batch"].to_numpy(),
                    "at": latest["at"].astype(str).str.slice(0, 19).to_numpy(),
                    "who": latest["who"].to_numpy(),
                    "action": latest["action"].to_numpy(),
                    "summary": latest["summary"].to_numpy(),
                    "undone": ["" if pd.isna(b) else f"by batch {int(b)}" for b in undone.tolist()],
                }
            )
            if not shown["undone"].astype(bool).any():
                shown = shown.drop(columns="undone")
            tables[f"Latest changes ({len(latest)} of {len(log)})"] = shown
        notes: tuple[str, ...] = ("No codings yet: add people's codings or code the turns.",)
        if len(codings):
            notes = (
                "origin: where a coding came from (a suggestion a person accepted keeps the "
                "machine's origin); a machine row's status is the latest decision on it; "
                "a person's rejections are listed with origin 'decision'.",
            )
        return Summary(
            title=f"Project {self.path.name}",
            facts=facts,
            tables=tables,
            notes=notes,
            width=70,
        )

    def _repr_html_(self: _Shown) -> str:
        return self.summary()._repr_html_()

    def to_text(self: _Shown) -> str:
        """The project as plain text (what ``print`` shows)."""
        return self.summary().to_text()

    def __str__(self: _Shown) -> str:
        return self.to_text()
