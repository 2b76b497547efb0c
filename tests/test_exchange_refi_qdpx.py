"""REFI-QDA projects: write_qdpx -> read_qdpx round trips, schema validity, stable GUIDs, cases."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qualcode.errors import ExchangeError
from qualcode.exchange.refi import read_qdpx, write_qdpx
from tests._refidata import coded_text, coding_rows, same_turns, sample, validate_qde


@pytest.fixture(scope="module")
def coded() -> tuple[pd.DataFrame, pd.DataFrame, object]:
    return sample()


def test_write_qdpx_sample_round_trip(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    out = write_qdpx(tmp_path / "magnus.qdpx", turns=turns, codings=codings, codebook=codebook)
    back = read_qdpx(out)
    assert same_turns(turns, back.turns)  # ids, interviews, positions, speakers, roles, text
    assert coding_rows(back.codings) == coding_rows(codings)
    assert back.codings["span_start"].notna().all()  # the keyword hits keep their spans
    assert back.codebook.code_names == codebook.code_names
    assert [t.name for t in back.codebook.themes] == [t.name for t in codebook.themes]
    assert back.codebook.code("retain").color == codebook.code("retain").color
    assert back.codebook.code("retain").include == codebook.code("retain").include.strip()
    assert set(back.users.values()) == {"Rickxen"}
    assert [name for name, _ in back.sources] == list(dict.fromkeys(turns["interview"]))
    assert back.cases is None


def test_write_qdpx_validates_against_refi_schema(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    out = write_qdpx(tmp_path / "m.qdpx", turns=turns, codings=codings, codebook=codebook)
    qde = validate_qde(out)
    assert qde.count("<Coding ") == len(codings)
    with zipfile.ZipFile(out) as zf:
        texts = [n for n in zf.namelist() if n.startswith("sources/")]
        assert len(texts) == turns["interview"].nunique()
        first = zf.read(texts[0]).decode("utf-8")
    assert first.startswith("P: Halo, benar dengan mbak Juliana ya?\n\nN1: Iya\n\n")


def test_write_qdpx_selection_offsets_point_at_the_coded_text(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    out = write_qdpx(tmp_path / "m.qdpx", turns=turns, codings=codings, codebook=codebook)
    qde = validate_qde(out)
    with zipfile.ZipFile(out) as zf:
        texts = {n.split("/")[1][:-4]: zf.read(n).decode() for n in zf.namelist() if "/" in n}
    first = codings.iloc[0]
    hit = str(turns.set_index("turn_id").at[first["turn_id"], "text"])[
        first["span_start"] : first["span_end"]
    ]
    sources = re.findall(r'<TextSource guid="([^"]+)".*?</TextSource>', qde, flags=re.S)
    blocks = re.split(r"<TextSource ", qde)[1:]
    found = []
    for guid, block in zip(sources, blocks, strict=True):
        for a, b in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', block):
            found.append(texts[guid][int(a) : int(b)])
    assert hit in found
    assert len(found) == len(codings.drop_duplicates(["turn_id", "span_start", "span_end"]))


def test_write_qdpx_partial_and_whole_turn_codings_round_trip(tmp_path: Path, coded) -> None:
    turns, _, codebook = coded
    t = turns.iloc[16]  # a long participant turn
    text = str(t["text"])
    codings = pd.DataFrame(
        {
            "turn_id": [t["turn_id"], t["turn_id"], t["turn_id"], turns.iloc[18]["turn_id"]],
            "code": ["acquire", "retain", "acquire", "interact"],
            "coder": ["Juliana", "Juliana", "Rickxen", "Rickxen"],
            "span_start": [0, 42, pd.NA, 5],
            "span_end": [len(text), 56, pd.NA, 30],
        }
    )
    out = write_qdpx(tmp_path / "p.qdpx", turns=turns, codings=codings, codebook=codebook)
    back = read_qdpx(out)
    got = {(r.code, r.coder): (r.span_start, r.span_end) for r in back.codings.itertuples()}
    # a span covering the whole text is a whole-turn coding
    assert pd.isna(got[("acquire", "Juliana")][0]) and pd.isna(got[("acquire", "Rickxen")][0])
    assert got[("retain", "Juliana")] == (42, 56)
    assert coded_text(back, t["turn_id"], (42, 56)) == text[42:56]
    # spans end where the covered text does: surrounding spaces are not kept
    other = str(turns.iloc[18]["text"])
    assert got[("interact", "Rickxen")] == (5, 5 + len(other[5:30].rstrip()))
    assert len(back.codings) == 4


def test_write_qdpx_guids_are_stable_and_follow_the_namespace(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    when = "2024-05-01T10:00:00Z"  # creationDateTime (default: now)
    a = write_qdpx(
        tmp_path / "a.qdpx", turns=turns, codings=codings, codebook=codebook, created=when
    )
    b = write_qdpx(
        tmp_path / "b.qdpx", turns=turns, codings=codings, codebook=codebook, created=when
    )
    assert a.read_bytes() == b.read_bytes()
    ns = uuid.UUID("12345678-1234-5678-1234-567812345678")
    c = write_qdpx(
        tmp_path / "c.qdpx", turns=turns, codings=codings, codebook=codebook, namespace=ns
    )
    guids_a = set(re.findall(r'guid="([^"]+)"', validate_qde(a)))
    guids_c = set(re.findall(r'guid="([^"]+)"', validate_qde(c)))
    assert guids_a.isdisjoint(guids_c)
    # adding one coding leaves every other GUID as it was
    more = pd.concat([codings, codings.iloc[:1].assign(code="identify")], ignore_index=True)
    d = write_qdpx(tmp_path / "d.qdpx", turns=turns, codings=more, codebook=codebook)
    assert guids_a < set(re.findall(r'guid="([^"]+)"', validate_qde(d)))


def test_write_qdpx_keeps_given_code_guids(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    guid = "{0A1B2C3D-1111-4222-8333-444455556666}"
    out = write_qdpx(
        tmp_path / "g.qdpx",
        turns=turns,
        codings=codings,
        codebook=codebook,
        code_guids={"retain": guid},
    )
    back = read_qdpx(out)
    assert back.code_guids["retain"] == "0a1b2c3d-1111-4222-8333-444455556666"
    again = write_qdpx(
        tmp_path / "g2.qdpx",
        turns=back.turns,
        codings=back.codings,
        codebook=back.codebook,
        code_guids=back.code_guids,
    )
    assert read_qdpx(again).code_guids == back.code_guids


def test_write_qdpx_cases_round_trip(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    ivs = list(dict.fromkeys(turns["interview"]))
    cases = pd.DataFrame(
        {
            "case": ["Juliana", "Juliana", "Informant 2", "Interviewer"],
            "interview": [ivs[0], ivs[3], ivs[1], pd.NA],
            "speaker": [pd.NA, pd.NA, "N2", "P"],
            "position": ["Senior Account Executive", "Senior Account Executive", "AM", "student"],
            "years": ["1", "1", "", "4"],
        }
    )
    out = write_qdpx(
        tmp_path / "c.qdpx", turns=turns, codings=codings, codebook=codebook, cases=cases
    )
    validate_qde(out)
    back = read_qdpx(out)
    assert back.cases is not None
    got = back.cases.fillna("").sort_values(["case", "interview"]).reset_index(drop=True)
    want = cases.fillna("").astype(str).sort_values(["case", "interview"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert coding_rows(back.codings) == coding_rows(codings)  # case selections code nothing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.assign(code="loyalty"), r"not in the codebook"),
        (lambda c: c.assign(turn_id="nope-0001"), r"turn 'nope-0001'.*not in the turns table"),
        (lambda c: c.assign(span_start=5, span_end=2), r"span 5\.\.2, outside"),
    ],
)
def test_write_qdpx_refuses_codings_that_do_not_fit(
    tmp_path: Path, coded, change, message: str
) -> None:
    turns, codings, codebook = coded
    out = tmp_path / "bad.qdpx"
    with pytest.raises(ExchangeError, match=message):
        write_qdpx(out, turns=turns, codings=change(codings.head(3)), codebook=codebook)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no half-written archive left behind


def test_write_qdpx_refuses_a_case_without_turns(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    cases = pd.DataFrame({"case": ["X"], "speaker": ["Z9"], "age": ["30"]})
    with pytest.raises(ExchangeError, match=r"case 'X': no turn of speaker 'Z9'"):
        write_qdpx(
            tmp_path / "x.qdpx", turns=turns, codings=codings, codebook=codebook, cases=cases
        )


def test_write_qdpx_turns_without_labels_and_roles_survive(tmp_path: Path, coded) -> None:
    turns, codings, codebook = coded
    turns = turns.copy()
    turns["role"] = turns["role"].astype("string")
    turns.loc[turns["speaker"] == "R", "role"] = "other"  # a role the default rules would not give
    out = write_qdpx(tmp_path / "r.qdpx", turns=turns, codings=codings, codebook=codebook)
    back = read_qdpx(out)
    assert back.turns.loc[back.turns["speaker"] == "R", "role"].tolist() == ["other"]
    assert same_turns(turns, back.turns)


@pytest.mark.parametrize("key", ["retain", "magnus-interviews-narasumber-1-0017", "Ünïcödé 😀", ""])
def test_make_guid_is_uuid5(key: str) -> None:
    from qualcode.exchange.refi.guids import NAMESPACE, is_guid, make_guid, normalize_guid

    guid = make_guid(NAMESPACE, "code", key)
    assert guid == str(uuid.uuid5(NAMESPACE, f"code\x1f{key}"))
    assert is_guid(guid) and normalize_guid("{" + guid.upper() + "}") == guid


def test_write_qdpx_without_codings_or_turns_is_still_valid(tmp_path: Path, coded) -> None:
    from qualcode import schema
    from qualcode.codebook import Codebook

    turns, _, codebook = coded
    bare = write_qdpx(
        tmp_path / "bare.qdpx", turns=turns, codings=schema.empty_codings(), codebook=Codebook()
    )
    assert "<Users>" not in validate_qde(bare)
    back = read_qdpx(bare)
    assert same_turns(turns, back.turns) and back.codings.empty and back.codebook.themes == ()
    book_only = write_qdpx(
        tmp_path / "book.qdpx",
        turns=schema.empty_turns(),
        codings=schema.empty_codings(),
        codebook=codebook,
    )
    assert "<Sources>" not in validate_qde(book_only)
    assert read_qdpx(book_only).codebook.code_names == codebook.code_names
