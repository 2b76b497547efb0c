"""Write a turns table back to a plain-text transcript that reads back to the same turns.

Layout: one ``# heading`` line per interview (the interview id without its file-stem prefix),
a blank line, then one ``Speaker: text`` line per turn (``[hh:mm:ss.mmm] Speaker: text`` when the
turn has a start time). A label the reader could take for prose (``Catatan``, ``Doe, Jane``, a
name that occurs only once) is written in the tab form ``Speaker<TAB>: text``, which the reader
always takes as a label. Edit the file, then read it again with :func:`read_transcript`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError
from qualcode.fileio import write_atomic
from qualcode.transcripts.labels import LABEL_RE, STRONG, label_strength

__all__ = ["format_transcript", "write_transcript"]


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"[{h:02d}:{m:02d}:{s:02d}.{ms:03d}]"


def _heading(interview: str, *, first: bool, only: bool, one_base: bool) -> str | None:
    if "/" in interview and one_base:
        return interview.split("/", 1)[1]
    return None if first or only else interview


def format_transcript(turns: pd.DataFrame) -> str:
    """Format a turns table as transcript text.

    Parameters
    ----------
    turns : DataFrame
        A turns table (see :mod:`qualcode.schema`).

    Returns
    -------
    str
        Transcript text: a ``# heading`` per interview and ``Speaker: text`` lines.

    Raises
    ------
    QualcodeError
        If a speaker label cannot be written as a label (it holds ``:``, ``[``, ``]``, ``*``,
        ``<`` or ``>``, a tab or a line break, or is longer than 40 characters).

    Examples
    --------
    >>> from qualcode.transcripts import parse_transcript
    >>> turns = parse_transcript("P: Halo?\\nN1: Halo juga.\\nP: Oke.\\nN1: Ya.")
    >>> print(format_transcript(turns))
    P: Halo?
    N1: Halo juga.
    P: Oke.
    N1: Ya.
    <BLANKLINE>
    """
    turns = schema.validate_turns(turns)
    speakers = turns[schema.SPEAKER].astype(str).tolist()
    counts = Counter(speakers)
    form: dict[str, str] = {}
    for sp in counts:
        m = LABEL_RE.fullmatch(f"{sp}\t: x")
        if m is None or m["name"] is None or " ".join(m["name"].split()) != sp or "\t" in sp:
            msg = (
                f"speaker label {sp!r} cannot be written to a transcript; labels must be at "
                "most 40 characters without ':', '[', ']', '*', '<', '>' or line breaks"
            )
            raise QualcodeError(msg)
        strength = label_strength(sp)
        plain = strength == STRONG or (strength > 0 and counts[sp] >= 2)
        plain_m = LABEL_RE.fullmatch(f"{sp}: x")
        if plain and plain_m is not None and plain_m["name"] == sp and plain_m["ts0"] is None:
            form[sp] = f"{sp}: "
        else:
            form[sp] = f"{sp}\t: "
    interviews = list(dict.fromkeys(turns[schema.INTERVIEW].astype(str).tolist()))
    one_base = len({iv.split("/", 1)[0] for iv in interviews}) == 1
    out: list[str] = []
    groups = {iv: g for iv, g in turns.groupby(schema.INTERVIEW, sort=False)}
    for k, iv in enumerate(interviews):
        heading = _heading(iv, first=k == 0, only=len(interviews) == 1, one_base=one_base)
        if heading is not None:
            if out:
                out.append("")
            out.append(f"# {heading}")
            out.append("")
        g = groups[iv].sort_values(schema.POSITION, kind="stable")
        for sp, text, start in zip(
            g[schema.SPEAKER].astype(str), g[schema.TEXT].fillna(""), g[schema.START], strict=True
        ):
            prefix = "" if pd.isna(start) else _timestamp(float(start)) + " "
            out.append(f"{prefix}{form[sp]}{text}".rstrip())
    return "\n".join(out) + "\n"


def write_transcript(turns: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8") -> Path:
    """Write a turns table as a plain-text transcript (see :func:`format_transcript`).

    Returns
    -------
    Path
        The path written.
    """
    text = format_transcript(turns)
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding=encoding))
