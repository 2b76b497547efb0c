"""Say when a file read into turns does not look like a transcript.

Any text yields "turns" when read leniently: 50 MB of random characters gave about 700
"interviews" and thousands of "speakers" without a word of warning. A transcript has a few
speakers who each speak many times, and interviews of many turns. :func:`check_structure`
names what is implausible in the turns of one file; the readers issue it as a
:class:`~qualcode.errors.TranscriptWarning` naming the file (the command line prints it as one
``Warning:`` line). The turns are still returned: a warning, not a refusal, since a strange
file can still be the one the user meant. Files the fast path reads (every line a
``Label: text`` line with an accepted label, a blank or a heading) are structured by
construction and not checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["MANY_INTERVIEWS", "MANY_SPEAKERS", "check_structure"]

#: fewer distinct speaker labels than this are never implausible
MANY_SPEAKERS = 20
#: fewer interviews than this are never implausible (a file of open answers under headings, one
#: per respondent, is a real shape; hundreds of one-turn interviews rarely are)
MANY_INTERVIEWS = 100


def check_structure(speakers: Sequence[str], headings: Sequence[str | None]) -> str | None:
    """Say what is implausible about one file's turns, or return None.

    Parameters
    ----------
    speakers : sequence of str
        The speaker of each turn of the file.
    headings : sequence of str or None
        The interview heading each turn falls under (None before the first heading).

    Returns
    -------
    str or None
        A sentence for the warning when the file has at least :data:`MANY_SPEAKERS` speaker
        labels and most of them speak only once, or at least :data:`MANY_INTERVIEWS`
        interviews and most of them hold a single turn; else None.

    Examples
    --------
    >>> check_structure(["Q", "A"] * 50, [None] * 100) is None
    True
    >>> check_structure([f"X{k}" for k in range(30)], [None] * 30)
    '30 turns by 30 different speaker labels, 30 of them with a single turn'
    """
    problems = []
    counts = Counter(speakers)
    once = sum(1 for n in counts.values() if n == 1)
    if len(counts) >= MANY_SPEAKERS and once * 2 > len(counts):
        problems.append(
            f"{len(speakers):,} turns by {len(counts):,} different speaker labels, "
            f"{once:,} of them with a single turn"
        )
    interviews = Counter(headings)
    single = sum(1 for n in interviews.values() if n == 1)
    if len(interviews) >= MANY_INTERVIEWS and single * 2 > len(interviews):
        problems.append(
            f"headings split it into {len(interviews):,} interviews, {single:,} of them of a "
            "single turn"
        )
    return "; ".join(problems) or None
