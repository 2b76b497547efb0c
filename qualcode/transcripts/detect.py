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

import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

from qualcode.errors import TranscriptParseError

__all__ = [
    "DOC_ADVICE",
    "EXTENSIONS",
    "FORMATS",
    "detect_format",
    "is_html",
    "main_document_part",
    "require_file",
    "sniff",
]

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


_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)


def main_document_part(zf: zipfile.ZipFile) -> str | None:
    """Return the name of a Word package's main document part, or None if it has none.

    The part is the target of the package's ``officeDocument`` relationship (``_rels/.rels``);
    it must be a WordprocessingML part present in the archive. Without relationships (not a
    valid package) ``word/document.xml`` is taken if it exists.
    """
    names = set(zf.namelist())
    try:
        rels = ElementTree.fromstring(zf.read("_rels/.rels"))
    except (KeyError, ElementTree.ParseError, ValueError):  # defusedxml's refusals are ValueErrors
        return "word/document.xml" if "word/document.xml" in names else None
    for rel in rels:
        if rel.get("Type") in _OFFICE_DOCUMENT:
            target = posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
            if target in names and target.startswith("word/"):
                return target
    return None


def is_html(head: bytes) -> bool:
    """Say whether the first bytes of a file are an HTML page."""
    return _HTML_RE.match(head) is not None


def _zip_kind(path: Path) -> str | None:
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


def require_file(path: Path, *, folder: str) -> None:
    """Refuse a path that does not exist ("file not found") or is a folder (with ``folder``).

    Raises
    ------
    TranscriptParseError
        If ``path`` is missing or a folder.
    """
    if not path.exists():
        msg = "file not found"
        raise TranscriptParseError(msg, path=path)
    if path.is_dir():
        raise TranscriptParseError(folder, path=path)


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
    require_file(p, folder="is a folder; expected a transcript file")
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
