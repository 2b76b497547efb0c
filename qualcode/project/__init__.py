"""The project store: one SQLite file per study (``P.qualcode``).

It keeps the transcripts and their turns, the codebook and its versions, people's codings and
machine suggestions with their decisions, cases with attributes, memos, and a log of every
change (see :class:`Project` and docs/project.md).
"""

from __future__ import annotations

from qualcode.project.db import Batch
from qualcode.project.ingest import AddResult
from qualcode.project.project import Project

__all__ = ["AddResult", "Batch", "Project"]
