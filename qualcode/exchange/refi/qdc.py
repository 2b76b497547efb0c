"""REFI-QDA codebook files (``.qdc``): :func:`write_qdc` and :func:`read_qdc`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from qualcode._version import __version__
from qualcode.codebook import Codebook
from qualcode.errors import ExchangeError
from qualcode.exchange.refi.codes import CodeTreeReader, codebook_guids, write_codes
from qualcode.exchange.refi.guids import NAMESPACE
from qualcode.exchange.refi.safety import parse_xml
from qualcode.exchange.refi.xmlout import attr
from qualcode.fileio import write_atomic

__all__ = ["CODEBOOK_NS", "MAX_QDC_BYTES", "PROJECT_NS", "RefiCodebook", "read_qdc", "write_qdc"]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: the most bytes :func:`read_qdc` reads from a codebook file
MAX_QDC_BYTES = 256 * 1024**2


@dataclass(frozen=True)
class RefiCodebook:
    """A codebook read from REFI-QDA.

    Attributes
    ----------
    codebook : Codebook
        Themes and codes (names made unique; see :mod:`qualcode.exchange.refi.codes`).
    code_guids : dict of str to str
        Code (and theme) name -> the GUID it has in the file; pass it back to
        :func:`write_qdc` / :func:`~qualcode.exchange.refi.write_qdpx` to keep the GUIDs.
    """

    codebook: Codebook
    code_guids: dict[str, str] = field(default_factory=dict)


class _QdcHandler:
    """Collect the ``Code`` tree of a codebook file (elements of other namespaces skipped)."""

    def __init__(self, path: Path) -> None:
        self.codes = CodeTreeReader(path, path.name)
        self.found = False
        self._skip = 0
        self._parents: list[str] = []

    def start(self, name: str | None, attrs: dict[str, str]) -> None:
        if self._skip or name is None:
            self._skip += 1
            return
        parent = self._parents[-1] if self._parents else None
        if name == "Codes":
            self.found = True
        elif name == "Code" and parent in ("Codes", "Code"):
            self.codes.start(attrs)
        elif name == "Code":
            name = "Code (elsewhere)"  # a Code outside the tree (inside an unknown element)
        self._parents.append(name)

    def end(self, name: str | None, text: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        if self._parents.pop() == "Code":
            self.codes.end()
        elif name == "Description" and self._parents[-1:] == ["Code"]:
            self.codes.description(text)


def write_qdc(
    codebook: Codebook,
    path: str | Path,
    *,
    code_guids: Mapping[str, str] | None = None,
    namespace: uuid.UUID | None = None,
) -> Path:
    """Write a codebook as a REFI-QDA codebook file (``.qdc``, QDA-XML codebook 1.0).

    Parameters
    ----------
    codebook : Codebook
        The codebook; themes become non-codable ``Code`` elements holding their codes.
    path : str or Path
        The file to write.
    code_guids : mapping of str to str, optional
        Code or theme name -> GUID to use (for example ``read_qdc(...).code_guids``); other
        names get a stable GUID derived from ``namespace`` and the name.
    namespace : uuid.UUID, optional
        Namespace of the derived GUIDs (default :data:`~qualcode.exchange.refi.guids.NAMESPACE`).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from qualcode.codebook import Code, Theme
    >>> cb = Codebook(themes=(Theme("crm", codes=(Code("retain", theme="crm"),)),))
    >>> out = write_qdc(cb, Path(tempfile.mkdtemp()) / "crm.qdc")
    >>> read_qdc(out).codebook.code_names
    ('retain',)
    """
    codes, themes = codebook_guids(codebook, namespace or NAMESPACE, code_guids)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write('<?xml version="1.0" encoding="utf-8"?>\n')
            fh.write(f'<CodeBook xmlns="{CODEBOOK_NS}" origin={attr("qualcode " + __version__)}>')
            for piece in write_codes(codebook, codes, themes):
                fh.write(piece)
            fh.write("</CodeBook>\n")

    return write_atomic(path, write)  # renamed into place when complete


def read_qdc(path: str | Path) -> RefiCodebook:
    """Read a REFI-QDA codebook file (``.qdc``), or the codebook of a ``project.qde``.

    Parameters
    ----------
    path : str or Path
        A ``.qdc`` file written by qualcode, NVivo, ATLAS.ti, MAXQDA, QualCoder...

    Returns
    -------
    RefiCodebook
        The codebook (named after the file) and the GUID of each code.

    Raises
    ------
    ExchangeError
        If the file is missing, too large, not well-formed XML, declares entities, has no
        ``Codes`` element, or a code without a name.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as err:
        raise ExchangeError("file not found", path=p) from err
    if size > MAX_QDC_BYTES:
        msg = f"{size:,} bytes is more than a codebook needs (limit {MAX_QDC_BYTES:,}); refusing it"
        raise ExchangeError(msg, path=p)
    reader = _QdcHandler(p)
    with p.open("rb") as fh:
        parse_xml(fh, reader, path=p, entry=p.name)
    found = reader.found
    if not found:
        msg = f"{p.name} has no <Codes> element; expected a REFI-QDA codebook (.qdc)"
        raise ExchangeError(msg, path=p)
    codebook, guids, _ = reader.codes.build()
    return RefiCodebook(replace(codebook, name=p.stem, source=p), guids)
