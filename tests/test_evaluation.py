"""Tests for qualcode.evaluation and the evaluate / train / agree CLI commands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.codebook import Code, Codebook, Theme
from qualcode.errors import QualcodeError
from qualcode.evaluation import MACRO, MICRO, FoldWarning, assign_folds, evaluate, score_table
from tests._codingdata import make_data as make_data_


def make_data(n_interviews: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_data_(n_interviews, numbered=True, gaps=True)


CODEBOOK = Codebook(
    name="crm",
    themes=(
        Theme(
            name="crm",
            codes=(
                Code(name="retain", theme="crm", keywords=("pertahankan",)),
                Code(name="acquire", theme="crm", keywords=("pitching",)),
            ),
        ),
    ),
)


def test_assign_folds_never_splits_an_interview():
    turns, _ = make_data(7)
    folds = assign_folds(turns, folds=3)
    per_interview = folds.groupby(turns["interview"]).nunique()
    assert (per_interview == 1).all()
    assert folds.nunique() == 3


def test_assign_folds_reduces_with_warning_or_fails():
    turns, _ = make_data(2)
    with pytest.warns(FoldWarning, match="only 2 coded interviews"):
        assert assign_folds(turns, folds=5).nunique() == 2
    one, _ = make_data(1)
    with pytest.raises(QualcodeError, match="at least 2 coded interviews"):
        assign_folds(one, folds=5)


def test_evaluate_model_cv_no_leak_and_figures():
    turns, codings = make_data(6)
    table = evaluate(turns, codings, codebook=CODEBOOK, folds=3, n_boot=100)
    assert table["code"].tolist() == ["retain", "acquire", MICRO, MACRO]
    folds = table.attrs["folds"]
    interview = turns.set_index("turn_id").loc[folds.index, "interview"]
    assert (folds.groupby(interview.to_numpy()).nunique() == 1).all()
    assert set(folds) == {0, 1, 2}
    row = table.set_index("code").loc["retain"]
    assert row["n"] == 36  # participant turns only
    assert 0 < row["prevalence"] < 1
    assert row["kappa_low"] <= row["kappa"] <= row["kappa_high"]
    assert table.set_index("code").loc[MICRO, "f1"] > 0.6


def test_evaluate_rules_needs_no_training():
    turns, codings = make_data(3)
    table = evaluate(turns, codings, codebook=CODEBOOK, method="rules", n_boot=0).set_index("code")
    # rules hit 'pertahankan' in 1 of 3 retain answers per interview, never wrongly
    assert table.loc["retain", "precision"] == 1.0
    assert table.loc["retain", "predicted"] == pytest.approx(3 / 18)


def test_evaluate_fixed_split_and_no_codebook():
    turns, codings = make_data(6)
    train_ids = turns["interview"].isin(["i0", "i1", "i2", "i3"])
    test_t = turns[~train_ids].reset_index(drop=True)
    test_c = codings[codings["turn_id"].isin(test_t["turn_id"])]
    table = evaluate(
        turns[train_ids].reset_index(drop=True),
        codings[~codings["turn_id"].isin(test_t["turn_id"])],
        test_turns=test_t,
        test_codings=test_c,
        n_boot=50,
    )
    assert table.loc[0, "n"] == 12
    assert (table.attrs["folds"] == -1).all()


def test_score_table_exact():
    gold = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, 0, 0, 0]})
    pred = pd.DataFrame({"a": [1, 0, 0, 0], "b": [0, 0, 1, 0]})
    t = score_table(gold, pred, n_boot=0).set_index("code")
    assert t.loc["a", "precision"] == 1.0 and t.loc["a", "recall"] == 0.5
    assert t.loc["a", "kappa"] == pytest.approx(0.5)
    assert np.isnan(t.loc["b", "recall"])
    assert t.loc[MICRO, "f1"] == pytest.approx(2 * 1 / (2 + 2))


@pytest.fixture
def files(tmp_path):
    turns, codings = make_data(4)
    tp = tmp_path / "turns.csv"
    cp = tmp_path / "ann.csv"
    turns.to_csv(tp, index=False)
    codings.to_csv(cp, index=False)
    return tmp_path, tp, cp


def test_cli_evaluate_writes_table(files, capsys):
    tmp, tp, cp = files
    out = tmp / "report.csv"
    code = main(
        ["evaluate", "--turns", str(tp), "--codings", str(cp), "--folds", "2", "--out", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "2-fold CV by interview" in text and "retain" in text
    assert pd.read_csv(out)["code"].tolist()[-2:] == [MICRO, MACRO]


def test_cli_evaluate_too_few_interviews_warns(files, capsys):
    _, tp, cp = files
    assert main(["evaluate", "--turns", str(tp), "--codings", str(cp), "--folds", "9"]) == 0
    assert "only 4 coded interviews" in capsys.readouterr().err


def test_cli_train_then_code_with_model(files, capsys):
    tmp, tp, cp = files
    model = tmp / "m.qcm"
    assert main(["train", "--turns", str(tp), "--codings", str(cp), "--out", str(model)]) == 0
    assert model.exists()
    assert "Trained on" in capsys.readouterr().out


def test_cli_train_bad_codings_is_error(files, capsys):
    tmp, tp, _ = files
    bad = tmp / "bad.csv"
    bad.write_text("turn_id,code\nnope,retain\n", encoding="utf-8")
    assert (
        main(["train", "--turns", str(tp), "--codings", str(bad), "--out", str(tmp / "m.qcm")]) == 1
    )
    assert "bad.csv line 2" in capsys.readouterr().err


def test_cli_agree_prints_and_writes(files, capsys):
    tmp, tp, cp = files
    _, codings = make_data(4)
    bob = codings.assign(coder="bob").iloc[::2]
    bp = tmp / "bob.csv"
    bob.to_csv(bp, index=False)
    out = tmp / "agree.csv"
    assert main(["agree", str(cp), str(bp), "--turns", str(tp), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Agreement of 2 coders (ann, bob)" in text and "disagreement(s)" in text
    table = pd.read_csv(out)
    assert table["code"].tolist() == ["retain", "acquire", "(overall)"]


def test_cli_agree_unused_code_warns(files, capsys, tmp_path):
    _, _, cp = files
    cbp = tmp_path / "cb.yaml"
    from qualcode.codebook import write_codebook

    book = Codebook(
        name="crm",
        themes=(
            Theme(
                name="crm",
                codes=(
                    Code(name="retain", theme="crm"),
                    Code(name="acquire", theme="crm"),
                    Code(name="trust", theme="crm"),
                ),
            ),
        ),
    )
    write_codebook(book, cbp)
    _, codings = make_data(4)
    bp = tmp_path / "bob.csv"
    codings.assign(coder="bob").to_csv(bp, index=False)
    assert main(["agree", str(cp), str(bp), "--codebook", str(cbp)]) == 0
    captured = capsys.readouterr()
    assert "'trust': no coder used it" in captured.err
    assert "n/a" in captured.out


def test_cli_agree_one_coder_is_error(files, capsys):
    _, _, cp = files
    assert main(["agree", str(cp)]) == 1
    assert "two or more coders" in capsys.readouterr().err
