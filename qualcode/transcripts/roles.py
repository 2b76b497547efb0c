"""Decide each turn's role: ``interviewer``, ``participant`` or ``other``.

Roles are decided per interview, in this order:

1. a mapping given by the user (``{"P": "interviewer"}`` or the CLI's ``--roles "P=interviewer"``)
   always wins; keys match the speaker label exactly, else case-insensitively;
2. labels of non-speakers (``Unknown``, ``Speaker ?``, ``Transcriber``, ``Note``...) are ``other``,
   unless such a speaker is the only one in the interview (then its words are the data:
   ``participant``);
3. common interviewer labels are ``interviewer``: Interviewer, I, Q, P (Peneliti), Int,
   Moderator, MOD, Host, Facilitator, Researcher, Pewawancara, ...;
4. common participant labels are ``participant``: Respondent, A, N1/N2 (Narasumber), P1/R1,
   Participant, Informan, Interviewee, Guest, Narrator (the person interviewed, as oral-history
   archives call them), ...;
5. ``R`` is ambiguous (Respondent next to ``I``; a mistyped Researcher/Peneliti row in the thesis):
   it is a participant when the interview has an ``I``/``Interviewer`` speaker and no other
   participant, otherwise it goes by questions (rule 6) among the remaining speakers;
6. if no speaker is an interviewer yet, the speaker who asks the most questions (turns with
   ``?``; ties: the larger share of questions, then the first to speak) is the interviewer;
   everyone else is a participant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError

__all__ = [
    "SpeakerStats",
    "assign_roles",
    "decide_roles",
    "decide_speaker_roles",
    "default_role",
    "parse_roles",
]

_INTERVIEWER = re.compile(
    r"(?i)(?:(?:interviewer|interviewerin|peneliti|pewawancara|moderator|host|facilitator|"
    r"fasilitator|researcher|fragesteller|fragestellerin)(?:[ _-]?\d{1,2})?|"
    r"int|i|q|p|mod|iv|ivr|i\d)(?:\s*\(.{0,30}\))?"
)
_PARTICIPANT = re.compile(
    r"(?i)(?:respondent|responden|participant|partisipan|informan|informant|interviewee|"
    r"narasumber|narrator|guest|subject|a|b\d{0,2}|n\d{1,3}|p\d{1,3}|r\d{1,3}|resp|ip|befragte[rn]?|"
    r"teilnehmer(?:in)?)(?:[ _-]?\d{1,3})?(?:\s*\(.{0,30}\))?"
)
_OTHER = re.compile(
    r"(?i)(?:unknown|unidentified|speaker\s*\?|\?+|transcriber(?:'s)? notes?|transcriber|"
    r"note|notes|catatan|observer|translator|interpreter|system|all|semua|"
    r"(?:unknown|unidentified) speaker(?:\s*\d{1,2})?|multiple speakers|crosstalk)"
)
_AMBIGUOUS_R = re.compile(r"(?i)r")
_I_LABEL = re.compile(r"(?i)i|interviewer")


def parse_roles(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse a roles mapping ``"P=interviewer,R=interviewer"`` (or check a dict).

    Parameters
    ----------
    spec : str or mapping or None
        ``LABEL=ROLE`` pairs separated by commas (labels may contain spaces), or a mapping.

    Returns
    -------
    dict
        Speaker label -> role.

    Raises
    ------
    QualcodeError
        If a pair has no ``=`` or a role is not interviewer, participant or other.

    Examples
    --------
    >>> parse_roles("P=interviewer, N1=participant")
    {'P': 'interviewer', 'N1': 'participant'}
    """
    if spec is None:
        return {}
    if isinstance(spec, str):
        pairs: list[tuple[str, str]] = []
        for item in spec.split(","):
            if not item.strip():
                continue
            if "=" not in item:
                msg = (
                    f"roles: {item.strip()!r} has no '='; expected LABEL=ROLE pairs separated "
                    "by commas, e.g. 'P=interviewer,N1=participant'"
                )
                raise QualcodeError(msg)
            label, role = item.rsplit("=", 1)
            pairs.append((label.strip(), role.strip().lower()))
    else:
        pairs = [(str(k).strip(), str(v).strip().lower()) for k, v in spec.items()]
    out: dict[str, str] = {}
    for label, role in pairs:
        if role not in schema.ROLES:
            msg = (
                f"roles: unknown role {role!r} for speaker {label!r}; expected one of "
                f"{', '.join(schema.ROLES)}"
            )
            raise QualcodeError(msg)
        if not label:
            msg = "roles: empty speaker label; expected LABEL=ROLE"
            raise QualcodeError(msg)
        out[label] = role
    return out


@lru_cache(maxsize=4096)
def default_role(label: str) -> str | None:
    """Return the role a label implies by itself, or None when it does not say.

    Examples
    --------
    >>> default_role("P"), default_role("N1"), default_role("Unknown"), default_role("Jane")
    ('interviewer', 'participant', 'other', None)
    """
    label = label.strip().rstrip(".:")
    if _OTHER.fullmatch(label):
        return schema.OTHER
    if _AMBIGUOUS_R.fullmatch(label):
        return None
    if _INTERVIEWER.fullmatch(label):
        return schema.INTERVIEWER
    if _PARTICIPANT.fullmatch(label):
        return schema.PARTICIPANT
    return None


def _lookup(mapping: Mapping[str, str], folded: Mapping[str, str], label: str) -> str | None:
    role = mapping.get(label)
    if role is None:
        role = folded.get(label.casefold())
    return role


#: ``stats(undecided)`` -> (questions, turns) per speaker of one interview
SpeakerStats = Callable[[list[str]], tuple[Mapping[str, int], Mapping[str, int]]]


def decide_speaker_roles(
    order: list[str],
    stats: SpeakerStats,
    mapping: Mapping[str, str],
    folded: Mapping[str, str],
) -> dict[str, str]:
    """Decide the role of each speaker of one interview.

    ``order`` lists the speakers in order of their first turn; ``stats`` counts the turns with
    a question and all turns of the speakers it is given (called only when the questions
    decide).
    """
    decided: dict[str, str] = {}
    for sp in order:
        role = _lookup(mapping, folded, sp)
        if role is not None:
            decided[sp] = role
    if len(order) == 1 and order[0] not in decided:
        role = default_role(order[0])
        decided[order[0]] = schema.INTERVIEWER if role == schema.INTERVIEWER else schema.PARTICIPANT
        return decided
    undecided: list[str] = []
    for sp in order:
        if sp in decided:
            continue
        role = default_role(sp)
        if role is None:
            undecided.append(sp)
        else:
            decided[sp] = role
    if not undecided:
        return decided
    has_interviewer = schema.INTERVIEWER in decided.values()
    has_participant = schema.PARTICIPANT in decided.values()
    ambiguous_r = [sp for sp in undecided if _AMBIGUOUS_R.fullmatch(sp.strip().rstrip(".:"))]
    if ambiguous_r and any(_I_LABEL.fullmatch(sp.strip()) for sp in order) and not has_participant:
        for sp in ambiguous_r:
            decided[sp] = schema.PARTICIPANT
        undecided = [sp for sp in undecided if sp not in decided]
        has_participant = True
    if not undecided:
        return decided
    if has_interviewer and not ambiguous_r:
        for sp in undecided:
            decided[sp] = schema.PARTICIPANT
        return decided
    questions, counts = stats(undecided)
    # the speaker who asks the most questions is the interviewer (rank: count, share, order)
    rank = sorted(
        undecided,
        key=lambda sp: (-questions[sp], -questions[sp] / counts[sp], order.index(sp)),
    )
    asker = rank[0]
    if has_interviewer and not has_participant:
        # an interviewer is known: the ambiguous label is the other side
        asker = ""
    for sp in undecided:
        if sp == asker and (questions[sp] > 0 or not has_interviewer):
            decided[sp] = schema.INTERVIEWER
        else:
            decided[sp] = schema.PARTICIPANT
    return decided


def _list_stats(speakers: list[str], texts: list[str]) -> SpeakerStats:
    def stats(undecided: list[str]) -> tuple[dict[str, int], dict[str, int]]:
        questions: dict[str, int] = dict.fromkeys(undecided, 0)
        counts: dict[str, int] = dict.fromkeys(undecided, 0)
        for sp, text in zip(speakers, texts, strict=True):
            if sp in counts:
                counts[sp] += 1
                if "?" in text:
                    questions[sp] += 1
        return questions, counts

    return stats


def assign_roles(
    turns: pd.DataFrame, *, roles: Mapping[str, str] | str | None = None
) -> pd.DataFrame:
    """Return ``turns`` with the ``role`` column decided per interview.

    Parameters
    ----------
    turns : DataFrame
        A turns table.
    roles : mapping or str, optional
        Speaker label -> role given by the user (or a ``"P=interviewer,..."`` string); it wins
        over the default rules described in this module.

    Returns
    -------
    DataFrame
        A copy of ``turns`` with ``role`` filled in.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualcode.schema import normalize_turns
    >>> t = normalize_turns(pd.DataFrame({"turn_id": ["a", "b"], "interview": ["x", "x"],
    ...     "position": [1, 2], "speaker": ["Ana", "Budi"], "role": ["other", "other"],
    ...     "text": ["How are you?", "Fine."]}))
    >>> list(assign_roles(t)["role"])
    ['interviewer', 'participant']
    """
    mapping = parse_roles(roles) if roles is not None else {}
    out = turns.copy()
    if out.empty:
        return out
    decided = decide_roles(
        out[schema.INTERVIEW].astype(str).tolist(),
        out[schema.SPEAKER].astype(str).tolist(),
        out[schema.TEXT].fillna("").astype(str).tolist(),
        roles=mapping,
    )
    out[schema.ROLE] = schema.as_labels(
        pd.Series(decided, index=out.index, name=schema.ROLE), categories=schema.ROLES
    )
    return out


def decide_roles(
    interviews: list[str],
    speakers: list[str],
    texts: list[str],
    *,
    roles: Mapping[str, str] | None = None,
) -> list[str]:
    """Return the role of each turn given as parallel lists (see :func:`assign_roles`)."""
    mapping = dict(roles or {})
    folded = {k.casefold(): v for k, v in mapping.items()}
    role_col: list[str] = [schema.OTHER] * len(speakers)
    groups: dict[str, list[int]] = {}
    for i, iv in enumerate(interviews):
        groups.setdefault(iv, []).append(i)
    for idx in groups.values():
        sp = [speakers[i] for i in idx]
        stats = _list_stats(sp, [texts[i] for i in idx])
        decided = decide_speaker_roles(list(dict.fromkeys(sp)), stats, mapping, folded)
        for i in idx:
            role_col[i] = decided[speakers[i]]
    return role_col
