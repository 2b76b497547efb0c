"""Pick a transcript reader from a file's extension and content.

========================  ============
extension                 format
========================  ============
.txt, .text               text (``WEBVTT`` / SRT content is read as vtt / srt)
.md, .markdown            markdown
.docx                     docx
.htm, .html               html
.vtt                      vtt
.srt                      srt
.csv, .tsv, .xlsx, .xlsm  table
.parquet                  table (turns tables only)
========================  ============

Other extensions are read only when the content says what they are (a WebVTT header, SRT
cues, an HTML page, a Word or Excel zip: a Word zip is one whose package relationships name a
main document part, whatever its name); otherwise :class:`~qualcode.errors.TranscriptParseError`
asks for ``format=``. A ``.doc`` file that is really a web page (Word's "Save as Web Page" keeps
the name) is read as HTML. Legacy binary ``.doc`` (OLE2), ``.pdf``, ``.rtf`` and ``.odt`` are
refused with advice on how to convert them: no small, well-kept pure-Python reader of Word's
binary format exists (antiword/catdoc/LibreOffice are programs, not libraries).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qualcode.errors import TranscriptParseError

FORMATS = ("auto", "text", "markdown", "docx", "html", "vtt", "srt", "table")

EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".htm": "html",
    ".html": "html",
    ".vtt": "vtt",
    ".srt": "srt",
    ".csv": "table",
    ".tsv": "table",
    ".xlsx": "table",
    ".xlsm": "table",
    ".parquet": "table",
}

#: what to do with a legacy binary Word file
DOC_ADVICE = (
    "legacy binary Word .doc files cannot be read; save it as .docx (Word: File > Save As > "
    "Word Document; LibreOffice: soffice --headless --convert-to docx FILE.doc) and read the "
    ".docx"
)

_REFUSED = {
    ".doc": DOC_ADVICE,
    ".pdf": "PDF files are not supported; export the transcript as .docx or .txt",
    ".rtf": "RTF files are not supported; save the transcript as .docx or .txt",
    ".odt": "OpenDocument .odt files are not supported; save the transcript as .docx",
    ".xls": "legacy Excel .xls files are not supported; save the table as .xlsx or .csv",
}

_SRT_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\d{1,6}\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{1,3}\s*-->")


_HTML_RE = re.compile(rb"(?i)\A(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html|<head|<body|<p\b)")


def sniff(head: bytes) -> str | None:
    """Return the format recognised from the first bytes of a file, else None."""
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"WEBVTT"):
        return "vtt"
    if _SRT_RE.match(head):
        return "srt"
    return None


def is_html(head: bytes) -> bool:
    """Say whether the first bytes of a file are an HTML page."""
    return _HTML_RE.match(head) is not None


def _zip_kind(path: Path) -> str | None:
    from qualcode.transcripts.word import main_document_part

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return "table"
            if main_document_part(zf) is not None:
                return "docx"
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def detect_format(path: str | Path, *, format: str = "auto") -> str:
    """Return the reader to use for ``path``: text, markdown, docx, vtt, srt or table.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, default "auto"
        A format to force; "auto" uses the extension, then the content.

    Raises
    ------
    TranscriptParseError
        If the format is unknown, the file is missing, or the extension is not a transcript
        format and the content does not say what it is.

    Examples
    --------
    >>> detect_format("interview.vtt")
    'vtt'
    """
    p = Path(path)
    if format not in FORMATS:
        msg = f"unknown format {format!r}; expected one of {', '.join(FORMATS)}"
        raise TranscriptParseError(msg, path=p)
    suffix = p.suffix.lower()
    if format != "auto":
        return format
    if suffix == ".doc" and p.is_file():
        with p.open("rb") as fh:
            if is_html(fh.read(512)):
                return "html"
    if suffix in _REFUSED:
        raise TranscriptParseError(_REFUSED[suffix], path=p)
    fmt = EXTENSIONS.get(suffix)
    if fmt is not None and fmt not in ("text",):
        return fmt
    if not p.exists():
        msg = "file not found"
        raise TranscriptParseError(msg, path=p)
    if p.is_dir():
        msg = "is a folder; expected a transcript file"
        raise TranscriptParseError(msg, path=p)
    with p.open("rb") as fh:
        head = fh.read(512)
    sniffed = sniff(head)
    if sniffed is not None:
        return sniffed
    if fmt is not None:
        return fmt
    if is_html(head):
        return "html"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(p)
        if kind is not None:
            return kind
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TranscriptParseError(_REFUSED[".doc"], path=p)
    known = ", ".join(sorted(EXTENSIONS))
    msg = (
        f"unknown transcript extension {suffix or '(none)'!r}; expected one of {known}, "
        "or pass format='text' (CLI: --format text) to read it as text"
    )
    raise TranscriptParseError(msg, path=p)
