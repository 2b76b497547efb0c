"""Roles: default label rules, the question heuristic, user mappings."""

from __future__ import annotations

import pytest

from qualcode import QualcodeError, parse_transcript
from qualcode.schema import ROLE, SPEAKER
from qualcode.transcripts import parse_roles


def roles(text: str, **kw) -> dict[str, str]:
    t = parse_transcript(text, **kw)
    return dict(zip(t[SPEAKER], t[ROLE], strict=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I: Hi\nR: Hello\n", {"I": "interviewer", "R": "participant"}),
        ("Q: Hi\nA: Hello\n", {"Q": "interviewer", "A": "participant"}),
        (
            "MOD: Hi\nP1: Hello\nP2: Hey\n",
            {"MOD": "interviewer", "P1": "participant", "P2": "participant"},
        ),
        ("Host: Hi\nGuest: Hello\n", {"Host": "interviewer", "Guest": "participant"}),
        (
            "Facilitator: Hi\nParticipant 3: Hello\n",
            {"Facilitator": "interviewer", "Participant 3": "participant"},
        ),
        ("Peneliti: Hi\nInforman: Hello\n", {"Peneliti": "interviewer", "Informan": "participant"}),
        (
            "P: Hi\nR: Kenapa?\nN2: Karena.\n",
            {"P": "interviewer", "R": "interviewer", "N2": "participant"},
        ),
        ("P: Hi?\nR: Hello.\n", {"P": "interviewer", "R": "participant"}),
        (
            "Researcher: Why?\nRespondent: Because.\nUnknown: [inaudible]\n",
            {"Researcher": "interviewer", "Respondent": "participant", "Unknown": "other"},
        ),
        (
            "Speaker ?: hmm\nInterviewer: Why?\nA: Because\n",
            {"Speaker ?": "other", "Interviewer": "interviewer", "A": "participant"},
        ),
    ],
)
def test_roles_default_rules(text: str, expected: dict[str, str]) -> None:
    assert roles(text) == expected


def test_roles_question_asker_is_interviewer() -> None:
    text = "Sari: Saya mulai 2015.\nDimas: Kenapa pindah?\nSari: Gaji.\nDimas: Lalu?\nSari: Ya.\n"
    assert roles(text) == {"Dimas": "interviewer", "Sari": "participant"}


def test_roles_are_decided_per_interview() -> None:
    text = (
        "Interview 1\n\nAna: Kenapa?\nBen: Karena.\nAna: Oh?\nBen: Ya.\n\n"
        "Interview 2\n\nBen: Kenapa?\nAna: Karena.\nBen: Oh?\nAna: Ya.\n"
    )
    t = parse_transcript(text)
    got = t.groupby("interview", sort=False).apply(
        lambda g: dict(zip(g[SPEAKER], g[ROLE], strict=True)), include_groups=False
    )
    assert list(got) == [
        {"Ana": "interviewer", "Ben": "participant"},
        {"Ben": "interviewer", "Ana": "participant"},
    ]


def test_roles_user_mapping_wins() -> None:
    text = "P: Hi?\nR: Kenapa?\nN2: Karena.\n"
    assert roles(text, roles="R=participant, n2=other") == {
        "P": "interviewer",
        "R": "participant",
        "N2": "other",
    }
    assert roles(text, roles={"P": "participant"})["P"] == "participant"


@pytest.mark.parametrize(
    ("spec", "match"),
    [("P", "has no '='"), ("P=boss", "unknown role 'boss'"), ("=interviewer", "empty speaker")],
)
def test_roles_bad_spec(spec: str, match: str) -> None:
    with pytest.raises(QualcodeError, match=match):
        parse_roles(spec)
