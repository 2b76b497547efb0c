"""Files that go out: report folders, HTML reports, Excel workbooks, the Word appendix, REFI-QDA.

Submodules are imported on first use (``python-docx`` and ``matplotlib`` load only when a
writer that needs them is called).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "write_report": "qualcode.exchange.report",
    "write_outputs": "qualcode.exchange.report",
    "write_report_workbook": "qualcode.exchange.report",
    "write_html_report": "qualcode.exchange.html",
    "write_docx_appendix": "qualcode.exchange.docx",
    "write_workbook": "qualcode.exchange.xlsx",
    "read_qdc": "qualcode.exchange.refi",
    "read_qdpx": "qualcode.exchange.refi",
    "write_qdc": "qualcode.exchange.refi",
    "write_qdpx": "qualcode.exchange.refi",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
