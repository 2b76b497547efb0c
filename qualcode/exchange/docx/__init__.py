"""The Word appendix (:func:`write_docx_appendix`), in modules by job.

:mod:`~qualcode.exchange.docx.appendix` puts the document together;
:mod:`~qualcode.exchange.docx.sections` writes the page setup, codebook, transcripts,
frequencies and cases; :mod:`~qualcode.exchange.docx.segments` the coded segments and their
citations (:func:`cite`); :mod:`~qualcode.exchange.docx.tables` the tables, widths and captions;
:mod:`~qualcode.exchange.docx.runs` the WordprocessingML written as text;
:mod:`~qualcode.exchange.docx.fields` the fields (page numbers, caption numbers, contents).
"""

from __future__ import annotations

from qualcode.exchange.docx.appendix import write_docx_appendix
from qualcode.exchange.docx.runs import reflow_paragraphs
from qualcode.exchange.docx.segments import cite

__all__ = ["cite", "reflow_paragraphs", "write_docx_appendix"]
