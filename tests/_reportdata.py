"""Hand-built turns, codings and codebook for the report/plot/exchange tests (known answers)."""

from __future__ import annotations

import pandas as pd

from qualcode.codebook import Code, Codebook, Theme

IDIC_COLOR = "#1f77b4"
CRM_COLOR = "#d62728"


def make_codebook() -> Codebook:
    """IDIC and CRM-stage themes, as in the thesis (labels long enough to wrap)."""
    idic = Theme(
        name="idic",
        label="Model IDIC",
        color=IDIC_COLOR,
        codes=(
            Code(
                name="identify",
                label="Identify: mengenali latar belakang klien",
                description="AE mengumpulkan informasi tentang klien.",
                examples=("kita cari tahu dulu latar belakang klien",),
                keywords=("latar belakang", "informasi"),
                theme="idic",
            ),
            Code(
                name="differentiate",
                label="Differentiate: membedakan klien berdasarkan nilai dan kebutuhan",
                description="Klien dibedakan menurut nilai dan kebutuhan.",
                theme="idic",
            ),
            Code(name="interact", label="Interact", theme="idic", color="#2ca02c"),
            Code(name="customize", label="Customize", theme="idic"),
        ),
    )
    crm = Theme(
        name="crm",
        label="Tahapan CRM",
        color=CRM_COLOR,
        codes=(
            Code(name="acquire", label="Acquire", theme="crm", keywords=("referensi",)),
            Code(name="enhance", label="Enhance", theme="crm"),
            Code(name="retain", label="Retain", theme="crm", keywords=("maintain",)),
        ),
    )
    return Codebook(name="crm_idic", languages=("id",), themes=(idic, crm))


TURNS = [
    # turn_id, interview, position, speaker, role, text
    ("N1-1", "Narasumber 1", 1, "P", "interviewer", "Bagaimana AE mendapatkan klien?"),
    (
        "N1-2",
        "Narasumber 1",
        2,
        "N1",
        "participant",
        "Ada beberapa yang berasal dari referensi dari client yang existing.",
    ),
    ("N1-3", "Narasumber 1", 3, "P", "interviewer", "Lalu prosedurnya seperti apa ya?"),
    (
        "N1-4",
        "Narasumber 1",
        4,
        "N1",
        "participant",
        "AE harus tau latar belakang klien dan scope of work, lalu maintain projectnya.",
    ),
    ("N1-5", "Narasumber 1", 5, "N1", "participant", "Iya <script>alert(1)</script> & selesai"),
    ("N2-1", "Narasumber 2", 1, "P", "interviewer", "Bagaimana menjaga hubungan dengan klien?"),
    (
        "N2-2",
        "Narasumber 2",
        2,
        "N2",
        "participant",
        "Kita maintain komunikasi, dan setiap klien dibedakan sesuai kebutuhan.",
    ),
    ("N2-3", "Narasumber 2", 3, "N2", "participant", "Oke."),
]


def make_turns() -> pd.DataFrame:
    cols = ["turn_id", "interview", "position", "speaker", "role", "text"]
    return pd.DataFrame(TURNS, columns=cols)


CODINGS = [
    # turn_id, code, coder, score, evidence, has a span
    ("N1-2", "acquire", "rules", 1.0, "referensi", True),
    ("N1-4", "identify", "rules", 1.0, "latar belakang", True),
    ("N1-4", "retain", "rules", 1.0, "maintain", True),
    ("N1-5", "interact", "rules", 0.4, "", False),
    ("N2-2", "retain", "rules", 1.0, "maintain", True),
    ("N2-2", "differentiate", "rules", 0.8, "dibedakan; kebutuhan", True),
    ("N2-2", "interact", "rules", 0.9, "komunikasi", True),
    # a person
    ("N1-2", "acquire", "rickxen", 1.0, "", False),
    ("N1-4", "identify", "rickxen", 1.0, "", False),
    ("N2-2", "retain", "rickxen", 1.0, "", False),
    ("N2-2", "customize", "rickxen", 1.0, "", False),
]


def make_codings() -> pd.DataFrame:
    """Codings by the rules (span = first evidence item) and by a person (no spans)."""
    texts = dict((row[0], row[5]) for row in TURNS)
    rows = []
    for tid, code, coder, score, evidence, has_span in CODINGS:
        start = end = None
        if has_span:
            first = evidence.split("; ")[0]
            start = texts[tid].index(first)
            end = start + len(first)
        rows.append((tid, code, coder, score, evidence, start, end))
    cols = ["turn_id", "code", "coder", "score", "evidence", "span_start", "span_end"]
    return pd.DataFrame(rows, columns=cols)


def make_cases() -> pd.DataFrame:
    """Juliana and Jimmy, joined by interview; one attribute named like a turns column."""
    return pd.DataFrame(
        {
            "case": ["Juliana", "Jimmy"],
            "interview": ["Narasumber 1", "Narasumber 2"],
            "team": ["AE", "AE"],
            "gender": ["female", "male"],
            "role": ["Senior AE", "AM"],
        }
    )
