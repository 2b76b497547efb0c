"""Reading a codebook file: the YAML format, or a REFI-QDA codebook (``.qdc``)."""

from __future__ import annotations

from pathlib import Path

from qualcode.codebook.model import Codebook
from qualcode.codebook.parser import parse_codebook
from qualcode.errors import CodebookError

__all__ = ["read_codebook"]


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook file: YAML, or a REFI-QDA codebook (``.qdc``).

    Parameters
    ----------
    path : str or Path
        A ``.yaml``/``.yml`` file in the format of docs/codebook.md, or a ``.qdc`` file written
        by NVivo, ATLAS.ti, MAXQDA, QualCoder or qualcode (read by
        :func:`qualcode.exchange.refi.read_qdc`; its codes' GUIDs are not kept).

    Returns
    -------
    Codebook
        With ``source`` set to ``path``.

    Raises
    ------
    CodebookError
        If the file is missing, not UTF-8, or invalid (see :func:`parse_codebook`).
    ExchangeError
        If a ``.qdc`` file is missing, too large or not a REFI-QDA codebook.
    """
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        # REFI-QDA's XML (and its safe parsing) lives in exchange/refi, above the codebook:
        # imported only when a .qdc is given (listed in scripts/check_layout.py)
        from qualcode.exchange.refi.qdc import read_qdc

        return read_qdc(path).codebook
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise CodebookError("codebook file not found", path=path) from err
    except IsADirectoryError as err:
        raise CodebookError("expected a codebook .yaml file, got a folder", path=path) from err
    except UnicodeDecodeError as err:
        raise CodebookError(f"the codebook is not UTF-8 text ({err.reason})", path=path) from err
    return parse_codebook(text, source=path)
