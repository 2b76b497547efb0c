"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA,
QualCoder and other QDA programs (the QDA-XML 1.0 standard, www.qdasoftware.org).

- :func:`write_qdc` / :func:`read_qdc`: a codebook (:mod:`.qdc`, :mod:`.codes`).
- :func:`write_qdpx` / :func:`read_qdpx`: turns, codings, codebook and cases as a project with
  plain-text sources (:mod:`.writer`, :mod:`.reader`, :mod:`.archive_texts`, :mod:`.align`,
  :mod:`.cases`).

Files from elsewhere are read with the checks of :mod:`.safety` (no XML entities, no paths out
of the archive, a size limit counted while unpacking); GUIDs written are stable
(:mod:`.guids`).
"""

from __future__ import annotations

from qualcode.exchange.refi.qdc import RefiCodebook, read_qdc, write_qdc
from qualcode.exchange.refi.reader import RefiProject, read_qdpx
from qualcode.exchange.refi.writer import write_qdpx

__all__ = ["RefiCodebook", "RefiProject", "read_qdc", "read_qdpx", "write_qdc", "write_qdpx"]
