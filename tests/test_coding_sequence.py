"""Sequence decoding of an exclusive theme (qualcode.coding.sequence and CodeClassifier)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualcode.coding.classifier import CodeClassifier, load_model, turn_context
from qualcode.coding.inputs import split_x
from qualcode.coding.sequence import Links, decode, transition_table
from qualcode.coding.tfidf import ASCII_TOKEN_RE, TOKEN_RE
from tests.conftest import SWDA


def _dialogue_turns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interview": ["i", "i", "i", "i", "j", "j", "j"],
            "position": [1, 2, 3, 4, 1, 2, 3],
            "speaker": ["A", "B", "B", "A", "A", "B", "A"],
            "text": ["Why?", "Because.", "Yes.", "Okay.", "So?", "Well,", "Right."],
        }
    )


def _links(X: pd.DataFrame) -> Links:
    links = split_x(X).links()
    assert links is not None
    return links


def test_links_follow_the_conversation_in_any_row_order():
    turns = _dialogue_turns()
    links = _links(turn_context(turns))
    assert links.prev.tolist() == [-1, 0, 1, 2, -1, 4, 5]
    assert links.change.tolist() == [0, 1, 0, 1, 0, 1, 1]
    shuffled = turns.sample(frac=1, random_state=3).reset_index(drop=True)
    s = _links(turn_context(shuffled))
    text = shuffled["text"].tolist()
    got = {text[i]: (text[p] if p >= 0 else None) for i, p in enumerate(s.prev)}
    assert got == {
        "Why?": None,
        "Because.": "Why?",
        "Yes.": "Because.",
        "Okay.": "Yes.",
        "So?": None,
        "Well,": "So?",
        "Right.": "Well,",
    }


def test_links_never_join_turns_that_were_not_neighbours():
    X = turn_context(_dialogue_turns())
    subset = X.drop(index=[1, 5]).reset_index(drop=True)  # "Because." and "Well," left out
    links = _links(subset)
    text = subset["text"].tolist()
    pairs = {text[i]: text[p] for i, p in enumerate(links.prev) if p >= 0}
    assert pairs == {"Okay.": "Yes."}
    # plain texts, or a table without interview/position: no links at all
    assert split_x(X["text"].tolist()).links() is None
    assert split_x(X.drop(columns=["interview", "position"])).links() is None


def test_links_subset_renumbers():
    links = Links(np.array([-1, 0, 1, 2]), np.array([0, 1, 1, 0], dtype=np.int8))
    sub = links.subset(np.array([1, 2, 3]))
    assert sub.prev.tolist() == [-1, 0, 1]
    assert sub.change.tolist() == [1, 1, 0]


def test_transition_table_counts_by_speaker_change_and_smooths():
    target = np.array([0, 1, 0, 1, 1])
    links = Links(np.array([-1, 0, 1, 2, 3]), np.array([0, 1, 1, 1, 0], dtype=np.int8))
    T = transition_table(target, links, 3)
    assert T.shape == (2, 3, 3)
    np.testing.assert_allclose(T.sum(axis=2), 1.0)
    # after a change of speaker 0 -> 1 twice, 1 -> 0 once; same speaker 1 -> 1 once
    assert T[1, 0, 1] > T[1, 0, 0] and T[1, 0, 1] > T[1, 0, 2]
    assert T[0, 1, 1] > T[0, 1, 0]
    # a class never seen before anything falls back to the class frequencies
    freq = (np.bincount(target, minlength=3) + 1.0) / (len(target) + 3)
    np.testing.assert_allclose(T[0, 2], freq)


def test_decode_without_weight_is_the_softmax_and_neighbours_move_an_uncertain_turn():
    log_q = np.log(np.array([[0.9, 0.1], [0.5, 0.5], [0.9, 0.1]]))
    links = Links(np.array([-1, 0, 1]), np.array([0, 1, 1], dtype=np.int8))
    T = np.array([[[0.5, 0.5], [0.5, 0.5]], [[0.05, 0.95], [0.95, 0.05]]])  # codes alternate
    np.testing.assert_allclose(decode(log_q, links, T, 0.0), np.exp(log_q), rtol=1e-6)
    w = decode(log_q, links, T, 1.0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-6)
    assert w[1, 1] > 0.9  # between two turns of code 0, the alternation says code 1
    no_links = Links(np.full(3, -1), np.zeros(3, dtype=np.int8))
    np.testing.assert_allclose(decode(log_q, no_links, T, 1.0), np.exp(log_q), rtol=1e-6)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_tokenizer_matches_the_unicode_one(text):
    lowered = text.lower()
    assert ASCII_TOKEN_RE.findall(lowered) == TOKEN_RE.findall(lowered)


# --- on real coded dialogue: SwDA ----------------------------------------------------------------
def _read(folder: Path, limit: int) -> tuple[pd.DataFrame, np.ndarray]:
    rows, tags = [], []
    for path in sorted(folder.glob("*.txt"))[:limit]:
        pos = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            speaker, text, tag = line.split("|")
            pos += 1
            rows.append((f"{path.stem}-{pos}", path.stem, pos, speaker, text))
            tags.append(tag)
    turns = pd.DataFrame(rows, columns=["turn_id", "interview", "position", "speaker", "text"])
    return turns, np.asarray(tags, dtype=object)


@pytest.fixture(scope="module")
def swda_model():
    if not SWDA.exists():
        pytest.skip(f"shared SwDA corpus not found at {SWDA}")
    train, y = _read(SWDA / "train", 160)
    test, y_test = _read(SWDA / "test", 19)
    model = CodeClassifier(class_weight=0.5, min_df=2, random_state=0)
    model.fit(turn_context(train), y)
    return model, test, y_test


def test_swda_model_learns_sequence_decoding_and_it_helps(swda_model):
    model, test, y_test = swda_model
    (head,) = model.heads_
    assert head["sequence"] and head["sequence"]["weight"] > 0
    X = turn_context(test)
    with_seq = model.predict(X)
    F, links = model._prepare(X)
    assert links is not None and links.n_pairs == len(test) - test["interview"].nunique()
    D = model._decide_scores(model._scores_of(F), F.shape[0], None)
    without = model.classes_[D.argmax(axis=1)]
    assert (with_seq != without).sum() > 20
    assert cohen_kappa_score(y_test, with_seq) > cohen_kappa_score(y_test, without)
    # the texts alone (no interview/position) decide as without sequence
    np.testing.assert_array_equal(model.predict(X.drop(columns=["interview", "position"])), without)


def test_swda_sequence_decisions_do_not_depend_on_row_order(swda_model):
    model, test, _ = swda_model
    X = turn_context(test)
    order = np.random.default_rng(0).permutation(len(X))
    shuffled = model.predict(X.iloc[order].reset_index(drop=True))
    np.testing.assert_array_equal(shuffled, model.predict(X)[order])
    # a turns table gives the same decisions as its context table
    np.testing.assert_array_equal(model.predict(test), model.predict(X))


def test_swda_sequence_survives_save_and_load(swda_model, tmp_path):
    model, test, _ = swda_model
    path = model.save(tmp_path / "m.qcm")
    again = load_model(path)
    np.testing.assert_array_equal(again.predict(test), model.predict(test))
    # a version-3 file (before sequence decoding) is still read; it decides without sequence
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("model.json"))
        blob = zf.read("arrays.npz")
    meta["version"] = 3
    for h in meta["heads"]:
        h.pop("sequence", None)
    old = tmp_path / "v3.qcm"
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr("model.json", json.dumps(meta))
        zf.writestr("arrays.npz", blob)
    v3 = load_model(old)
    X = turn_context(test)
    F, _ = model._prepare(X)
    D = model._decide_scores(model._scores_of(F), F.shape[0], None)
    np.testing.assert_array_equal(v3.predict(X), model.classes_[D.argmax(axis=1)])


def test_sequence_off_and_on_small_interview_data():
    from tests._codingdata import make_data

    turns, codings = make_data(6)
    coded = codings.drop_duplicates("turn_id").set_index("turn_id")["code"]
    X = turn_context(turns)
    keep = turns["turn_id"].isin(coded.index).to_numpy()
    y = coded.loc[turns["turn_id"][keep]].to_numpy()
    off = CodeClassifier(sequence=False, exclusive=True, random_state=0).fit(X[keep], y)
    assert all(h.get("sequence") is None for h in off.heads_)
    assert off.links(X[keep]) is None
    # interview answers are never adjacent once the questions are left out: nothing to learn
    on = CodeClassifier(exclusive=True, random_state=0).fit(X[keep], y)
    assert all(h.get("sequence") is None for h in on.heads_)
    np.testing.assert_array_equal(on.predict(X[keep]), off.predict(X[keep]))
