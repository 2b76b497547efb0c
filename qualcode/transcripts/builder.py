"""Collect turns as column lists while a reader parses, then build the turns table once.

Readers append one row per turn to :class:`RawTurns` (cheap list appends, no per-row
DataFrame work). :func:`build_turns` names the interviews, numbers the turns, makes the stable
turn ids and decides the roles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.transcripts.labels import normalize_space
from qualcode.transcripts.roles import decide_roles

#: speaker name used when a source names no speakers (subtitles, single-speaker mode)
UNKNOWN_SPEAKER = "unknown"


@dataclass
class RawTurns:
    """Turns found in one file, as parallel lists.

    ``heading`` is the interview heading a turn falls under (None before the first heading).
    ``text`` entries are already free of markup; whitespace is normalised in :func:`build_turns`.
    """

    heading: list[str | None] = field(default_factory=list)
    speaker: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    start: list[float | None] = field(default_factory=list)
    end: list[float | None] = field(default_factory=list)
    line: list[int] = field(default_factory=list)

    def add(
        self,
        heading: str | None,
        speaker: str,
        text: str,
        line: int,
        start: float | None = None,
        end: float | None = None,
    ) -> None:
        """Append one turn."""
        self.heading.append(heading)
        self.speaker.append(speaker)
        self.text.append(text)
        self.line.append(line)
        self.start.append(start)
        self.end.append(end)

    def __len__(self) -> int:
        return len(self.speaker)


#: whitespace that is not already a single space
_WS_RE = re.compile(r"\s{2,}|[^\S ]")
_SEP = "\x00"


def _normalize_texts(texts: list[str]) -> list[str]:
    """Collapse whitespace in every text and strip the ends (in a few passes over one string)."""
    if not texts:
        return []
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        return [normalize_space(t) for t in texts]  # a text holds the separator itself
    joined = _WS_RE.sub(" ", joined)
    joined = joined.replace(" " + _SEP, _SEP).replace(_SEP + " ", _SEP).strip(" ")
    return joined.split(_SEP)


def slugify(value: str) -> str:
    """Return a lower-case ASCII slug of ``value`` (``Narasumber 1`` -> ``narasumber-1``)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


def interview_base(source: str | Path) -> str:
    """Return the interview id prefix for a source: the file stem (``<string>`` -> ``string``)."""
    stem = Path(str(source)).stem.strip("<>").strip()
    return stem or "transcript"


def build_turns(
    raw: RawTurns,
    *,
    base: str,
    source: str,
    roles: Mapping[str, str] | None = None,
    used_slugs: set[str] | None = None,
) -> dict[str, list[Any]]:
    """Build the turns columns of one file from its raw turns.

    Parameters
    ----------
    raw : RawTurns
        The turns as parsed.
    base : str
        Interview id prefix (the file stem, made unique across files by the caller).
    source : str
        File name for the ``source`` column.
    roles : mapping, optional
        Speaker label -> role given by the user; wins over the default rules.
    used_slugs : set of str, optional
        Interview slugs already used by other files (updated in place), so turn ids stay
        unique across files.

    Returns
    -------
    dict
        Column name -> list of values, the columns of :data:`qualcode.schema.TURN_COLUMNS`
        (make the table with :func:`columns_to_frame`). Interview ids are
        ``base`` for turns before any heading and ``base/heading`` after one; turn ids are
        ``<interview slug>-<position:04d>``.
    """
    used = used_slugs if used_slugs is not None else set()
    n = len(raw)
    interviews: list[str] = []
    positions: list[int] = []
    turn_ids: list[str] = []
    slug_of: dict[str, str] = {}
    counter: dict[str, int] = {}
    for heading, run in groupby(raw.heading):
        size = sum(1 for _ in run)
        interview = base if heading is None else f"{base}/{heading}"
        slug = slug_of.get(interview)
        if slug is None:
            slug = candidate = slugify(interview)
            suffix = 2
            while candidate in used:
                candidate = f"{slug}-{suffix}"
                suffix += 1
            used.add(candidate)
            slug = slug_of[interview] = candidate
        first = counter.get(interview, 0) + 1
        counter[interview] = first + size - 1
        run_positions = range(first, first + size)
        interviews.extend([interview] * size)
        positions.extend(run_positions)
        turn_ids.extend([f"{slug}-{pos:04d}" for pos in run_positions])
    texts = _normalize_texts(raw.text)
    return {
        schema.TURN_ID: turn_ids,
        schema.INTERVIEW: interviews,
        schema.POSITION: positions,
        schema.SPEAKER: list(raw.speaker),
        schema.ROLE: decide_roles(interviews, raw.speaker, texts, roles=roles),
        schema.TEXT: texts,
        schema.START: list(raw.start),
        schema.END: list(raw.end),
        schema.SOURCE: [source] * n,
        schema.LINE: list(raw.line),
    }


def columns_to_frame(columns: Mapping[str, list[Any]]) -> pd.DataFrame:
    """Make the turns table from column lists (one DataFrame construction for many files)."""
    df = pd.DataFrame(
        {
            name: pd.array(values, dtype="Float64")
            if name in (schema.START, schema.END)
            else values
            for name, values in columns.items()
        }
    )
    return schema.normalize_turns(df)
