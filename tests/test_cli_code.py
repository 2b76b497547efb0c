"""Tests for ``qualcode code``: coding transcripts or a turns table with a codebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode import read_codebook, read_table, schema
from qualcode.cli import main
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT

SAMPLE_CASES = ROOT / "data" / "cases.csv"

# participant answers quoted from the sample interviews, with the interviewer's questions
SAMPLE_TURNS = [
    ("N1", "P", "Apakah dari AE punya strategi tertentu untuk menjaga hubungan dengan client?"),
    (
        "N1",
        "N1",
        "Kalau di Magnus ini memang kebetulan yang mencari client itu adalah management. Jadi AE "
        "itu memang mengikuti proses hanya dari pitching sampai benar-bener selesai projectnya.",
    ),
    (
        "N1",
        "N1",
        "Jadi terkadang butuh juga untuk lunch atau ngopi bareng client supaya lebih santai.",
    ),
    (
        "N2",
        "N2",
        "Yang pasti itu kita akan ada meeting mingguan ya. Kita ada weekly update terus.",
    ),
    (
        "N2",
        "N2",
        "Kalau dia udah ga trust sama lu susah untuk dapet bisnis baru, untuk dapet "
        "perpanjangan project.",
    ),
    ("N3", "P", "Bagaimana cara AE mempertahankan klien?"),
    (
        "N3",
        "N3",
        "Yang paling pertama adalah komunikasi, yang kedua adalah kepercayaan. Ada tipe client "
        "yang senang basa basi di awal.",
    ),
    ("N3", "N3", "Oke mas."),
]


@pytest.fixture
def turns_csv(tmp_path: Path) -> Path:
    df = pd.DataFrame(
        {
            schema.TURN_ID: [f"t{i}" for i in range(1, len(SAMPLE_TURNS) + 1)],
            schema.INTERVIEW: [iv for iv, _, _ in SAMPLE_TURNS],
            schema.POSITION: range(1, len(SAMPLE_TURNS) + 1),
            schema.SPEAKER: [sp for _, sp, _ in SAMPLE_TURNS],
            schema.ROLE: [
                schema.INTERVIEWER if sp == "P" else schema.PARTICIPANT for _, sp, _ in SAMPLE_TURNS
            ],
            schema.TEXT: [t for _, _, t in SAMPLE_TURNS],
        }
    )
    path = tmp_path / "turns.csv"
    df.to_csv(path, index=False)
    return path


def test_code_command_writes_turns_and_codings_and_summary(
    turns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["code", str(turns_csv), "--codebook", str(CODEBOOK), "--out", str(out)]) == 0
    turns = schema.validate_turns(read_table(out / "turns.csv"))
    codings = schema.validate_codings(read_table(out / "codings.csv"))
    assert len(turns) == len(SAMPLE_TURNS)
    assert set(codings[schema.CODER]) == {schema.RULES_CODER}
    got = set(zip(codings[schema.TURN_ID], codings[schema.CODE], strict=True))
    assert {
        ("t2", "acquire"),
        ("t3", "interact"),
        ("t4", "interact"),
        ("t5", "retain"),
        ("t5", "acquire"),
        ("t7", "retain"),
        ("t7", "interact"),
        ("t7", "differentiate"),
    } <= got
    assert not {"t1", "t6", "t8"} & set(codings[schema.TURN_ID])  # questions, "Oke mas."
    printed = capsys.readouterr().out
    assert "Coded 5 of 6 participant turns" in printed
    lines = printed.splitlines()
    header = next(line for line in lines if line.split()[:1] == ["identify"])
    assert header.split() == [*read_codebook(CODEBOOK).code_names, "coded", "turns"]
    n3 = next(line for line in lines if line.startswith("N3"))
    # N3: one coded turn (retain, interact, differentiate) of its two participant turns
    assert n3.split() == ["N3", "0", "1", "1", "0", "0", "0", "1", "1", "2"]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split() == ["total", "0", "1", "3", "0", "2", "0", "2", "5", "6"]


def test_code_command_all_speakers_and_sentence_unit(turns_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["code", str(turns_csv), "--codebook", str(CODEBOOK), "--out", str(out)]
    assert main([*args, "--all-speakers", "--unit", "sentence"]) == 0
    codings = read_table(out / "codings.csv")
    assert {"t1", "t6"} <= set(codings[schema.TURN_ID])  # interviewer turns coded too
    t7 = codings[(codings[schema.TURN_ID] == "t7")]
    assert t7[schema.SPAN_START].nunique() == 2  # two sentences of the turn coded separately


def test_code_command_bad_codebook_names_file_and_line(
    turns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("themes:\n  - name: t\n    colour: red\n", encoding="utf-8")
    code = main(["code", str(turns_csv), "--codebook", str(bad), "--out", str(tmp_path / "o")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {bad} line 3: unknown field 'colour' in a theme")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "Error: no codebook: give --codebook FILE"),
        (["--codebook", str(CODEBOOK), "--unit", "word"], "Error: --unit must be turn or sentence"),
    ],
)
def test_code_command_option_errors(
    turns_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    assert main(["code", str(turns_csv), "--out", str(tmp_path / "o"), *extra]) == 1
    assert capsys.readouterr().err.startswith(message)


def test_code_command_on_bundled_thesis_interviews(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(out)]) == 0
    turns = schema.validate_turns(read_table(out / "turns.csv"))
    codings = schema.validate_codings(read_table(out / "codings.csv"))
    roles = turns.set_index(schema.TURN_ID)[schema.ROLE]
    assert set(roles[codings[schema.TURN_ID]]) == {schema.PARTICIPANT}
    assert set(codings[schema.CODE]) == set(read_codebook(CODEBOOK).code_names)
    assert "Turns coded per interview and code" in capsys.readouterr().out


def test_code_command_report_writes_the_main_job_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's main job: code the thesis interviews and write report, charts and appendix."""
    import docx

    out = tmp_path / "out"
    args = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(out), "--report"]
    assert main([*args, "--cases", str(SAMPLE_CASES)]) == 0
    codings = schema.validate_codings(read_table(out / "codings.csv"))
    segments = read_table(out / "tables" / "segments.csv")
    coded_pairs = codings.drop_duplicates([schema.TURN_ID, schema.CODE])
    assert len(segments) == len(coded_pairs)
    for name in ("report.html", "report_tables.xlsx", "charts/theme_frequencies.png"):
        assert (out / name).stat().st_size > 0, name
    document = docx.Document(str(out / "appendix.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Transkrip Wawancara" in headings  # --lang id is the default for the thesis
    assert len(document.tables) >= 5  # codebook, 4 interview transcripts, segments/frequencies
    assert len(document.inline_shapes) >= 1  # the theme chart
    assert "Wrote the report to" in capsys.readouterr().out
    # --cases: the informants' attributes and a code x attribute table per attribute,
    # labelled in Indonesian by the case_labels.csv beside the cases file
    assert headings[-6:] == [
        "Kode menurut Atribut Kasus",
        "nama",
        "jenis kelamin",
        "jabatan",
        "tingkat jabatan",
        "lama di periklanan (tahun)",
    ]
    first_rows = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["Kode", "eksekutif (1 kasus)", "manajerial (2 kasus)"] in first_rows
    matrix = read_table(out / "tables" / "code_by_attribute.csv")
    seniority = matrix[matrix["attribute"] == "tingkat jabatan"]
    assert set(seniority["cases_total"]) == {"1", "2"}


def test_code_command_cases_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(tmp_path / "o")]
    assert main([*args, "--cases", str(SAMPLE_CASES)]) == 1
    assert "Error: --cases and --attribute go with --report" in capsys.readouterr().err
    bad = tmp_path / "cases.csv"
    bad.write_text("case,interview\nJuliana,Narasumber 1\n", encoding="utf-8")
    assert main([*args, "--report", "--cases", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "cases.csv line 2: row 2 (case 'Juliana') matches no turn" in err
    assert not (tmp_path / "o" / "codings.csv").exists()  # refused before coding
    assert main([*args, "--report", "--cases", str(SAMPLE_CASES), "--attribute", "age"]) == 1
    assert "Error: unknown case attribute(s) 'age'; the cases table has 'name', 'gender'" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "o" / "codings.csv").exists()


def test_code_command_rejects_unknown_report_language(tmp_path: Path) -> None:
    args = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(tmp_path)]
    assert main([*args, "--report", "--lang", "fr"]) == 1
