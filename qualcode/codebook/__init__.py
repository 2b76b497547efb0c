"""The codebook: themes, codes and sub-codes, their YAML file format, and their texts.

A codebook is the researcher's instrument. It is a tree: themes hold codes, codes may hold
sub-codes. Here the tree is kept flat (each :class:`Code` names its ``theme`` and ``parent``)
and in file order, which is the order used everywhere (tables, charts, Word appendix).

The rooms: :mod:`~qualcode.codebook.model` (the data classes), :mod:`~qualcode.codebook.parser`
(YAML text to a codebook, every problem named with its line), :mod:`~qualcode.codebook.reader`
(a codebook file: YAML or REFI-QDA ``.qdc``), :mod:`~qualcode.codebook.writer` (back to YAML),
:mod:`~qualcode.codebook.patterns` (regular expressions checked for catastrophic backtracking)
and :mod:`~qualcode.codebook.texts` (a codebook's texts in one language).
"""

from __future__ import annotations

from qualcode.codebook.model import Code, Codebook, Theme
from qualcode.codebook.parser import parse_codebook
from qualcode.codebook.patterns import check_pattern
from qualcode.codebook.reader import read_codebook
from qualcode.codebook.texts import localize_codebook, report_codebook, report_language
from qualcode.codebook.writer import dump_codebook, write_codebook

__all__ = [
    "Code",
    "Codebook",
    "Theme",
    "check_pattern",
    "dump_codebook",
    "localize_codebook",
    "parse_codebook",
    "read_codebook",
    "report_codebook",
    "report_language",
    "write_codebook",
]
