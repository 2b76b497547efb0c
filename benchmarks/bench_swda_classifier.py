"""Benchmark CodeClassifier on real human coding: the Switchboard Dialog Act corpus (SwDA).

Every utterance of 1,155 telephone conversations was coded by trained annotators with one of 41
dialogue-act codes. The script turns the standard split (1115 train / 19 test dialogues) into
qualcode's tables (turns: one interview per dialogue, speakers A/B, role participant; a codebook
with one exclusive theme; human codings), trains CodeClassifier on the train split and reports
on the test split: accuracy and Cohen's kappa, against a plain TF-IDF + linear SVM baseline;
training time, prediction throughput and a learning curve.

Context features use only the *text* of the turn before and whether the speaker changed, never
its code, so nothing of the test labels leaks into prediction.

Usage::

    python benchmarks/bench_swda_classifier.py [SWDA_DIR] [--quick]

``--quick`` skips the full-size baseline (a LinearSVC on 190,000 turns takes a while).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, cohen_kappa_score
from sklearn.svm import LinearSVC

from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.classifier import CodeClassifier, turn_context
from qualcode.coding.human import check_codings
from qualcode.schema import validate_codings, validate_turns

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (
    Path(os.environ.get("QUALCODE_SHARED", ROOT.parent / "shared")) / "datasets/swda/swda_data"
)

#: the settings used for SwDA (a large, exclusive scheme): see CodeClassifier's docstring
PARAMS = {
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "min_df": 2,
    "class_weight": None,  # accuracy/kappa over 41 codes: do not up-weight rare codes
    "C": 3.0,  # SGD alpha = 1 / (C * n) = 2e-6 on the 173,000 turns it is fitted on
    "max_iter": 8,
    "random_state": 0,
}


def read_split(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one split's dialogue files into a turns table and a codings table."""
    turns, codings = [], []
    for path in sorted(folder.glob("*.txt")):
        dialogue = path.stem
        pos = 0
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                speaker, text, tag = line.split("|")
                pos += 1
                turn_id = f"sw{dialogue}-{pos:03d}"
                turns.append(
                    (turn_id, dialogue, pos, speaker, "participant", text, path.name, line_no)
                )
                codings.append((turn_id, tag, "swda"))
    t = pd.DataFrame(
        turns,
        columns=["turn_id", "interview", "position", "speaker", "role", "text", "source", "line"],
    )
    c = pd.DataFrame(codings, columns=["turn_id", "code", "coder"])
    return validate_turns(t), validate_codings(c)


def swda_codebook(codes: list[str]) -> Codebook:
    """One exclusive theme holding the dialogue-act codes."""
    theme = Theme(
        name="dialogue_act",
        exclusive=True,
        codes=tuple(Code(name=c, theme="dialogue_act") for c in codes),
    )
    return Codebook(name="SWBD-DAMSL", languages=("en",), themes=(theme,))


def labels_of(turns: pd.DataFrame, codings: pd.DataFrame) -> np.ndarray:
    """The one code of each turn, aligned with ``turns``."""
    code = codings.drop_duplicates("turn_id").set_index("turn_id")["code"]
    return code.loc[turns["turn_id"]].astype(str).to_numpy()


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    args = [a for a in argv if not a.startswith("--")]
    data = Path(args[0]) if args else DEFAULT
    t0 = time.perf_counter()
    train_t, train_c = read_split(data / "train")
    test_t, test_c = read_split(data / "test")
    val_t, _ = read_split(data / "val")
    by_freq = train_c["code"].value_counts().index.tolist()
    extra = sorted(set(test_c["code"]) - set(by_freq))
    book = swda_codebook(by_freq + extra)
    check_codings(train_c, turns=train_t, codebook=book)
    check_codings(test_c, turns=test_t, codebook=book)
    print(
        f"SwDA: {train_t['interview'].nunique()} train / {test_t['interview'].nunique()} test "
        f"dialogues, {len(train_t):,} / {len(test_t):,} turns, {len(book.code_names)} codes "
        f"(read in {time.perf_counter() - t0:.1f} s)"
    )
    y_train = labels_of(train_t, train_c)
    y_test = labels_of(test_t, test_c)
    X_train = turn_context(train_t)
    X_test = turn_context(test_t)

    # -- baseline: plain TF-IDF + linear SVM on the turn text alone
    if not quick:
        t = time.perf_counter()
        vec = TfidfVectorizer(sublinear_tf=True)
        svm = LinearSVC(dual=True).fit(vec.fit_transform(train_t["text"]), y_train)
        base = svm.predict(vec.transform(test_t["text"]))
        print(
            f"Baseline TF-IDF + LinearSVC: accuracy {accuracy_score(y_test, base):.3f}, "
            f"kappa {cohen_kappa_score(y_test, base):.3f} "
            f"(train {time.perf_counter() - t:.1f} s)"
        )

    # -- CodeClassifier on the full train split
    t = time.perf_counter()
    model = CodeClassifier(codebook=book, **PARAMS).fit(X_train, y_train)
    fit_s = time.perf_counter() - t
    pred = model.predict(X_test)
    acc, kappa = accuracy_score(y_test, pred), cohen_kappa_score(y_test, pred)
    print(
        f"CodeClassifier (solver {model.solver_}, {model.n_features_:,} features): "
        f"accuracy {acc:.3f}, kappa {kappa:.3f}; trained in {fit_s:.1f} s"
    )
    proba = model.predict_proba(X_test)
    index = {c: i for i, c in enumerate(model.classes_)}
    p_true = proba[np.arange(len(y_test)), [index[c] for c in y_test]]
    conf = proba.max(axis=1)
    print(
        f"  probabilities: mean log loss {-np.mean(np.log(np.clip(p_true, 1e-12, 1))):.3f}, "
        f"mean confidence {conf.mean():.3f} vs accuracy {acc:.3f}"
    )

    # -- throughput on unseen dialogues (val + test, not deduplicated across runs)
    X_new = pd.concat([turn_context(val_t), X_test], ignore_index=True)
    model.predict(X_new.iloc[:100])  # warm-up
    t = time.perf_counter()
    model.predict(X_new)
    pred_s = time.perf_counter() - t
    print(
        f"Prediction: {len(X_new):,} turns in {pred_s:.2f} s = {len(X_new) / pred_s:,.0f} turns/s"
    )

    # -- learning curve: random samples of training turns (context from the full dialogues)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X_train))
    print("Learning curve (test kappa):")
    for n in (100, 1_000, 10_000, len(X_train)):
        if n == len(X_train):
            k, secs = kappa, fit_s
        else:
            idx = np.sort(order[:n])
            t = time.perf_counter()
            m = CodeClassifier(codebook=book, **PARAMS).fit(
                X_train.iloc[idx].reset_index(drop=True), y_train[idx]
            )
            secs = time.perf_counter() - t
            k = cohen_kappa_score(y_test, m.predict(X_test))
        print(f"  {n:>7,} turns: kappa {k:.3f} (train {secs:.1f} s)")

    # -- without character n-grams: the costly feature to compute (useful for Indonesian affixes,
    #    less so for English); faster to train and to apply
    fast = {**PARAMS, "char_ngrams": None}
    t = time.perf_counter()
    model = CodeClassifier(codebook=book, **fast).fit(X_train, y_train)
    fit_s = time.perf_counter() - t
    pred = model.predict(X_test)
    t = time.perf_counter()
    model.predict(X_new)
    pred_s = time.perf_counter() - t
    print(
        f"Without character n-grams: accuracy {accuracy_score(y_test, pred):.3f}, "
        f"kappa {cohen_kappa_score(y_test, pred):.3f}; trained in {fit_s:.1f} s; "
        f"{len(X_new) / pred_s:,.0f} turns/s"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
