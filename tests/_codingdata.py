"""A small coded study for the classifier, evaluation and suggestion tests.

Interviews of question/answer pairs: the interviewer asks ``bagaimana?``, the participant gives
an Indonesian/English answer about keeping clients (``retain``) or winning new ones
(``acquire``), coded by ``ann``. Also one codings row made by hand (:func:`coding_row`).
"""

from __future__ import annotations

import pandas as pd

from qualcode import schema

ANSWERS = {
    "retain": [
        "kami pertahankan klien lama",
        "jaga hubungan dengan client-nya",
        "retain klien yang sudah ada",
    ],
    "acquire": ["cari klien baru lewat pitching", "pitching ke brand baru", "dapat client baru"],
}


def make_data(
    n_interviews: int, *, numbered: bool = False, gaps: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(turns, codings)`` of ``n_interviews`` interviews ``i0, i1, ...``.

    ``numbered`` ends each answer with its interview number (no two answers alike);
    ``gaps`` leaves one answer in four uncoded (the coder skipped it).
    """
    turns, codings = [], []
    for i in range(n_interviews):
        pos = 0
        for k, (code, answers) in enumerate(ANSWERS.items()):
            for j, text in enumerate(answers):
                answer = f"{text} {i}" if numbered else text
                for speaker, role, t in (
                    ("Q", "interviewer", "bagaimana?"),
                    ("A", "participant", answer),
                ):
                    pos += 1
                    tid = f"i{i}-{pos}"
                    turns.append((tid, f"i{i}", pos, speaker, role, t))
                    if role == "participant" and not (gaps and (i + j + k) % 4 == 3):
                        codings.append((tid, code, "ann"))
    t = pd.DataFrame(turns, columns=["turn_id", "interview", "position", "speaker", "role", "text"])
    c = pd.DataFrame(codings, columns=["turn_id", "code", "coder"])
    return t, c


def coding_row(
    turn: str, code: str, coder: str, span: tuple[int, int] | None = None
) -> dict[str, object]:
    """One codings row: a coder's code on a turn, on the span (start, end) or the whole turn."""
    start, end = span if span is not None else (None, None)
    return {
        schema.TURN_ID: turn,
        schema.CODE: code,
        schema.CODER: coder,
        schema.SPAN_START: start,
        schema.SPAN_END: end,
    }
