"""Tests for qualcode.coding.suggest: hybrid coding, code CLI integration, active learning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.codebook import Code, Codebook, Theme, write_codebook
from qualcode.coding.classifier import CodeClassifier
from qualcode.coding.job import choose_method, code_turns, merge_codings
from qualcode.coding.suggest import suggest_turns
from qualcode.coding.training import train_model
from qualcode.errors import ModelError
from tests._codingdata import make_data as make_data_


def make_data(n_interviews: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_data_(n_interviews)


def book(examples: bool = False, exclusive: bool = False) -> Codebook:
    return Codebook(
        name="crm",
        themes=(
            Theme(
                name="crm",
                exclusive=exclusive,
                codes=(
                    Code(
                        name="retain",
                        theme="crm",
                        keywords=("pertahankan",),
                        examples=("kami jaga klien lama",) if examples else (),
                    ),
                    Code(name="acquire", theme="crm", keywords=("pitching",)),
                    Code(name="trust", theme="crm", keywords=("percaya",)),
                ),
            ),
        ),
    )


def test_choose_method_defaults():
    assert choose_method(codebook=book(), model=None, train_codings=None, method=None) == "rules"
    assert (
        choose_method(codebook=book(True), model=None, train_codings=None, method=None) == "hybrid"
    )
    assert (
        choose_method(codebook=book(), model=None, train_codings=pd.DataFrame(), method=None)
        == "hybrid"
    )
    assert (
        choose_method(codebook=book(True), model=None, train_codings=None, method="rules")
        == "rules"
    )


def test_code_turns_hybrid_merges_rules_and_model():
    turns, codings = make_data(3)
    extra = pd.DataFrame(
        [("x-1", "x", 1, "A", "participant", "kami percaya pada klien lama")], columns=turns.columns
    )
    turns = pd.concat([turns, extra], ignore_index=True)
    out = code_turns(turns, codebook=book(), train_codings=codings, method="hybrid")
    assert set(out["coder"]) == {"model", "rules"}
    # 'trust' has no coded example: the rules decide it
    trust = out[out["code"] == "trust"]
    assert trust["coder"].tolist() == ["rules"] and trust["turn_id"].tolist() == ["x-1"]
    # model rows: probability score, keywords first then weighty terms
    row = out[(out["turn_id"] == "i0-2") & (out["code"] == "retain")].iloc[0]
    assert row["coder"] == "model" and 0.5 < row["score"] <= 1.0
    items = row["evidence"].split("; ")
    assert items[0] == "pertahankan" and len(items) > 1
    assert not out[out["turn_id"].str.endswith("-1") & out["turn_id"].str.startswith("i")].shape[
        0
    ]  # no interviewer turns


def test_code_turns_hybrid_leaves_codes_with_few_examples_to_rules():
    turns, _ = make_data(1)
    out = code_turns(turns, codebook=book(examples=True))  # one example quote: too few
    assert set(out["coder"]) == {"rules"}
    assert out["evidence"].tolist() == ["pertahankan", "pitching", "pitching"]


def test_merge_codings_rules_only_for_unlearned():
    rules = pd.DataFrame(
        {
            "turn_id": ["t1", "t2"],
            "code": ["a", "b"],
            "coder": "rules",
            "score": 0.5,
            "evidence": ["kw1", "kw2"],
            "span_start": [0, 1],
            "span_end": [3, 4],
        }
    )
    model = pd.DataFrame(
        {
            "turn_id": ["t1"],
            "code": ["a"],
            "coder": "model",
            "score": 0.9,
            "evidence": ["term1; kw1"],
        }
    )
    out = merge_codings(rules, model, learned=["a"])
    assert out[["turn_id", "code", "coder", "evidence"]].values.tolist() == [
        ["t1", "a", "model", "kw1; term1"],
        ["t2", "b", "rules", "kw2"],
    ]
    assert out["span_start"].tolist() == [0, 1]


def test_code_turns_refuses_model_of_other_codebook():
    turns, codings = make_data(2)
    model = train_model(turns, codings)
    with pytest.raises(ModelError, match="another codebook"):
        code_turns(turns, codebook=book(), model=model)


def test_cli_code_with_model_and_method(tmp_path, capsys):
    turns, codings = make_data(3)
    tp, cp, cbp = tmp_path / "turns.csv", tmp_path / "ann.csv", tmp_path / "cb.yaml"
    turns.to_csv(tp, index=False)
    codings.to_csv(cp, index=False)
    write_codebook(book(), cbp)
    model = tmp_path / "m.qcm"
    assert (
        main(
            [
                "train",
                "--turns",
                str(tp),
                "--codings",
                str(cp),
                "--codebook",
                str(cbp),
                "--out",
                str(model),
            ]
        )
        == 0
    )
    out = tmp_path / "coded"
    assert main(["code", str(tp), "--model", str(model), "--out", str(out)]) == 0
    coded = pd.read_csv(out / "codings.csv")
    assert set(coded["coder"]) <= {"model", "rules"} and "model" in set(coded["coder"])
    assert (
        main(
            [
                "code",
                str(tp),
                "--codebook",
                str(cbp),
                "--train",
                str(cp),
                "--method",
                "model",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert set(pd.read_csv(out / "codings.csv")["coder"]) == {"model"}
    assert main(["code", str(tp), "--codebook", str(cbp), "--out", str(out)]) == 0
    assert set(pd.read_csv(out / "codings.csv")["coder"]) == {"rules"}
    other = tmp_path / "other.yaml"
    write_codebook(Codebook.from_code_names(["x", "y"]), other)
    capsys.readouterr()
    assert (
        main(["code", str(tp), "--model", str(model), "--codebook", str(other), "--out", str(out)])
        == 1
    )
    assert "trained on another codebook" in capsys.readouterr().err


def test_suggest_turns_uncertain_and_diverse():
    turns, codings = make_data(4)
    # only interviews i0, i1 coded; i2, i3 are candidates
    coded = codings[codings["turn_id"].str.startswith(("i0-", "i1-"))]
    extra = pd.DataFrame(
        [
            (f"u-{k}", "u", k, "A", "participant", "kami pertahankan klien baru lewat pitching")
            for k in range(1, 6)
        ],
        columns=turns.columns,
    )
    turns = pd.concat([turns, extra], ignore_index=True)
    out = suggest_turns(turns, coded, codebook=book(exclusive=True), n=4)
    assert out["rank"].tolist() == [1, 2, 3, 4]
    assert not out["turn_id"].str.startswith(("i0-", "i1-")).any()
    # the five copies of an ambiguous turn are the most uncertain, but diversity lists one
    assert out["turn_id"].iloc[0].startswith("u-")
    assert out["turn_id"].str.startswith("u-").sum() == 1
    few = suggest_turns(turns[turns["interview"] == "u"], None, codebook=book(), n=3)
    assert len(few) == 3  # only copies left: they are listed after all


def test_suggest_cold_start_is_diverse():
    turns, _ = make_data(1)
    out = suggest_turns(turns, None, codebook=book(), n=3)
    assert out["text"].nunique() == 3


def test_cli_suggest(tmp_path, capsys):
    turns, codings = make_data(3)
    tp, cp = tmp_path / "turns.csv", tmp_path / "ann.csv"
    turns.to_csv(tp, index=False)
    codings[codings["turn_id"].str.startswith("i0-")].to_csv(cp, index=False)
    out = tmp_path / "next.csv"
    assert (
        main(
            ["suggest", "--turns", str(tp), "--codings", str(cp), "--next", "3", "--out", str(out)]
        )
        == 0
    )
    assert "Code these 3 turn(s) next" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 3


def test_train_model_learns_examples_only():
    turns, _ = make_data(1)
    model = train_model(turns, None, codebook=book(examples=True))
    assert isinstance(model, CodeClassifier)


def test_uncertainty_of_an_exclusive_theme_follows_its_decision_offsets():
    from qualcode.coding.suggest import _uncertainty

    turns, codings = make_data(3)
    model = train_model(turns, codings, codebook=book(exclusive=True))
    head = next(h for h in model.heads_ if h["kind"] != "binary")
    retain, acquire = (list(model.classes_).index(c) for c in ("retain", "acquire"))
    P = np.zeros((2, len(model.classes_)))
    P[0, [retain, acquire]] = [0.5, 0.5]  # a coin toss by probability
    P[1, [retain, acquire]] = [0.2, 0.8]
    order = [model.classes_[j] if j >= 0 else None for j in head["codes"]]
    head["decision_bias"] = [np.log(4.0) if c == "retain" else 0.0 for c in order]
    # the decision compares 4 * p(retain) with p(acquire): turn 1 is now 0.8 / 0.2 (fairly
    # sure), turn 2 0.5 / 0.5 (a coin toss)
    unc = _uncertainty(model, P)
    assert unc[1] == pytest.approx(1.0)
    assert unc[0] == pytest.approx(0.4)
    assert model._decide(P)[0, retain] == 1
