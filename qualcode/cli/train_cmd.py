"""``qualcode train``: learn a codebook from human codings; save the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from qualcode.cli.app import app
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.codebook import Codebook

SEEN_HELP = (
    "Which turns count as labelled: interview (every turn of an interview with any coding), "
    "all (every turn), coded (only turns with a code)."
)


def load_turns(path: Path) -> pd.DataFrame:
    """Read a turns table or transcript files into a turns table."""
    from qualcode.transcripts import read_turns

    return read_turns([path])


def load_codebook(path: Path | None) -> Codebook | None:
    """Read the codebook file if one is given."""
    if path is None:
        return None
    from qualcode.codebook import read_codebook

    return read_codebook(path)


def load_codings(
    paths: list[Path], *, turns: pd.DataFrame | None, codebook: Codebook | None
) -> pd.DataFrame:
    """Read and concatenate human codings files (long or wide)."""
    from qualcode.coding.human import read_codings

    frames = [read_codings(p, turns=turns, codebook=codebook) for p in paths]
    return pd.concat(frames, ignore_index=True)


def check_seen(seen: str) -> str:
    """Validate the --seen option."""
    if seen not in ("interview", "all", "coded"):
        msg = f"--seen must be interview, all or coded, got {seen!r}"
        raise QualcodeError(msg)
    return seen


def format_table(table: pd.DataFrame) -> str:
    """Render a result table for the terminal (3 decimals, NaN as 'n/a')."""
    return table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="n/a")


@app.command("train")
def train_command(
    turns: Annotated[Path, typer.Option("--turns", help="Turns table or transcript file.")],
    codings: Annotated[
        list[Path], typer.Option("--codings", help="Human codings, long or wide (repeatable).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Model file to write (e.g. model.qcm).")],
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook YAML (default: codes found).")
    ] = None,
    exclusive: Annotated[
        bool, typer.Option("--exclusive", help="Without a codebook: one code per turn.")
    ] = False,
    seen: Annotated[str, typer.Option("--seen", help=SEEN_HELP)] = "interview",
    all_speakers: Annotated[
        bool, typer.Option("--all-speakers", help="Learn from every role's turns.")
    ] = False,
) -> None:
    """Train a classifier on a researcher's codings and save it with its codebook."""
    from qualcode.coding.suggest import train_model

    if codebook is not None and exclusive:
        raise QualcodeError("give either --codebook or --exclusive, not both")
    book = load_codebook(codebook)
    table = load_turns(turns)
    human = load_codings(codings, turns=table, codebook=book)
    model = train_model(
        table,
        human,
        codebook=book,
        exclusive=exclusive,
        seen=check_seen(seen),  # type: ignore[arg-type]
        all_speakers=all_speakers,
    )
    path = model.save(out)
    typer.echo(
        f"Trained on {len(human)} codings of {len(model.classes_)} codes "
        f"({model.n_features_} features). Wrote {path}"
    )
