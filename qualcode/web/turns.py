"""A turn as the pages show it: its text cut into marked segments, and its codes as chips.

Spans are offsets in code points (Python's ``str`` indexes), as the codings table and REFI-QDA
count them; the page's script converts the browser's UTF-16 selection to these before it sends
one.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.reports import evidence_spans

__all__ = ["Chip", "Segment", "TurnView", "anchor", "turn_view"]


def anchor(turn_id: str) -> str:
    """An HTML id for a turn (turn ids may hold any character)."""
    return "t-" + hashlib.sha1(str(turn_id).encode()).hexdigest()[:12]


@dataclass
class Segment:
    """A piece of a turn's text and the CSS classes marking it (empty: plain text)."""

    text: str
    cls: str = ""
    title: str = ""


@dataclass
class Chip:
    """A code on a turn: a person's coding or a machine suggestion."""

    coding_id: int
    code: str
    key: int
    label: str
    coder: str
    kind: str
    origin: str
    score: float
    span: str
    mine: bool


@dataclass
class TurnView:
    """What a page shows of a turn."""

    turn_id: str
    anchor: str
    interview: str
    position: int
    speaker: str
    role: str
    time: str
    text: str
    segments: list[Segment]
    chips: list[Chip] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)


class _Row:
    """A record's values as attributes (typed Any)."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.__dict__.update(record)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


def clock(seconds: Any) -> str:
    """Seconds as h:mm:ss (empty when missing)."""
    if seconds is None or pd.isna(seconds):
        return ""
    s = int(float(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[Segment]:
    """Cut ``text`` at the marks' bounds; each piece gets the classes of the first mark over it
    (``multi`` when several overlap) and the titles of all."""
    bounds = {0, len(text)}
    for s, e, _, _ in marks:
        bounds.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    cuts = sorted(bounds)
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        if a == b:
            continue
        over = [m for m in marks if m[0] <= a and b <= m[1]]
        cls = over[0][2] + (" multi" if len(over) > 1 else "") if over else ""
        title = "; ".join(dict.fromkeys(m[3] for m in over))
        out.append(Segment(text[a:b], cls, title))
    return out or [Segment("")]


def turn_view(
    turn: dict[str, Any],
    codings: list[dict[str, Any]],
    *,
    keys: dict[str, int],
    labels: dict[str, str],
    coder: str | None,
    memos: list[dict[str, Any]] | None = None,
    evidence: bool = False,
) -> TurnView:
    """A turn (a row of the turns table as a dict) with its codings (records of
    :meth:`Project.turn_codings`)."""
    text = str(turn[schema.TEXT])
    chips: list[Chip] = []
    marks: list[tuple[int, int, str, str]] = []
    for rec in codings:
        r = _Row(rec)
        code = str(r.code)
        key = keys.get(code, 0)
        s0, s1 = r.span_start, r.span_end
        has_span = s0 is not None and not pd.isna(s0) and s1 is not None and not pd.isna(s1)
        span = f"{int(s0)}–{int(s1)}" if has_span else "whole turn"
        chips.append(
            Chip(
                coding_id=int(r.coding_id),
                code=code,
                key=key,
                label=labels.get(code, code),
                coder=str(r.coder),
                kind=str(r.kind),
                origin=str(r.origin),
                score=float(r.score),
                span=span,
                mine=r.kind == "person" and str(r.coder) == coder,
            )
        )
        if r.kind == "person" and has_span:
            marks.append((int(s0), int(s1), f"hl k{key}", f"{code} ({r.coder})"))
        elif r.kind == "suggestion" and evidence:
            for a, b in evidence_spans(text, str(r.evidence)):
                marks.append((a, b, f"ev k{key}", f"evidence for {code}"))
    people = [c for c in chips if c.kind == "person"]
    machine = [c for c in chips if c.kind != "person"]
    return TurnView(
        turn_id=str(turn[schema.TURN_ID]),
        anchor=anchor(str(turn[schema.TURN_ID])),
        interview=str(turn[schema.INTERVIEW]),
        position=int(turn[schema.POSITION]),
        speaker=str(turn[schema.SPEAKER]),
        role=str(turn[schema.ROLE]),
        time=clock(turn.get(schema.START)),
        text=text,
        segments=segments(text, marks),
        chips=people + machine,
        memos=memos or [],
    )
