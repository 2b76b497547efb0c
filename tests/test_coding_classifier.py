"""Tests for qualcode.coding.classifier.CodeClassifier."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.classifier import CodeClassifier, load_model, turn_context
from qualcode.coding.inputs import split_x
from qualcode.errors import ModelError, QualcodeError

RETAIN = [
    "kami pertahankan klien lama",
    "mempertahankan hubungan dengan client",
    "jaga client-nya",
    "retain client yang sudah ada",
    "klien lama tetap setia",
    "hubungan jangka panjang",
]
ACQUIRE = [
    "cari klien baru",
    "pitching ke client baru",
    "akuisisi brand baru",
    "new business",
    "dapat klien baru dari pitching",
    "prospek baru datang",
]
X = RETAIN + ACQUIRE
Y1 = ["retain"] * 6 + ["acquire"] * 6
YW = pd.DataFrame(
    {
        "retain": [1] * 6 + [0] * 6,
        "acquire": [0] * 6 + [1] * 6,
        "trust": [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    }
)


def _codebook(exclusive: bool = False, examples: bool = False) -> Codebook:
    codes = (
        Code(
            name="retain",
            theme="crm",
            keywords=("pertahankan",),
            examples=("kami jaga klien kami",) if examples else (),
        ),
        Code(name="acquire", theme="crm", keywords=("klien baru",)),
    )
    return Codebook(name="crm", themes=(Theme(name="crm", exclusive=exclusive, codes=codes),))


def test_classifier_learns_exclusive_labels():
    clf = CodeClassifier(random_state=0).fit(X, Y1)
    assert list(clf.predict(["pertahankan klien lama", "pitching klien baru"])) == [
        "retain",
        "acquire",
    ]
    proba = clf.predict_proba(["pertahankan klien lama"])
    assert proba.shape == (1, 2) and proba.sum() == pytest.approx(1.0)
    assert np.isnan(clf.thresholds_).all()  # argmax decides


def test_classifier_independent_codes_thresholds_and_proba():
    clf = CodeClassifier(random_state=0).fit(X, YW)
    assert list(clf.classes_) == ["retain", "acquire", "trust"]
    pred = clf.predict(X)
    assert pred.shape == (12, 3) and set(np.unique(pred)) <= {0, 1}
    assert (pred[:, 0] == YW["retain"]).all()
    assert np.isfinite(clf.thresholds_).all()
    p = clf.predict_proba(X)
    assert ((p >= 0) & (p <= 1)).all()


def test_classifier_rare_code_without_positives_is_never_predicted():
    y = YW.assign(trust=0)
    clf = CodeClassifier(random_state=0).fit(X, y)
    assert clf.predict(X)[:, 2].sum() == 0


def test_classifier_accepts_context_table_and_turns():
    turns = pd.DataFrame(
        {
            "interview": [i for i in "abc" for _ in range(4)],
            "position": [1, 2, 3, 4] * 3,
            "speaker": ["Q", "A", "Q", "A"] * 3,
            "text": ["bagaimana jaga klien?", "ya", "klien baru?", "ya"] * 3,
        }
    )
    ctx = turn_context(turns)
    assert ctx["context"].tolist()[:4] == ["", "bagaimana jaga klien?", "ya", "klien baru?"]
    assert ctx["speaker_change"].tolist()[1:4] == [1.0, 1.0, 1.0]
    assert ctx["after"].tolist()[:4] == ["ya", "klien baru?", "ya", ""]
    assert np.isnan(ctx["after_change"].iloc[3])
    y = pd.DataFrame({"retain": [0, 1, 0, 0] * 3, "acquire": [0, 0, 0, 1] * 3})
    clf = CodeClassifier(random_state=0, char_ngrams=None, C=10).fit(ctx, y)
    # the same answer "ya" is told apart only by the question before it
    assert clf.predict(ctx).tolist() == y.values.tolist()
    assert clf.predict(turns).tolist() == y.values.tolist()
    assert "before (other speaker): baru" in clf.features_.feature_names()
    assert "after (other speaker): ya" in clf.features_.feature_names()
    plain = CodeClassifier(random_state=0, context=False, char_ngrams=None, C=10).fit(ctx, y)
    assert plain.predict(ctx)[1].tolist() == plain.predict(ctx)[3].tolist()


def test_classifier_uses_examples_and_rules():
    cb = _codebook(exclusive=True, examples=True)
    clf = CodeClassifier(codebook=cb, random_state=0).fit(X, Y1)
    names = clf.features_.feature_names()
    assert "rule:retain" in names
    assert len(clf.features_.word.vocabulary_) > 0 and "jaga" in clf.features_.word.vocabulary_
    # only examples, no coded turns: still trains
    only = CodeClassifier(codebook=_codebook(examples=True), random_state=0).fit(
        [], pd.DataFrame(columns=["retain", "acquire"])
    )
    assert only.predict(["kami jaga klien"]).shape == (1, 2)


def test_classifier_explain_gives_terms():
    clf = CodeClassifier(random_state=0).fit(X, Y1)
    ex = clf.explain(["pertahankan klien lama"])
    assert ex["code"].tolist() == ["retain"]
    assert "pertahankan" in ex["terms"].iloc[0].split("; ")


def test_classifier_sklearn_api():
    clf = CodeClassifier(C=2.0, random_state=0)
    assert clone(clf).get_params()["C"] == 2.0
    assert clf.set_params(C=0.5).C == 0.5
    with pytest.raises(NotFittedError):
        clf.predict(["x"])
    scores = cross_val_score(CodeClassifier(random_state=0, char_ngrams=None), X, Y1, cv=3)
    assert scores.shape == (3,) and (scores >= 0).all()
    grid = GridSearchCV(
        CodeClassifier(random_state=0, char_ngrams=None),
        {"C": [0.1, 1.0]},
        cv=KFold(3, shuffle=True, random_state=0),
    )
    grid.fit(X, YW)
    assert grid.best_params_["C"] in (0.1, 1.0)


def test_classifier_rejects_bad_y():
    with pytest.raises(QualcodeError, match="only 0 and 1"):
        CodeClassifier().fit(X, YW.assign(trust=2))
    with pytest.raises(QualcodeError, match="more than one code of the exclusive theme"):
        CodeClassifier(exclusive=True).fit(X, YW)


def test_classifier_save_load_round_trip(tmp_path):
    cb = _codebook()
    clf = CodeClassifier(codebook=cb, random_state=0).fit(X, YW[["retain", "acquire"]])
    path = clf.save(tmp_path / "m.qcm")
    loaded = load_model(path, codebook=cb)
    assert loaded.codebook_ == cb
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-5)
    assert loaded.get_params()["C"] == clf.C


def test_classifier_load_refuses_other_codebook(tmp_path):
    clf = CodeClassifier(codebook=_codebook(), random_state=0).fit(X, YW[["retain", "acquire"]])
    path = clf.save(tmp_path / "m.qcm")
    other = Codebook.from_code_names(["retain", "enhance"])
    with pytest.raises(
        ModelError, match=r"trained on another codebook.*codes only in the model: acquire"
    ):
        load_model(path, codebook=other)


def _rewrite(path, *, meta=None, arrays=None):
    with zipfile.ZipFile(path) as zf:
        m = json.loads(zf.read("model.json"))
        blob = zf.read("arrays.npz")
    if meta is not None:
        m.update(meta)
    if arrays is not None:
        blob = arrays
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("model.json", json.dumps(m))
        zf.writestr("arrays.npz", blob)


def test_classifier_load_refuses_tampered_and_unsafe(tmp_path):
    clf = CodeClassifier(random_state=0).fit(X, Y1)
    path = clf.save(tmp_path / "m.qcm")
    buf = io.BytesIO()
    np.savez(buf, coef=np.array([object()], dtype=object))
    _rewrite(path, arrays=buf.getvalue())
    with pytest.raises(ModelError, match="checksum"):
        load_model(path)
    import hashlib

    _rewrite(path, meta={"arrays_sha256": hashlib.sha256(buf.getvalue()).hexdigest()})
    with pytest.raises(ModelError, match="unpickling; refused"):
        load_model(path)
    bad = tmp_path / "pickle.qcm"
    bad.write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(ModelError, match="not a qualcode model file"):
        load_model(bad)


def test_classifier_tokens_keep_punctuation_one_letter_words_and_turn_edges():
    x = ["uh, is it?", "i think so.", "a dog - yes", "uh-huh."] * 3
    y = ["q", "s", "s", "b"] * 3
    clf = CodeClassifier(random_state=0, char_ngrams=None).fit(x, y)
    vocab = clf.features_.word.vocabulary_
    for term in ("?", ",", "-", "i", "a", "uh", "<start> uh", "? <end>", "i think"):
        assert term in vocab, term
    ex = clf.explain(["uh, is it?"], n_terms=20)
    assert ex["code"].tolist() == ["q"]
    assert {"?", "? <end>", ","} <= set(ex["terms"].iloc[0].split("; "))


def test_classifier_char_ngrams_cover_unseen_indonesian_words():
    # "dipertahankannya" never occurs in training: only its character n-grams
    # (per-/-tahan-/-kan) connect it to "retain"
    unseen = ["dipertahankannya"]
    clf = CodeClassifier(random_state=0).fit(X, Y1)
    assert "dipertahankannya" not in clf.features_.word.vocabulary_
    assert clf.predict(unseen).tolist() == ["retain"]
    assert not np.allclose(clf.predict_proba(unseen), clf.predict_proba([""]))
    words_only = CodeClassifier(random_state=0, char_ngrams=None).fit(X, Y1)
    np.testing.assert_allclose(words_only.predict_proba(unseen), words_only.predict_proba(["zzz"]))


def test_classifier_text_with_separator_character_and_empty_texts():
    clf = CodeClassifier(random_state=0).fit(X, Y1)
    odd = ["pertahankan\x01klien lama", "", "?", "cari klien baru"]
    pred = clf.predict(odd)
    assert len(pred) == 4 and pred[0] == "retain" and pred[3] == "acquire"
    F = clf.features_.transform(split_x(["a\x01b", "a b"]))
    np.testing.assert_allclose(F[0].toarray(), F[1].toarray())


def _dialogues() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interview": [i for i in "abcd" for _ in range(4)],
            "position": [1, 2, 3, 4] * 4,
            "speaker": ["Q", "A", "Q", "A"] * 4,
            "text": ["bagaimana jaga klien?", "ya", "klien baru?", "ya"] * 4,
        }
    )


def test_classifier_context_blocks_are_the_neighbours_own_word_features():
    turns = _dialogues()
    ctx = turn_context(turns)
    y = pd.DataFrame({"retain": [0, 1, 0, 0] * 4, "acquire": [0, 0, 0, 1] * 4})
    clf = CodeClassifier(random_state=0).fit(ctx, y)
    F = clf.features_.transform(split_x(ctx)).toarray()
    nw, nc = clf.features_.n_word, clf.features_.n_char
    own = F[:, :nw]
    before_other = F[:, nw + nc : nw + nc + nw]
    after_other = F[:, nw + nc + 2 * nw + 3 : nw + nc + 3 * nw + 3]
    np.testing.assert_allclose(before_other[1:4], own[0:3])  # every turn changes speaker
    np.testing.assert_allclose(after_other[0:3], own[1:4])
    assert not before_other[0].any() and not after_other[3].any()  # interview edges
    names = clf.features_.feature_names()
    assert len(names) == F.shape[1] == clf.n_features_
    assert "before (other speaker): ? | ya" in names
    assert "before (no turn): <start> | bagaimana" in names
    assert "after (no turn): ya | <end>" in names


def test_classifier_save_load_round_trip_with_context_and_pairs(tmp_path):
    turns = _dialogues()
    y = pd.DataFrame({"retain": [0, 1, 0, 0] * 4, "acquire": [0, 0, 0, 1] * 4})
    clf = CodeClassifier(random_state=0, word_ngrams=(1, 3)).fit(turns, y)
    loaded = load_model(clf.save(tmp_path / "ctx.qcm"))
    np.testing.assert_allclose(loaded.predict_proba(turns), clf.predict_proba(turns), rtol=1e-5)
    assert loaded.features_.feature_names() == clf.features_.feature_names()
    assert loaded.predict(turns).tolist() == y.values.tolist()


def test_classifier_rejects_bad_ngram_ranges():
    with pytest.raises(QualcodeError, match=r"word_ngrams must be a range within 1\.\.3"):
        CodeClassifier(word_ngrams=(1, 4)).fit(X, Y1)
    with pytest.raises(QualcodeError, match="char_ngrams must be a range"):
        CodeClassifier(char_ngrams=(0, 3)).fit(X, Y1)


@pytest.mark.parametrize("version", [1, 2])
def test_classifier_load_refuses_old_format_version(tmp_path, version):
    path = CodeClassifier(random_state=0).fit(X, Y1).save(tmp_path / "m.qcm")
    _rewrite(path, meta={"version": version})
    with pytest.raises(ModelError, match=f"model format version {version} is not supported"):
        load_model(path)


def test_turn_context_same_with_categorical_columns():
    turns = pd.DataFrame(
        {
            "interview": ["i", "i", "j", "j"],
            "position": [1, 2, 1, 2],
            "speaker": ["Q", "A", "A", "A"],
            "text": ["Why?", "Because.", "x", "y"],
        }
    )
    cat = turns.astype({"interview": "category", "speaker": "category"})
    a, b = turn_context(cat), turn_context(turns)
    pd.testing.assert_frame_equal(a.drop(columns="interview"), b.drop(columns="interview"))
    assert a["interview"].astype(str).tolist() == b["interview"].astype(str).tolist()
    assert turn_context(cat)["after_change"].tolist()[:1] == [1.0]
    assert turn_context(cat)["speaker_change"].tolist()[3] == 0.0
