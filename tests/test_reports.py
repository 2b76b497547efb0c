"""Tests for qualcode.reports: hand-built tables with known answers, and the sample data."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _reportdata import make_cases, make_codebook, make_codings, make_turns
from hypothesis import given
from hypothesis import strategies as st

from qualcode import reports
from qualcode.errors import CodebookError, CodingsError, QualcodeError
from qualcode.reports import (
    code_attribute_frequencies,
    code_attribute_matrix,
    code_frequencies,
    code_interview_matrix,
    code_table,
    coded_segments,
    coder_agreement,
    coder_counts,
    cooccurrence,
    cooccurrence_matrix,
    mark_text,
    merge_spans,
    parse_spans,
    report_tables,
    theme_frequencies,
)

CODE_ORDER = ["identify", "differentiate", "interact", "customize", "acquire", "enhance", "retain"]


@pytest.fixture
def turns() -> pd.DataFrame:
    return make_turns()


@pytest.fixture
def codings() -> pd.DataFrame:
    return make_codings()


@pytest.fixture
def codebook():
    return make_codebook()


# --- spans -------------------------------------------------------------------------------
def test_mark_text_merges_overlapping_spans_and_clips():
    assert merge_spans([(5, 9), (0, 3), (2, 4), (20, 99)], 22) == [(0, 4), (5, 9), (20, 22)]
    assert mark_text("abcdefghij", [(0, 2), (1, 3), (8, 10)], marks=("[", "]")) == "[abc]defgh[ij]"


@given(
    st.text(max_size=40),
    st.lists(st.tuples(st.integers(-5, 50), st.integers(-5, 50)), max_size=6),
)
def test_mark_text_removing_marks_gives_the_text_back(text, spans):
    marked = mark_text(text.replace("«", "").replace("»", ""), spans)
    assert marked.replace("«", "").replace("»", "") == text.replace("«", "").replace("»", "")


def test_parse_spans_round_trips_and_rejects_garbage():
    assert parse_spans(reports.format_spans([(1, 4), (7, 9)])) == [(1, 4), (7, 9)]
    assert parse_spans(pd.NA) == []
    assert parse_spans("") == []
    with pytest.raises(QualcodeError, match="bad span 'x-y'"):
        parse_spans("x-y")


# --- coded segments ----------------------------------------------------------------------
def test_coded_segments_one_row_per_code_turn_coder_in_codebook_order(turns, codings, codebook):
    seg = coded_segments(turns, codings, codebook)
    assert len(seg) == len(codings.drop_duplicates(["turn_id", "code", "coder"]))
    order = list(dict.fromkeys(seg["code"]))
    assert order == [c for c in CODE_ORDER if c in set(codings["code"])]
    first = seg.iloc[0]
    assert first["code_label"] == "Identify: mengenali latar belakang klien"
    assert first["theme"] == "idic" and first["theme_label"] == "Model IDIC"
    assert first["interview"] == "Narasumber 1" and first["speaker"] == "N1"
    retain = seg[seg["code"] == "retain"]
    # interview order, then turn order
    assert list(retain["turn_id"]) == ["N1-4", "N2-2", "N2-2"]


def test_coded_segments_marks_span_and_every_evidence_item(turns, codings, codebook):
    seg = coded_segments(turns, codings, codebook, coders="rules")
    row = seg[seg["code"] == "differentiate"].iloc[0]
    assert row["marked_text"] == (
        "Kita maintain komunikasi, dan setiap klien «dibedakan» sesuai «kebutuhan»."
    )
    text = row["text"]
    for start, end in parse_spans(row["spans"]):
        assert text[start:end] in {"dibedakan", "kebutuhan"}
    plain = coded_segments(turns, codings, codebook, coders="rules", mark_evidence=False)
    row = plain[plain["code"] == "differentiate"].iloc[0]
    assert row["marked_text"].count("«") == 1  # only the coded span


def test_coded_segments_merges_sentence_rows_into_one_segment(turns, codebook):
    text = turns.set_index("turn_id").at["N1-4", "text"]
    rows = pd.DataFrame(
        {
            "turn_id": ["N1-4", "N1-4"],
            "code": ["identify", "identify"],
            "coder": ["model", "model"],
            "score": [0.6, 0.9],
            "span_start": [0, text.index("lalu")],
            "span_end": [text.index(","), len(text)],
        }
    )
    seg = coded_segments(turns, rows, codebook)
    assert len(seg) == 1
    assert seg.at[0, "score"] == pytest.approx(0.9)
    assert seg.at[0, "marked_text"].count("«") == 2
    assert seg.at[0, "marked_text"].startswith("«AE harus tau")


def test_coded_segments_uses_explain_spans(turns, codings, codebook):
    text = turns.set_index("turn_id").at["N1-4", "text"]
    explain = pd.DataFrame(
        {
            "turn_id": ["N1-4"],
            "code": ["identify"],
            "span_start": [text.index("scope")],
            "span_end": [text.index("scope") + len("scope of work")],
        }
    )
    seg = coded_segments(turns, codings, codebook, codes="identify", spans=explain)
    assert all("«scope of work»" in m for m in seg["marked_text"])


def test_coded_segments_context_is_previous_interviewer_turn(turns, codings, codebook):
    seg = coded_segments(turns, codings, codebook, context=True).set_index(["turn_id", "coder"])
    assert seg.loc[("N2-2", "rules"), "question"].iloc[0] == (
        "Bagaimana menjaga hubungan dengan klien?"
    )
    # N1-5 follows a participant turn: the question is the last interviewer turn before it
    assert seg.loc[("N1-5", "rules"), "question_turn_id"] == "N1-3"
    assert "question" not in coded_segments(turns, codings, codebook).columns


@pytest.mark.parametrize(
    ("option", "value", "expected_turns"),
    [
        ("codes", "retain", {"N1-4", "N2-2"}),
        ("themes", "crm", {"N1-2", "N1-4", "N2-2"}),
        ("interviews", ["Narasumber 2"], {"N2-2"}),
        ("speakers", "N1", {"N1-2", "N1-4", "N1-5"}),
        ("roles", "interviewer", set()),
        ("coders", "rickxen", {"N1-2", "N1-4", "N2-2"}),
        ("min_score", 0.5, {"N1-2", "N1-4", "N2-2"}),
    ],
)
def test_coded_segments_filters(turns, codings, codebook, option, value, expected_turns):
    seg = coded_segments(turns, codings, codebook, **{option: value})
    assert set(seg["turn_id"]) == expected_turns


def test_coded_segments_unknown_code_or_theme_names_the_known_ones(turns, codings, codebook):
    with pytest.raises(CodebookError, match=r"no code named 'retention'.*identify"):
        coded_segments(turns, codings, codebook, codes="retention")
    with pytest.raises(CodebookError, match="no theme named 'stages'"):
        coded_segments(turns, codings, codebook, themes="stages")


def test_coded_segments_unknown_turn_ids_are_an_error(turns, codings, codebook):
    bad = pd.concat([codings, pd.DataFrame({"turn_id": ["X-9"], "code": ["retain"]})])
    with pytest.raises(CodingsError, match=r"not in the turns table \('X-9'\)"):
        coded_segments(turns, bad.assign(coder=bad["coder"].fillna("rules")), codebook)


def test_coded_segments_unknown_coder_is_an_error(turns, codings, codebook):
    with pytest.raises(CodingsError, match=r"no codings by coder.*bob.*rules, rickxen"):
        coded_segments(turns, codings, codebook, coders="bob")


def test_code_table_appends_codes_missing_from_codebook(codebook, codings):
    extra = pd.concat([codings, pd.DataFrame({"turn_id": ["N1-2"], "code": ["loyalty"]})])
    meta = code_table(codebook, extra)
    assert list(meta.index) == [*CODE_ORDER, "loyalty"]
    assert meta.at["loyalty", "theme"] == ""


# --- frequencies -------------------------------------------------------------------------
def test_code_frequencies_known_counts_and_shares(turns, codings, codebook):
    freq = code_frequencies(turns, codings, codebook).set_index("code")
    assert list(freq.index) == CODE_ORDER
    expected = {
        "identify": 1,
        "differentiate": 1,
        "interact": 2,
        "customize": 1,
        "acquire": 1,
        "enhance": 0,
        "retain": 2,  # coded by two coders, counted once
    }
    assert freq["turns"].to_dict() == expected
    assert (freq["base_turns"] == 5).all()  # participant turns
    assert freq.at["retain", "share"] == pytest.approx(0.4)
    assert freq.at["retain", "interviews"] == 2 and freq.at["retain", "interviews_total"] == 2
    assert freq.at["acquire", "speakers"] == 1 and freq.at["acquire", "speakers_total"] == 2
    assert freq.at["interact", "code_label"] == "Interact"


def test_code_frequencies_by_interview(turns, codings, codebook):
    freq = code_frequencies(turns, codings, codebook, by="interview", coder="rules")
    n2 = freq[freq["interview"] == "Narasumber 2"].set_index("code")
    assert n2["base_turns"].unique().tolist() == [2]
    assert n2.at["retain", "turns"] == 1 and n2.at["retain", "share"] == pytest.approx(0.5)
    assert n2.at["customize", "turns"] == 0  # only the person used it
    assert len(freq) == len(CODE_ORDER) * 2


def test_code_frequencies_by_role_counts_every_role(turns, codebook):
    codings = pd.DataFrame({"turn_id": ["N1-1", "N1-2"], "code": ["acquire"] * 2, "coder": "x"})
    freq = code_frequencies(turns, codings, codebook, by="role").set_index(["code", "role"])
    assert freq.loc[("acquire", "interviewer"), "turns"] == 1
    assert freq.loc[("acquire", "interviewer"), "base_turns"] == 3
    assert freq.loc[("acquire", "participant"), "share"] == pytest.approx(0.2)
    # default base excludes interviewer turns
    assert code_frequencies(turns, codings, codebook).set_index("code").at["acquire", "turns"] == 1


def test_code_frequencies_by_speaker(turns, codings, codebook):
    freq = code_frequencies(turns, codings, codebook, by="speaker").set_index(["code", "speaker"])
    assert freq.loc[("interact", "N1"), "turns"] == 1
    assert freq.loc[("interact", "N1"), "base_turns"] == 3


def test_theme_frequencies_count_a_turn_once_per_theme(turns, codings, codebook):
    freq = theme_frequencies(turns, codings, codebook).set_index("theme")
    assert list(freq.index) == ["idic", "crm"]
    assert freq.at["idic", "turns"] == 3  # N1-4, N1-5, N2-2
    assert freq.at["crm", "turns"] == 3  # N1-2, N1-4, N2-2
    assert freq.at["crm", "theme_label"] == "Tahapan CRM"


def test_code_frequencies_rejects_bad_options(turns, codings, codebook):
    with pytest.raises(QualcodeError, match="cannot count by 'month'"):
        code_frequencies(turns, codings, codebook, by="month")
    with pytest.raises(QualcodeError, match="unknown role"):
        code_frequencies(turns, codings, codebook, roles="moderator")


def test_code_frequencies_agree_with_codings_table(turns, codings, codebook):
    freq = code_frequencies(turns, codings, codebook, roles=["participant", "interviewer"])
    expected = codings.drop_duplicates(["turn_id", "code"]).groupby("code").size()
    got = freq.set_index("code")["turns"]
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()


def test_code_interview_matrix(turns, codings, codebook):
    m = code_interview_matrix(turns, codings, codebook)
    assert list(m.index) == CODE_ORDER
    assert list(m.columns) == ["Narasumber 1", "Narasumber 2"]
    assert m.at["retain", "Narasumber 1"] == 1 and m.at["customize", "Narasumber 1"] == 0
    shares = code_interview_matrix(turns, codings, codebook, value="share")
    assert shares.at["retain", "Narasumber 2"] == pytest.approx(0.5)
    assert m.attrs["labels"]["acquire"] == "Acquire"


# --- co-occurrence -----------------------------------------------------------------------
def test_cooccurrence_counts_and_jaccard(turns, codings, codebook):
    pairs = cooccurrence(turns, codings, codebook).set_index(["code_a", "code_b"])
    assert len(pairs) == 21
    row = pairs.loc[("identify", "retain")]
    assert (row["both"], row["turns_a"], row["turns_b"], row["either"]) == (1, 1, 2, 2)
    assert row["jaccard"] == pytest.approx(0.5)
    assert pairs.loc[("interact", "retain"), "jaccard"] == pytest.approx(1 / 3)
    assert pairs.loc[("enhance", "retain"), "jaccard"] == 0.0  # unused code: no overlap
    assert pairs.loc[("acquire", "enhance"), "jaccard"] == 0.0


def test_cooccurrence_matrix_is_symmetric_with_counts_on_diagonal(turns, codings, codebook):
    m = cooccurrence_matrix(turns, codings, codebook)
    assert list(m.index) == CODE_ORDER and list(m.columns) == CODE_ORDER
    assert (m.to_numpy() == m.to_numpy().T).all()
    assert m.at["retain", "retain"] == 2 and m.at["retain", "interact"] == 1
    jac = cooccurrence_matrix(turns, codings, codebook, measure="jaccard")
    assert jac.at["retain", "interact"] == pytest.approx(1 / 3)
    assert math.isnan(jac.at["enhance", "enhance"])
    with pytest.raises(QualcodeError, match="unknown measure 'dice'"):
        cooccurrence_matrix(turns, codings, codebook, measure="dice")


# --- coders ------------------------------------------------------------------------------
def test_coder_counts(turns, codings, codebook):
    counts = coder_counts(turns, codings, codebook).set_index(["code", "coder"])["turns"]
    assert counts[("retain", "rules")] == 2 and counts[("retain", "rickxen")] == 1
    assert counts[("customize", "rules")] == 0 and counts[("customize", "rickxen")] == 1
    assert len(counts) == len(CODE_ORDER) * 2


def test_coder_agreement_overlap_and_kappa(turns, codings, codebook):
    agree = coder_agreement(turns, codings, codebook).set_index("code")
    assert set(agree["coder_a"]) == {"rules"} and set(agree["coder_b"]) == {"rickxen"}
    r = agree.loc["retain"]
    assert (r["turns"], r["both"], r["only_a"], r["only_b"], r["neither"]) == (5, 1, 1, 0, 3)
    assert r["agreement"] == pytest.approx(0.8)
    assert r["kappa"] == pytest.approx((0.8 - 0.56) / 0.44)
    assert agree.at["acquire", "kappa"] == pytest.approx(1.0)
    assert agree.at["interact", "kappa"] == pytest.approx(0.0)
    assert math.isnan(agree.at["enhance", "kappa"])
    assert agree.at["enhance", "agreement"] == 1.0


def test_coder_agreement_compares_only_interviews_both_coded(turns, codings, codebook):
    person = codings[(codings["coder"] == "rickxen") & codings["turn_id"].str.startswith("N1")]
    both = pd.concat([codings[codings["coder"] == "rules"], person])
    agree = coder_agreement(turns, both, codebook).set_index("code")
    assert (agree["turns"] == 3).all()  # Narasumber 1's participant turns only
    assert agree.at["retain", "only_a"] == 1  # N1-4; N2-2 is not compared


def test_coder_agreement_empty_with_one_coder(turns, codings, codebook):
    assert coder_agreement(turns, codings, codebook, coders="rules").empty


# --- all tables --------------------------------------------------------------------------
def test_report_tables_names_and_consistency(turns, codings, codebook):
    tables = report_tables(turns, codings, codebook)
    assert set(tables) == {
        "coders_shown",
        "segments",
        "code_frequencies",
        "theme_frequencies",
        "by_interview",
        "by_speaker",
        "by_role",
        "code_by_interview",
        "cooccurrence",
        "coder_counts",
        "coder_agreement",
    }
    by_int = tables["by_interview"].groupby("code", sort=False)["turns"].sum()
    overall = tables["code_frequencies"].set_index("code")["turns"]
    assert by_int.to_dict() == overall.to_dict()
    matrix = tables["code_by_interview"]
    assert list(matrix.columns) == ["code", "code_label", "Narasumber 1", "Narasumber 2"]
    assert "question" in tables["segments"].columns
    single = report_tables(turns, codings[codings["coder"] == "rules"], codebook)
    assert "coder_agreement" not in single


def test_report_tables_round_trip_through_csv(turns, codings, codebook, tmp_path):
    from qualcode.tables import read_table, write_table

    seg = report_tables(turns, codings, codebook)["segments"]
    back = read_table(write_table(seg, tmp_path / "segments.csv"))
    assert list(back.columns) == list(seg.columns)
    assert list(back["marked_text"]) == list(seg["marked_text"])


# --- the sample interviews ---------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    from conftest import CODEBOOK, SAMPLE_TXT

    from qualcode.codebook import read_codebook
    from qualcode.coding.rules import KeywordCoder
    from qualcode.transcripts import read_transcript

    turns = read_transcript(SAMPLE_TXT)
    book = read_codebook(CODEBOOK)
    coder = KeywordCoder(book)
    return turns, coder.code(turns), book, coder.explain(turns)


def test_sample_frequencies_agree_with_codings(sample):
    turns, codings, book, _ = sample
    participant = turns.loc[turns["role"] == "participant", "turn_id"]
    coded = codings[codings["turn_id"].isin(participant)].drop_duplicates(["turn_id", "code"])
    freq = code_frequencies(turns, codings, book).set_index("code")
    assert list(freq.index) == list(book.code_names)
    assert freq["turns"].to_dict() == {c: int((coded["code"] == c).sum()) for c in book.code_names}
    assert (freq["base_turns"] == len(participant)).all()
    assert (freq["interviews_total"] == turns["interview"].nunique()).all()
    by_interview = code_frequencies(turns, codings, book, by="interview")
    assert by_interview.groupby("code", sort=False)["turns"].sum().to_dict() == (
        freq["turns"].to_dict()
    )
    themes = theme_frequencies(turns, codings, book).set_index("theme")
    for theme in book.themes:
        names = [c.name for c in theme.codes]
        n = coded.loc[coded["code"].isin(names), "turn_id"].nunique()
        assert themes.at[theme.name, "turns"] == n


def test_sample_segments_mark_every_keyword_hit(sample):
    turns, codings, book, explain = sample
    seg = coded_segments(turns, codings, book, spans=explain, context=True)
    assert len(seg) == len(codings.drop_duplicates(["turn_id", "code", "coder"]))
    assert set(seg["code"]) <= set(book.code_names)
    texts = turns.set_index("turn_id")["text"]
    hits = explain[explain["status"] == "coded"]
    marked = seg.set_index(["turn_id", "code"])["marked_text"]
    for row in hits.head(60).itertuples(index=False):
        word = texts[row.turn_id][row.span_start : row.span_end]
        assert word in _inside_marks(marked[(row.turn_id, row.code)])
    answered = seg[seg["role"] == "participant"]
    assert answered["question"].notna().mean() > 0.9  # nearly every answer has its question


def _inside_marks(text: str) -> str:
    import re

    return " ".join(re.findall(r"«([^»]*)»", text))


# --- codes by case attribute -------------------------------------------------------------
def test_code_attribute_frequencies_known_counts(turns, codings, codebook):
    freq = code_attribute_frequencies(turns, codings, make_cases(), codebook)
    assert freq.columns.tolist() == [
        "attribute",
        "theme",
        "theme_label",
        "code",
        "code_label",
        "value",
        "turns",
        "base_turns",
        "share",
        "cases",
        "cases_total",
    ]
    assert list(dict.fromkeys(freq["attribute"])) == ["team", "gender", "role"]
    team = freq[freq["attribute"] == "team"].set_index("code")
    assert team.index.tolist() == CODE_ORDER
    assert team["turns"].tolist() == [1, 1, 2, 1, 1, 0, 2]
    assert team["cases"].tolist() == [1, 1, 2, 1, 1, 0, 2]  # "2 of 2 cases" for interact
    assert set(team["cases_total"]) == {2} and set(team["base_turns"]) == {5}
    assert team.at["retain", "share"] == pytest.approx(2 / 5)
    female = freq[(freq["attribute"] == "gender") & (freq["value"] == "female")]
    assert female.set_index("code")["turns"].tolist() == [1, 0, 1, 0, 1, 0, 1]
    assert set(female["base_turns"]) == {3} and set(female["cases_total"]) == {1}
    # an attribute named "role" is the case's attribute, not the turns' role column
    assert list(dict.fromkeys(freq.loc[freq["attribute"] == "role", "value"])) == [
        "Senior AE",
        "AM",
    ]


def test_code_attribute_frequencies_themes_coder_and_selection(turns, codings, codebook):
    themes = code_attribute_frequencies(
        turns, codings, make_cases(), codebook, attributes="team", level="theme"
    )
    assert themes.columns.tolist()[:4] == ["attribute", "theme", "theme_label", "value"]
    assert themes.set_index("theme")[["turns", "cases"]].to_dict("index") == {
        "idic": {"turns": 3, "cases": 2},
        "crm": {"turns": 3, "cases": 2},
    }
    rules = code_attribute_frequencies(
        turns, codings, make_cases(), codebook, attributes=["team"], coder="rules"
    )
    assert rules.set_index("code").at["customize", "turns"] == 0  # only the person used it
    with pytest.raises(QualcodeError, match=r"unknown case attribute\(s\) 'age'; the cases "):
        code_attribute_frequencies(turns, codings, make_cases(), codebook, attributes="age")
    with pytest.raises(QualcodeError, match="unknown level 'case'"):
        code_attribute_frequencies(turns, codings, make_cases(), codebook, level="case")


def test_code_attribute_frequencies_counts_the_turns_not_the_interviewer(turns, codings, codebook):
    # the interviewer's turns are coded too: an interview-joined case still leaves them out
    extra = pd.DataFrame({"turn_id": ["N1-1"], "code": ["acquire"], "coder": ["rules"]})
    coded = pd.concat([codings, extra], ignore_index=True)
    freq = code_attribute_frequencies(turns, coded, make_cases(), codebook, attributes="gender")
    female = freq[freq["value"] == "female"].set_index("code")
    assert female.at["acquire", "turns"] == 1
    by_speaker = make_cases().drop(columns="interview").assign(speaker=["P", "N2"])
    freq = code_attribute_frequencies(turns, coded, by_speaker, codebook, attributes="gender")
    female = freq[freq["value"] == "female"].set_index("code")
    assert female.at["acquire", "turns"] == 1 and set(female["base_turns"]) == {3}  # P's turns


def test_code_attribute_frequencies_case_without_value_is_left_out(turns, codings, codebook):
    cases = make_cases().assign(gender=["female", None])
    freq = code_attribute_frequencies(turns, codings, cases, codebook, attributes="gender")
    assert set(freq["value"]) == {"female"} and set(freq["cases_total"]) == {1}


def test_code_attribute_matrix_values(turns, codings, codebook):
    m = code_attribute_matrix(turns, codings, make_cases(), codebook, attribute="gender")
    assert m.index.tolist() == CODE_ORDER and m.columns.tolist() == ["female", "male"]
    assert m.loc["interact"].tolist() == [1, 1]
    assert m.attrs["cases_total"] == {"female": 1, "male": 1}
    cases = code_attribute_matrix(
        turns, codings, make_cases(), codebook, attribute="team", value="cases"
    )
    assert cases["AE"].tolist() == [1, 1, 2, 1, 1, 0, 2]
    with pytest.raises(QualcodeError, match="unknown value 'n'; expected 'turns', 'cases'"):
        code_attribute_matrix(turns, codings, make_cases(), codebook, attribute="team", value="n")


def test_report_tables_with_and_without_cases(turns, codings, codebook):
    plain = report_tables(turns, codings, codebook)
    assert not {"cases", "code_by_attribute", "theme_by_attribute"} & set(plain)
    tables = report_tables(turns, codings, codebook, cases=make_cases(), attributes=["gender"])
    assert tables["cases"]["case"].tolist() == ["Juliana", "Jimmy"]
    assert set(tables["code_by_attribute"]["attribute"]) == {"gender"}
    assert set(tables["theme_by_attribute"]["theme"]) == {"idic", "crm"}
    no_attributes = report_tables(
        turns, codings, codebook, cases=make_cases()[["case", "interview"]]
    )
    assert "cases" in no_attributes and "code_by_attribute" not in no_attributes


def test_sample_attribute_counts_agree_with_frequencies(sample):
    from qualcode.cases import read_cases
    from tests.conftest import ROOT

    turns, codings, book, _ = sample
    cases = read_cases(ROOT / "data" / "cases.csv")
    freq = code_attribute_frequencies(turns, codings, cases, book)
    overall = code_frequencies(turns, codings, book).set_index("code")["turns"]
    for _, group in freq.groupby("attribute"):
        # every participant turn belongs to one informant: the values add up to the total
        assert group.groupby("code")["turns"].sum().to_dict() == overall.to_dict()
    seniority = freq[freq["attribute"] == "seniority"]
    assert list(dict.fromkeys(seniority["value"])) == ["executive", "managerial"]
    assert seniority.drop_duplicates("value")["cases_total"].tolist() == [1, 2]
    # cases with the code, counted from the turns by hand: Vito is interview 3 and the extra one
    informant = {
        "magnus_interviews/Narasumber 1": "Juliana",
        "magnus_interviews/Narasumber 2": "Jimmy",
        "magnus_interviews/Narasumber 3": "Vito",
        "magnus_interviews/Wawancara tambahan (22 Mei 2023) - Narasumber 1": "Vito",
    }
    who = turns.set_index("turn_id")["interview"].astype(str).map(informant)
    coded = codings.assign(who=codings["turn_id"].map(who)).dropna(subset=["who"])
    managers = coded[coded["who"].isin(["Jimmy", "Vito"])].groupby("code")["who"].nunique()
    got = seniority[seniority["value"] == "managerial"].set_index("code")["cases"]
    assert got.to_dict() == managers.reindex(got.index, fill_value=0).to_dict()
    assert got.max() == 2
