"""Pseudonyms: names replaced as whole words in any case, offsets moved, inputs unchanged."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_TXT
from hypothesis import given, settings
from hypothesis import strategies as st

import qualcode as qc
from qualcode.cli import main
from qualcode.errors import TableError
from qualcode.pseudonyms import Pseudonyms, read_pseudonyms


@pytest.fixture(scope="module")
def sample():
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(ROOT / "codebooks" / "crm_idic.yaml")
    return turns, qc.KeywordCoder(book).code(turns), book


def test_pseudonyms_whole_words_in_any_case():
    ps = Pseudonyms({"Rick": "Peneliti", "Vito": "Andi"})
    text = "Halo mas VITO, ini rick. Rickxen dan Vitorio tidak."
    assert ps.replace_text(text) == "Halo mas Andi, ini Peneliti. Rickxen dan Vitorio tidak."
    assert ps.counts == {"Vito": 1, "Rick": 1}
    assert Pseudonyms({}).replace_text(text) == text  # no names: nothing replaced


def test_pseudonyms_apply_moves_spans_and_keeps_inputs(sample):
    turns, codings, _ = sample
    ps = read_pseudonyms(ROOT / "data" / "pseudonyms.csv")
    done = ps.apply(turns, codings=codings)
    assert turns["text"].str.contains("Juliana").any()  # the input is not changed
    assert not done.turns["text"].str.contains("Juliana|Jimmy|Vito|Rickxen").any()
    before = turns.set_index("turn_id")["text"]
    after = done.turns.set_index("turn_id")["text"]
    assert done.codings is not None
    for old, new in zip(codings.itertuples(), done.codings.itertuples(), strict=True):
        if pd.isna(old.span_start):
            continue
        # the evidence marks the same words after the names are replaced
        was = before[old.turn_id][int(old.span_start) : int(old.span_end)]
        now = after[new.turn_id][int(new.span_start) : int(new.span_end)]
        assert ps.replace_text(was) == now
    moved = (done.codings["span_start"] != codings["span_start"]).sum()
    assert moved > 0


def test_pseudonyms_offsets_inside_a_name_keep_the_pseudonym_whole():
    turns = pd.DataFrame(
        {
            "turn_id": ["t1"],
            "interview": ["i"],
            "position": [1],
            "speaker": ["Vito"],
            "role": ["participant"],
            "text": ["saya Vito, trust penting"],
        }
    )
    codings = pd.DataFrame(
        {"turn_id": ["t1", "t1"], "code": ["a", "b"], "coder": ["ana", "ana"],
         "span_start": [7, 11], "span_end": [16, 16]}
    )  # fmt: skip
    done = Pseudonyms({"vito": "Informan Tiga"}).apply(turns, codings=codings)
    assert done.turns.at[0, "text"] == "saya Informan Tiga, trust penting"
    assert done.turns.at[0, "speaker"] == "Informan Tiga"
    assert done.codings is not None
    assert done.codings["span_start"].tolist() == [5, 20]  # 7 was inside "Vito"
    assert done.codings["span_end"].tolist() == [25, 25]


def test_read_pseudonyms_errors(tmp_path):
    bad = tmp_path / "p.csv"
    bad.write_text("name,alias\nJuliana,Sari\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"p.csv line 1: .*no 'pseudonym' column"):
        read_pseudonyms(bad)
    bad.write_text("name,pseudonym\nJuliana,Sari\njuliana,Ana\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"line 3: the name 'juliana' is given twice"):
        read_pseudonyms(bad)
    with pytest.raises(TableError, match="pseudonym file not found"):
        read_pseudonyms(tmp_path / "missing.csv")


def test_cli_report_pseudonyms_warns_names_never_found(sample, tmp_path, capsys):
    turns, codings, _ = sample
    qc.write_table(turns, tmp_path / "turns.csv")
    qc.write_table(codings, tmp_path / "codings.csv")
    names = tmp_path / "names.csv"
    names.write_text("name,pseudonym\nJimmy,Budi\nSiti,Rina\n", encoding="utf-8")
    code = main(
        ["export", "docx", "--turns", str(tmp_path / "turns.csv"), "--codings",
         str(tmp_path / "codings.csv"), "--codebook", str(ROOT / "codebooks" / "crm_idic.yaml"),
         "--pseudonyms", str(names), "--out", str(tmp_path / "a.docx")]
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "Jimmy -> Budi: 7" in captured.out
    assert "1 name(s) never found in what was written: Siti" in captured.err
    assert "Jimmy" in (tmp_path / "turns.csv").read_text(encoding="utf-8")  # input unchanged


def test_cli_export_qdpx_with_pseudonyms_leaves_the_project_unchanged(tmp_path, capsys):
    import zipfile

    project = tmp_path / "study.qualcode"
    assert (
        main(["init", str(project), "--codebook", str(ROOT / "codebooks" / "crm_idic.yaml")]) == 0
    )
    add = ["add", str(project), str(SAMPLE_TXT), "--cases", str(ROOT / "data" / "cases.csv")]
    assert main(add) == 0
    assert main(["memo", str(project), "Juliana was tired", "--case", "Narasumber 1"]) == 0
    out = tmp_path / "study.qdpx"
    args = ["export", "qdpx", "--project", str(project), "--out", str(out)]
    assert main([*args, "--pseudonyms", str(ROOT / "data" / "pseudonyms.csv")]) == 0
    assert "Juliana -> Sari" in capsys.readouterr().out
    with zipfile.ZipFile(out) as z:
        text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for name in ("Juliana", "Jimmy", "Vito", "Rickxen"):
        assert name not in text, name
    assert "Sari was tired" in text
    stored = qc.Project.open(project)
    assert stored.turns()["text"].str.contains("Juliana").any()  # the project keeps its text


@given(
    words=st.lists(
        st.sampled_from(
            ["saya", "Vito", "vito", "Ana", "klien", "Vitorio", ",", "Vito-nya", "trust", "ANA"]
        ),
        min_size=1,
        max_size=12,
    ),
    cut=st.tuples(st.integers(0, 200), st.integers(0, 200)),
)
@settings(max_examples=200, deadline=None)
def test_pseudonyms_spans_follow_the_text(words, cut):
    """Any span whose ends fall outside the names marks the same words after replacement."""
    text = " ".join(words)
    start, end = sorted(min(c, len(text)) for c in cut)
    turns = pd.DataFrame(
        {"turn_id": ["t"], "interview": ["i"], "position": [1], "speaker": ["N1"],
         "role": ["participant"], "text": [text]}
    )  # fmt: skip
    codings = pd.DataFrame(
        {"turn_id": ["t"], "code": ["a"], "coder": ["x"],
         "span_start": pd.array([start], dtype="Int64"), "span_end": pd.array([end], dtype="Int64")}
    )  # fmt: skip
    ps = Pseudonyms({"Vito": "Informan Tiga", "Ana": "B"})
    done = ps.apply(turns, codings=codings)
    assert done.codings is not None
    new_text = done.turns.at[0, "text"]
    s, e = int(done.codings.at[0, "span_start"]), int(done.codings.at[0, "span_end"])
    assert 0 <= s <= e <= len(new_text)
    alias = {"vito": "Informan Tiga", "ana": "B"}
    names = [m.span() for m in re.finditer(r"(?<!\w)(?:vito|ana)(?!\w)", text, flags=re.I)]
    if not any(a < start < b or a < end < b for a, b in names):
        expected, pos = "", start
        for a, b in names:
            if start <= a and b <= end:
                expected += text[pos:a] + alias[text[a:b].casefold()]
                pos = b
        assert new_text[s:e] == expected + text[pos:end]
