"""HTML transcripts (``.htm``/``.html``): oral histories and interviews saved as web pages.

Archives publish transcripts as HTML, many of them saved from Word: one ``<p>`` block per
turn, ``<br>`` line breaks inside a turn, the label bold or plain (``<b>MSM:</b> text``,
``<P>KELLY: text``). The page is turned into lines with the standard library's
:class:`html.parser.HTMLParser` (entities decoded, unclosed ``<P>`` tags of old pages
handled): every block element (``p``, ``div``, ``li``, table rows and cells, headings) ends a
paragraph and is followed by a blank line, ``<br>`` ends a line inside it, whitespace inside a
block is one space (in ``<pre>`` a line break ends a line), and ``<head>``, ``<script>``,
``<style>`` and comments (Word's conditional ``<!--[if ...]>`` blocks) are skipped. Headings
``<h1>``-``<h6>`` become Markdown headings. The lines are then read by
:func:`qualcode.transcripts.text.parse_lines` (every label shape of plain text); ``line`` is
the source line where the turn's block starts.
"""

from __future__ import annotations

from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path

from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import RawTurns
from qualcode.transcripts.labels import normalize_space
from qualcode.transcripts.text import parse_lines

__all__ = ["html_lines", "parse_html"]

_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "blockquote", "section",
     "article", "dd", "dt", "dl", "pre", "center", "hr", "body", "tbody", "thead"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({"head", "title", "script", "style", "xml", "noscript", "template"})


class _Lines(HTMLParser):
    """Collect the text of an HTML page as lines, with the source line of each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.linenos: list[int] = []
        self._parts: list[str] = []
        self._line = 1
        self._skip = 0
        self._heading: int = 0
        self._pre = 0

    def _flush(self, *, paragraph: bool) -> None:
        text = normalize_space("".join(self._parts))
        self._parts = []
        if text:
            if self._heading:
                text = "#" * self._heading + " " + text
            self.lines.append(text)
            self.linenos.append(self._line)
        if paragraph and self.lines and self.lines[-1]:
            self.lines.append("")
            self.linenos.append(self._line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self._flush(paragraph=False)
        elif tag in _BLOCKS or tag in _HEADINGS:
            self._flush(paragraph=True)
            self._heading = int(tag[1]) if tag in _HEADINGS else 0
        if not self._parts:
            self._line = self.getpos()[0]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush(paragraph=False)
        elif tag in _BLOCKS:
            self._flush(paragraph=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS or tag in _HEADINGS:
            self._flush(paragraph=True)
            self._heading = 0

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre and "\n" in data:
            # preformatted text: every line break ends a line, an empty line a paragraph
            first_line = self.getpos()[0]
            pieces = data.split("\n")
            for k, piece in enumerate(pieces[:-1]):
                self._parts.append(piece)
                empty = not "".join(self._parts).strip()
                self._flush(paragraph=empty)
                self._line = first_line + k + 1
            self._parts.append(pieces[-1])
            return
        if not self._parts or not "".join(self._parts).strip():
            self._line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush(paragraph=True)


def html_lines(text: str) -> tuple[list[str], list[int]]:
    """Turn an HTML page into text lines and the source line of each (see the module doc)."""
    parser = _Lines()
    parser.feed(text)
    parser.close()
    return parser.lines, parser.linenos


def parse_html(
    text: str,
    *,
    path: str | Path = "<string>",
    speakers: Collection[str] | None = None,
    single_speaker: bool = False,
    merge_runs: bool = True,
) -> RawTurns:
    """Parse an HTML transcript into raw turns.

    Raises
    ------
    TranscriptParseError
        If the page holds no text, or no speaker turns can be read from it.
    """
    lines, linenos = html_lines(text)
    if not any(lines):
        msg = "the HTML page holds no text outside <head>, scripts and styles"
        raise TranscriptParseError(msg, path=path)
    raw = parse_lines(
        lines,
        path=path,
        linenos=linenos,
        markdown=True,
        speakers=speakers,
        single_speaker=single_speaker,
        merge_runs=merge_runs,
    )
    raw.layout = "HTML page, " + raw.layout.removeprefix("Markdown, ")
    return raw
