"""The readers on real dialogue data: SwDA test-split dialogues rendered as plain transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import read_transcripts, schema


def _render(dialogue: Path, folder: Path) -> list[tuple[str, str]]:
    """Write ``Speaker: text`` lines for one SwDA dialogue; return its (speaker, text) rows."""
    rows = []
    for line in dialogue.read_text(encoding="utf-8").splitlines():
        speaker, text, _tag = line.split("|")
        rows.append((speaker, text))
    lines = [f"{speaker}: {text}" for speaker, text in rows]
    (folder / f"{dialogue.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


@pytest.mark.parametrize("n_dialogues", [5])
def test_read_transcripts_swda_dialogues_one_turn_per_labelled_line(
    swda_dir: Path, tmp_path: Path, n_dialogues: int
) -> None:
    dialogues = sorted((swda_dir / "test").glob("*.txt"))[:n_dialogues]
    expected: dict[str, list[tuple[str, str]]] = {}
    for dialogue in dialogues:
        rows = _render(dialogue, tmp_path)
        # every labelled line is a turn (a label repeated by the same speaker starts a new
        # turn, as in the thesis transcripts); whitespace is normalised
        expected[dialogue.stem] = [(speaker, " ".join(text.split())) for speaker, text in rows]
    turns = read_transcripts(tmp_path)
    assert turns[schema.INTERVIEW].nunique() == n_dialogues
    assert turns[schema.TURN_ID].is_unique
    for stem, want in expected.items():
        got = turns[turns[schema.SOURCE] == f"{stem}.txt"]
        assert list(zip(got[schema.SPEAKER], got[schema.TEXT], strict=True)) == want
        assert list(got[schema.POSITION]) == list(range(1, len(want) + 1))
