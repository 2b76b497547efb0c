"""Tests for qualcode.plots, checked on the drawn objects."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import pytest
from _reportdata import CRM_COLOR, IDIC_COLOR, make_codebook, make_codings, make_turns
from matplotlib.colors import to_hex

from qualcode import plots, reports
from qualcode.errors import QualcodeError

matplotlib.use("Agg")
import itertools

import matplotlib.pyplot as plt


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def codebook():
    return make_codebook()


@pytest.fixture
def freq(codebook):
    return reports.code_frequencies(make_turns(), make_codings(), codebook)


def test_plot_theme_frequencies_bars_match_counts_in_codebook_order(freq, codebook):
    ax = plots.plot_theme_frequencies(freq, codebook=codebook)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [float(v) for v in freq["turns"]]
    ys = [p.get_y() + p.get_height() / 2 for p in ax.patches]
    assert ys == sorted(ys)  # first code first (top after inverting the y axis)
    assert ax.yaxis_inverted()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Identify: mengenali latar\nbelakang klien"  # wrapped
    assert all(len(line) <= 28 for lab in labels for line in lab.split("\n"))
    assert ax.get_title() == "Coded turns per code, grouped by theme"
    assert ax.get_xlabel() == "Participant turns coded"


def test_plot_theme_frequencies_colours_from_codebook(freq, codebook):
    ax = plots.plot_theme_frequencies(freq, codebook=codebook)
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[0] == IDIC_COLOR
    assert colours[2] == "#2ca02c"  # interact has its own colour
    assert colours[4:] == [CRM_COLOR] * 3
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Model IDIC", "Tahapan CRM"]
    assert legend.get_title().get_text() == "Theme"


def test_plot_theme_frequencies_gap_between_themes(freq, codebook):
    ax = plots.plot_theme_frequencies(freq, codebook=codebook)
    ys = [p.get_y() for p in ax.patches]
    steps = [round(b - a, 3) for a, b in itertools.pairwise(ys)]
    assert steps == [1.0, 1.0, 1.0, 1.6, 1.0, 1.0]


def test_plot_theme_frequencies_values_written_on_bars(freq, codebook):
    ax = plots.plot_theme_frequencies(freq, codebook=codebook)
    texts = [t.get_text() for t in ax.texts]
    assert texts[2] == "2 (40%)" and texts[5] == "0 (0%)"
    ax2 = plots.plot_theme_frequencies(
        freq, value="share", title="Frekuensi", ax=plt.figure().gca()
    )
    assert [t.get_text() for t in ax2.texts][2] == "40%"
    assert ax2.get_title() == "Frekuensi"
    assert ax2.get_xlabel() == "Share of participant turns"


def test_plot_theme_frequencies_theme_level(codebook):
    data = reports.theme_frequencies(make_turns(), make_codings(), codebook)
    ax = plots.plot_theme_frequencies(data, codebook=codebook)
    assert [p.get_width() for p in ax.patches] == [3.0, 3.0]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [IDIC_COLOR, CRM_COLOR]


def test_plot_theme_frequencies_errors(freq):
    with pytest.raises(QualcodeError, match="needs column"):
        plots.plot_theme_frequencies(freq.drop(columns=["theme"]))
    with pytest.raises(QualcodeError, match="empty"):
        plots.plot_theme_frequencies(freq.iloc[:0])


def test_plot_code_interview_heatmap(codebook):
    matrix = reports.code_interview_matrix(make_turns(), make_codings(), codebook)
    ax = plots.plot_code_interview_heatmap(matrix)
    image = ax.images[0]
    assert image.get_array().shape == (7, 2)
    assert image.get_array()[6, 0] == 1  # retain in Narasumber 1
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 14 and cells[12] == "1"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Narasumber 1", "Narasumber 2"]
    assert ax.get_yticklabels()[4].get_text() == "Acquire"  # label from matrix.attrs
    assert ax.get_xlabel() == "Interview"
    assert ax.get_title()


def test_plot_cooccurrence_counts_and_jaccard(codebook):
    counts = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook)
    ax = plots.plot_cooccurrence(counts, codebook=codebook)
    assert ax.images[0].get_array()[6, 6] == 2
    assert ax.get_yticklabels()[6].get_text() == "Retain"
    jac = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook, measure="jaccard")
    ax2 = plots.plot_cooccurrence(jac, ax=plt.figure().gca())
    texts = [t.get_text() for t in ax2.texts]
    assert "0.33" in texts and "–" in texts  # unused code: undefined
    assert ax2.figure.axes[-1].get_ylabel() == "Jaccard index"


def test_plot_coder_comparison(codebook):
    data = reports.coder_counts(make_turns(), make_codings(), codebook)
    ax = plots.plot_coder_comparison(data)
    assert len(ax.containers) == 2
    rules, person = ax.containers
    assert [p.get_width() for p in rules.patches] == [1, 1, 2, 0, 1, 0, 2]
    assert [p.get_width() for p in person.patches] == [1, 0, 0, 1, 1, 0, 1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["rules", "rickxen"]
    assert to_hex(rules.patches[0].get_facecolor()) != to_hex(person.patches[0].get_facecolor())


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_figure_by_extension(freq, tmp_path, suffix):
    ax = plots.plot_theme_frequencies(freq)
    path = plots.save_figure(ax, tmp_path / "sub" / f"chart{suffix}")
    head = path.read_bytes()[:200]
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert head.startswith(magic)


def test_save_figure_png_is_300_dpi(freq, tmp_path):
    from PIL import Image

    ax = plots.plot_theme_frequencies(freq)
    path = plots.save_figure(ax, tmp_path / "chart.png")
    with Image.open(path) as img:
        assert round(img.info["dpi"][0]) == 300


def test_save_figure_rejects_unknown_extension(freq, tmp_path):
    ax = plots.plot_theme_frequencies(freq)
    with pytest.raises(QualcodeError, match=r"'\.jpg'.*\.png, \.svg, \.pdf"):
        plots.save_figure(ax, tmp_path / "chart.jpg")


def test_render_chart_outside_pyplot(freq, tmp_path):
    before = plt.get_fignums()
    svg = plots.render_chart(
        plots.plot_theme_frequencies, freq, paths=[tmp_path / "c.png"], format="svg"
    )
    assert svg is not None and b"<svg" in svg
    assert (tmp_path / "c.png").exists()
    assert plt.get_fignums() == before  # no pyplot figure left open


def test_importing_qualcode_does_not_import_pyplot():
    code = (
        "import sys, qualcode, qualcode.plots, qualcode.reports; "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plot_code_interview_heatmap_many_interviews_labels_every_nth():
    import numpy as np
    import pandas as pd

    matrix = pd.DataFrame(
        np.arange(7 * 100).reshape(7, 100) % 5,
        index=pd.Index([f"c{i}" for i in range(7)], name="code"),
        columns=[f"Narasumber {i}" for i in range(100)],
    )
    ax = plots.plot_code_interview_heatmap(matrix)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    shown = [lab for lab in labels if lab]
    assert len(labels) == 100 and len(shown) <= plots.MAX_TICKS
    assert shown[0] == "Narasumber 0" and labels[1] == ""
    assert not ax.texts  # 700 cells: no numbers written
