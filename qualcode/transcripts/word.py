"""Word ``.docx`` transcripts: paragraphs with speaker labels, or tables of speaker | text.

The document body is read in order; each paragraph and each table row is one *block*, and
``line`` is the 1-based block number (paragraph or table row, counted together in reading order;
empty paragraphs count too).

- Paragraphs are read like lines of a text transcript (every label shape of
  :mod:`qualcode.transcripts.text`); a soft line break inside a paragraph starts a new line.
- Table rows are ``speaker | text`` or ``speaker | ":" | text``; a row with an empty speaker
  cell continues the previous turn; a header row (``Speaker | Text``, ``Nama | Teks``...) is
  skipped; merged cells are read once. Several tables in a row with no heading between them
  (a table continued across pages) are one interview.
- Headings split interviews: paragraphs in a Heading style, and short title-like paragraphs that
  are bold, end with ``:``, name an interview (``Narasumber 1``) or stand right before a table.
  A paragraph in the Title style is the document title and never names an interview.

The main document part is the one the package relationships (``_rels/.rels``) name, as Word
resolves it: Word's own "Transcribe" export calls it ``word/document2.xml``. That export (a
header "Audio file", the recording's name, "Transcript", then ``00:00:03 Speaker 1`` and the
speech in alternating paragraphs) is read by the text rules (the header is skipped, the
timestamp is the turn's start).

The file is opened with python-docx (lxml with entity resolution and network access off); legacy
binary ``.doc`` files are refused with a message that says how to convert them to ``.docx``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import RawTurns
from qualcode.transcripts.detect import DOC_ADVICE, main_document_part
from qualcode.transcripts.encoding import binary_kind
from qualcode.transcripts.labels import (
    is_keyword_heading,
    is_title_like,
    normalize_space,
    strip_markup,
)
from qualcode.transcripts.shapes import CONTINUATION, HEADING, TITLE
from qualcode.transcripts.text import parse_lines

__all__ = ["parse_docx"]

_HEADER_WORDS = frozenset(
    {"speaker", "sprecher", "pembicara", "nama", "name", "text", "teks", "transcript",
     "transkrip", "utterance", "ucapan", "who", "said", "pertanyaan", "jawaban"}
)  # fmt: skip
_COLON_CELLS = frozenset({":", "：", "-", "–", ""})


def _open(path: Path) -> Any:
    data_head = b""
    try:
        with path.open("rb") as fh:
            data_head = fh.read(8)
    except FileNotFoundError as err:
        msg = "file not found"
        raise TranscriptParseError(msg, path=path) from err
    kind = binary_kind(data_head)
    if kind is not None and "Word" in kind:
        raise TranscriptParseError(DOC_ADVICE, path=path)
    if not zipfile.is_zipfile(path):
        msg = "not a Word .docx file (not a zip archive); expected a .docx saved by Word"
        raise TranscriptParseError(msg, path=path)
    import docx  # python-docx; imported here to keep `import qualcode` light

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if any(n.startswith("/") or ".." in n.split("/") for n in names):
                msg = "the .docx holds paths outside the archive; refusing to read it"
                raise TranscriptParseError(msg, path=path)
            if main_document_part(zf) is None:
                msg = (
                    "not a Word document (the package names no main document part in "
                    "_rels/.rels); expected a .docx saved by Word"
                )
                raise TranscriptParseError(msg, path=path)
        return docx.Document(str(path))
    except TranscriptParseError:
        raise
    except Exception as err:  # python-docx raises many kinds on broken files
        msg = f"cannot open the Word document: {err}"
        raise TranscriptParseError(msg, path=path) from err


def _style_name(par: Any) -> str:
    try:
        return str(par.style.name or "") if par.style is not None else ""
    except (KeyError, ValueError):
        return ""


def _is_bold(par: Any) -> bool:
    runs = [r for r in par.runs if r.text.strip()]
    return bool(runs) and all(bool(r.bold) for r in runs)


def _row_cells(row: Any) -> list[str]:
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        key = id(cell._tc)
        if key in seen:  # merged cells repeat
            continue
        seen.add(key)
        cells.append(normalize_space(strip_markup(cell.text)))
    return cells


def parse_docx(
    path: str | Path,
    *,
    speakers: list[str] | None = None,
    single_speaker: bool = False,
    merge_runs: bool = True,
) -> RawTurns:
    """Parse a Word ``.docx`` transcript into raw turns (see the module docstring)."""
    p = Path(path)
    document = _open(p)
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    linenos: list[int] = []
    forced: dict[int, object] = {}
    paragraphs: set[int] = set()  # lines that start a paragraph (not a table row)
    blocks: list[Any] = list(document.iter_inner_content())
    block_no = 0
    for b, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            block_no += 1
            text = block.text
            style = _style_name(block).lower()
            stripped = normalize_space(text)
            if style == "title" or style == "subtitle":
                lines.append(stripped)
                linenos.append(block_no)
                forced[len(lines) - 1] = TITLE
                continue
            if stripped and style.startswith("heading"):
                lines.append(stripped)
                linenos.append(block_no)
                forced[len(lines) - 1] = HEADING
                continue
            if stripped and is_title_like(stripped):
                nxt = blocks[b + 1] if b + 1 < len(blocks) else None
                if isinstance(nxt, Table):
                    lines.append(stripped)
                    linenos.append(block_no)
                    forced[len(lines) - 1] = HEADING
                    continue
                if not (_is_bold(block) or stripped.endswith(":") or is_keyword_heading(stripped)):
                    # a short plain paragraph ("Oke", "INTERVIEWER"): a label or speech, not a
                    # heading; keep it next to its neighbours so the heading rules skip it
                    if lines and not lines[-1]:
                        lines.pop()
                        linenos.pop()
                    paragraphs.add(len(lines))
                    lines.append(stripped)
                    linenos.append(block_no)
                    continue
            paragraphs.add(len(lines))
            for part in text.split("\n") if text else [""]:
                lines.append(part)
                linenos.append(block_no)
            lines.append("")  # paragraphs are separated like blank-line-separated lines
            linenos.append(block_no)
        elif isinstance(block, Table):
            for row in block.rows:
                block_no += 1
                cells = _row_cells(row)
                if not any(cells):
                    continue
                if len(cells) >= 3 and cells[1] in _COLON_CELLS:
                    speaker, text = cells[0], " ".join(c for c in cells[2:] if c)
                elif len(cells) >= 2:
                    speaker, text = cells[0], " ".join(c for c in cells[1:] if c)
                else:
                    lines.append(cells[0])
                    linenos.append(block_no)
                    continue
                speaker = speaker.rstrip(":").strip()
                if (
                    speaker.casefold() in _HEADER_WORDS
                    and text.split(" ")[0].casefold().rstrip(":") in _HEADER_WORDS
                ):
                    continue  # header row
                lines.append(text)
                linenos.append(block_no)
                if speaker:
                    forced[len(lines) - 1] = (speaker, text)
                else:
                    forced[len(lines) - 1] = CONTINUATION
    if not any(line.strip() for line in lines):
        msg = "the Word document has no text"
        raise TranscriptParseError(msg, path=p)
    raw = parse_lines(
        lines,
        path=p,
        linenos=linenos,
        forced=forced,
        speakers=speakers,
        single_speaker=single_speaker,
        merge_runs=merge_runs,
        paragraph_starts=paragraphs,
    )
    raw.layout = "Word document, " + raw.layout.removeprefix("text, ")
    return raw
