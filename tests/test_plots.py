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
from qualcode.plots.heatmaps import size_heatmap

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
    patches = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert patches == [colours[0], colours[4]]  # the colour of each theme's first bar
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
    image = ax.images[0].get_array()
    assert image.mask[6, 6] and not image.mask[6, 0]  # the diagonal is not coloured
    texts = [t.get_text() for t in ax.texts]
    assert texts[6 * 7 + 6] == "(2)"  # retain: turns with the code, in brackets
    assert ax.get_yticklabels()[6].get_text() == "Retain"
    jac = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook, measure="jaccard")
    ax2 = plots.plot_cooccurrence(jac, ax=plt.figure().gca())
    texts = [t.get_text() for t in ax2.texts]
    assert "0.33" in texts and texts[5 * 7 + 5] == ""  # no counts to show on the diagonal
    assert ax2.figure.axes[-1].get_ylabel() == "Jaccard index (both / either)"


def test_plot_cooccurrence_pairs_set_the_colour_scale(codebook):
    import numpy as np

    counts = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook)
    values = counts.to_numpy()
    off = values[~np.eye(len(values), dtype=bool)]
    assert values.diagonal().max() > off.max()  # the diagonal would wash the pairs out
    ax = plots.plot_cooccurrence(counts)
    norm = ax.images[0].norm
    assert (norm.vmin, norm.vmax) == (off.min(), off.max())


def test_plot_cooccurrence_jaccard_from_counts(codebook):
    import numpy as np

    turns, codings = make_turns(), make_codings()
    counts = reports.cooccurrence_matrix(turns, codings, codebook)
    jac = reports.cooccurrence_matrix(turns, codings, codebook, measure="jaccard")
    ax = plots.plot_cooccurrence(counts, measure="jaccard")
    drawn = ax.images[0].get_array()
    expected = np.ma.masked_invalid(jac.to_numpy().copy())
    np.fill_diagonal(expected, np.ma.masked)
    off = ~np.eye(len(jac), dtype=bool) & ~np.isnan(jac.to_numpy())
    np.testing.assert_allclose(drawn[off], jac.to_numpy()[off])
    assert ax.texts[0].get_text() == "(1)"  # diagonal keeps the counts
    assert ax.figure.axes[-1].get_ylabel().startswith("Jaccard")


@pytest.mark.parametrize(
    ("measure", "match"),
    [("lift", "unknown measure 'lift'"), ("count", "needs a count matrix")],
)
def test_plot_cooccurrence_rejects_measure(codebook, measure, match):
    jac = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook, measure="jaccard")
    with pytest.raises(QualcodeError, match=match):
        plots.plot_cooccurrence(jac, measure=measure)


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


# --- labels never overlap ----------------------------------------------------------------
def _overlapping(labels) -> list[tuple[str, str]]:
    """Pairs of drawn, non-empty tick labels whose boxes overlap (1 pixel of slack)."""
    fig = labels[0].figure
    renderer = fig.canvas.get_renderer()
    boxes = [
        (t.get_text(), t.get_window_extent(renderer).expanded(1.0, 1.0).padded(-0.5))
        for t in labels
        if t.get_text() and t.get_visible()
    ]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b)
    ]


def _interview_matrix(names):
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        np.arange(7 * len(names)).reshape(7, len(names)) % 4,
        index=pd.Index(
            ["identify", "differentiate", "interact", "customize", "acquire", "enhance", "retain"],
            name="code",
        ),
        columns=names,
    )


NAME_SETS = {
    "sample": [f"magnus_interviews/Narasumber {i}" for i in (1, 2, 3)]
    + ["magnus_interviews/Wawancara tambahan (22 Mei 2023) - Narasumber 1"],
    "long": [
        f"interviews_2024/site_{i}/Informan dengan nama yang sangat panjang nomor {i}"
        for i in range(6)
    ],
    "one_word": ["ThisIsAnInterviewNameWithoutAnySpacesAtAll_" + str(i) for i in range(5)],
    "many": [f"Narasumber {i}" for i in range(30)],
    "very_many": [f"magnus/Informan {i:03d} (kantor Jakarta)" for i in range(120)],
}


@pytest.mark.parametrize("names", NAME_SETS.values(), ids=NAME_SETS.keys())
@pytest.mark.parametrize("where", ["pyplot", "render", "small_axes"])
def test_plot_code_interview_heatmap_labels_never_overlap(codebook, names, where):
    from matplotlib.figure import Figure

    matrix = _interview_matrix(names)
    if where == "pyplot":
        ax = plots.plot_code_interview_heatmap(matrix, codebook=codebook)
    elif where == "render":  # as render_chart (the report and the appendix) draws it
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = Figure(figsize=size_heatmap(matrix, codebook=codebook), layout="constrained")
        FigureCanvasAgg(fig)
        ax = plots.plot_code_interview_heatmap(matrix, codebook=codebook, ax=fig.add_subplot())
    else:  # one panel of a user's figure, no layout engine
        fig = plt.figure(figsize=(8, 4))
        ax = plots.plot_code_interview_heatmap(
            matrix, codebook=codebook, ax=fig.add_subplot(1, 2, 2)
        )
    ax.figure.canvas.draw()
    labels = ax.get_xticklabels()
    shown = [t.get_text() for t in labels if t.get_text()]
    assert shown, "no interview is labelled"
    assert not _overlapping(labels)
    assert not _overlapping(ax.get_yticklabels())
    assert not any(t.startswith("magnus") for t in shown)  # the shared folder is dropped


def test_plot_code_interview_heatmap_sample_labels_are_whole_and_horizontal(codebook):
    matrix = _interview_matrix(NAME_SETS["sample"])
    ax = plots.plot_code_interview_heatmap(matrix, codebook=codebook)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["Narasumber 1", "Narasumber 2", "Narasumber 3"]
    assert labels[3].replace("\n", " ") == "Wawancara tambahan (22 Mei 2023) - Narasumber 1"
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {0.0}


def test_plot_cooccurrence_code_labels_never_overlap(codebook):
    counts = reports.cooccurrence_matrix(make_turns(), make_codings(), codebook)
    for ax in (
        plots.plot_cooccurrence(counts, codebook=codebook),
        plots.plot_cooccurrence(counts, codebook=codebook, ax=plt.figure(figsize=(4, 4)).gca()),
    ):
        ax.figure.canvas.draw()
        assert not _overlapping(ax.get_xticklabels())
        assert not _overlapping(ax.get_yticklabels())


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a/b/N 1", "a/b/N 2"], ["N 1", "N 2"]),
        (["a/N 1", "a/N 10"], ["N 1", "N 10"]),  # prefix "a/N 1" is cut at the slash only
        (["x\\N 1", "x\\N 2"], ["N 1", "N 2"]),
        (["a/", "a/b"], ["a/", "a/b"]),  # would leave an empty name
        (["N 1", "N 2"], ["N 1", "N 2"]),
        (["a/only"], ["only"]),
        ([], []),
    ],
)
def test_short_names(names, expected):
    assert plots.short_names(names) == expected


# --- one language per chart, ax in and out --------------------------------------------------
def _all_texts(ax) -> list[str]:
    fig = ax.figure
    out = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    out += [other.get_ylabel() for other in fig.axes if other is not ax]  # colour bars
    legend = ax.get_legend()
    if legend is not None:
        out.append(legend.get_title().get_text())
    return [t for t in out if t]


def _charts(codebook):
    turns, codings = make_turns(), make_codings()
    return {
        "theme_frequencies": (
            plots.plot_theme_frequencies,
            reports.code_frequencies(turns, codings, codebook),
        ),
        "share": (
            plots.plot_theme_frequencies,
            reports.code_frequencies(turns, codings, codebook),
            {"value": "share"},
        ),
        "code_by_interview": (
            plots.plot_code_interview_heatmap,
            reports.code_interview_matrix(turns, codings, codebook),
        ),
        "share_by_interview": (
            plots.plot_code_interview_heatmap,
            reports.code_interview_matrix(turns, codings, codebook, value="share"),
        ),
        "cooccurrence": (
            plots.plot_cooccurrence,
            reports.cooccurrence_matrix(turns, codings, codebook),
        ),
        "jaccard": (
            plots.plot_cooccurrence,
            reports.cooccurrence_matrix(turns, codings, codebook, measure="jaccard"),
        ),
        "coders": (plots.plot_coder_comparison, reports.coder_counts(turns, codings, codebook)),
    }


CHARTS = [
    "theme_frequencies",
    "share",
    "code_by_interview",
    "share_by_interview",
    "cooccurrence",
    "jaccard",
    "coders",
]


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_speaks_one_language(codebook, chart):
    from qualcode.languages import texts

    plot, data, *extra = _charts(codebook)[chart]
    kwargs = extra[0] if extra else {}
    english = set(texts("en").values())
    indonesian = set(texts("id").values())
    ax_id = plot(data, ax=plt.figure().gca(), lang="id", **kwargs)
    ax_en = plot(data, ax=plt.figure().gca(), lang="en", **kwargs)
    got_id, got_en = _all_texts(ax_id), _all_texts(ax_en)
    assert len(got_id) >= 2 and len(got_id) == len(got_en)
    assert all(t in indonesian for t in got_id), got_id
    assert all(t in english for t in got_en), got_en
    assert not set(got_id) & set(got_en) - {"Interview"}  # nothing stays English


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_draws_on_the_given_axes_and_returns_it(codebook, chart):
    plot, data, *extra = _charts(codebook)[chart]
    fig, (left, right) = plt.subplots(1, 2)
    assert plot(data, ax=right, **(extra[0] if extra else {})) is right
    assert not left.has_data() and right.has_data()
    made = plot(data, **(extra[0] if extra else {}))  # without ax: a new figure
    assert made.figure is not fig


def test_chart_texts_can_be_replaced_or_left_out(freq):
    ax = plots.plot_theme_frequencies(freq, lang="id", title="", xlabel="Jumlah")
    assert ax.get_title() == "" and ax.get_xlabel() == "Jumlah"


def test_report_charts_follow_the_language(tmp_path):
    from qualcode.exchange.html import report_charts

    tables = reports.report_tables(make_turns(), make_codings(), make_codebook())
    svgs, _ = report_charts(tables, make_codebook(), lang="id")
    assert set(svgs) == {
        "theme_frequencies",
        "code_by_interview",
        "cooccurrence",
        "coder_comparison",
    }
    for name, (_caption, svg) in svgs.items():
        text = svg.decode()
        for english in (
            "Coded turns",
            "Turns with both codes",
            "Turns coded",
            "Theme<",
            "Share of participant",
        ):
            assert english not in text, (name, english)
    assert "Giliran dengan kedua kode" in svgs["cooccurrence"][1].decode()
    assert svgs["cooccurrence"][0] == "Kode yang diberikan pada giliran yang sama"


def test_chart_texts_exist_in_every_language():
    from qualcode import languages

    en = set(languages.texts("en"))
    for lang in languages.LANGUAGES:
        assert set(languages.texts(lang)) == en, lang
        assert languages.texts(lang)["lang"] == lang


@pytest.mark.parametrize("figsize", [None, (5, 3)])
def test_plot_code_interview_heatmap_many_codes_row_labels_never_overlap(figsize):
    import numpy as np
    import pandas as pd

    codes = [f"code {i}: a label long enough to wrap onto a second line" for i in range(45)]
    matrix = pd.DataFrame(
        np.ones((45, 3), dtype="int64"), index=pd.Index(codes, name="code"), columns=list("abc")
    )
    ax = None if figsize is None else plt.figure(figsize=figsize, layout="constrained").gca()
    ax = plots.plot_code_interview_heatmap(matrix, ax=ax)
    ax.figure.canvas.draw()
    assert ax.get_yticklabels()[0].get_text().startswith("code 0")
    assert not _overlapping(ax.get_yticklabels())
    assert not _overlapping(ax.get_xticklabels())


def test_report_cooccurrence_measure_from_the_command_line(tmp_path, capsys):
    from qualcode.cli import main
    from qualcode.codebook import write_codebook
    from qualcode.tables import write_table

    turns = write_table(make_turns(), tmp_path / "turns.csv")
    codings = write_table(make_codings(), tmp_path / "codings.csv")
    book = write_codebook(make_codebook(), tmp_path / "codebook.yaml")
    args = ["report", "--turns", str(turns), "--codings", str(codings), "--codebook", str(book)]
    out = tmp_path / "report"
    assert (
        main([*args, "--out", str(out), "--chart-format", "svg", "--cooccurrence", "jaccard"]) == 0
    )
    assert "Jaccard index" in (out / "charts" / "cooccurrence.svg").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "bad"), "--cooccurrence", "lift"]) == 1
    err = capsys.readouterr().err
    assert "Error: unknown co-occurrence measure 'lift'; expected one of count, jaccard" in err
    assert not (tmp_path / "bad").exists()  # refused before writing anything


_RENDER_HEATMAP = """
import sys
import pandas as pd
from qualcode import plots
m = pd.DataFrame({"N1": [2, 0], "N2": [1, 3]}, index=pd.Index(["identify", "retain"], name="code"))
plots.render_chart(plots.plot_code_interview_heatmap, m, paths=[sys.argv[1]])
"""


def test_svg_is_the_same_bytes_in_another_process(tmp_path):
    # matplotlib salts SVG element ids with a random uuid per process; a report drawn twice
    # (or by another machine) must give the same file
    files = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for f in files:
        subprocess.run([sys.executable, "-c", _RENDER_HEATMAP, str(f)], check=True, timeout=120)
    assert files[0].read_bytes() == files[1].read_bytes()


def test_heatmap_svg_holds_one_pixel_per_cell(tmp_path):
    import base64
    import io
    import re

    import pandas as pd
    from PIL import Image

    m = pd.DataFrame({"N1": [2, 0, 1], "N2": [1, 3, 0]}, index=pd.Index(["a", "b", "c"]))
    svg = plots.render_chart(plots.plot_code_interview_heatmap, m, format="svg")
    png = re.search(rb'xlink:href="data:image/png;base64,\s*([^"]+)"', svg).group(1)
    cells = Image.open(io.BytesIO(base64.b64decode(png)))
    assert cells.size == (2, 3)  # not resampled to the page: the viewer scales it, crisp
    assert b"image-rendering:pixelated" in svg
