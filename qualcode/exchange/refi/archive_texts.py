"""The texts inside a REFI-QDA archive: its project file, its sources' and notes' plain text.

Sources are read from the archive's ``sources/`` folder (``internal://``, a bare name, or
``relative://``), or for ``relative://`` beside the ``.qdpx`` (also in ``<name> Media/``),
never outside that folder; ``absolute://`` paths are refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from qualcode.errors import ExchangeError, ExchangeWarning
from qualcode.exchange.refi.notes import NoteIn
from qualcode.exchange.refi.qde import SourceIn
from qualcode.exchange.refi.safety import SafeArchive, decode_text, is_safe_name

__all__ = ["find_qde", "note_text", "source_text"]


def find_qde(archive: SafeArchive) -> str:
    """The archive entry of the project file: ``project.qde``, else the one ``*.qde`` at the top."""
    entry = archive.find("project.qde")
    if entry is not None:
        return entry
    tops = [n for n in archive.names if "/" not in n and n.lower().endswith(".qde")]
    if len(tops) == 1:
        return tops[0]
    found = ", ".join(archive.names[:8]) or "nothing"
    msg = f"no project.qde in the archive (it holds {found}); expected a REFI-QDA project"
    raise ExchangeError(msg, path=archive.path)


def source_text(archive: SafeArchive, src: SourceIn, qdpx: Path) -> str | None:
    """The plain text of a source, or None (with a warning) when it cannot be had."""
    if src.content is not None and not src.plain:
        return src.content
    ref = (src.plain or "").strip()
    label = src.name or src.guid
    if not ref:
        kind = f" (only {src.rich})" if src.rich else ""
        warnings.warn(
            f"{qdpx}: source {label!r} has no plain text{kind}; it is not imported",
            ExchangeWarning,
            stacklevel=4,
        )
        return None
    scheme, sep, rest = ref.partition("://")
    if not sep:
        scheme, rest = "internal", ref
    scheme = scheme.lower()
    rest = rest.lstrip("/")
    if scheme not in ("internal", "relative"):
        msg = (
            f"source {label!r} is at {ref!r}, outside the archive; refusing the file (only "
            "sources inside the .qdpx, or relative:// beside it, are read)"
        )
        raise ExchangeError(msg, path=qdpx)
    if not is_safe_name(rest):
        msg = f"source {label!r} has the path {ref!r}, which escapes the archive; refusing it"
        raise ExchangeError(msg, path=qdpx)
    names = [f"sources/{rest}", rest, f"sources/{Path(rest).name}"]
    for candidate in names:
        entry = archive.find(candidate)
        if entry is not None:
            return decode_text(archive.read(entry), path=qdpx, entry=entry)
    if scheme == "relative":
        base = qdpx.resolve().parent
        for folder in (base, base / f"{qdpx.stem} Media"):
            candidate_path = (folder / rest).resolve()
            if candidate_path.is_relative_to(folder) and candidate_path.is_file():
                size = candidate_path.stat().st_size
                if size > archive.max_entry_bytes:
                    msg = (
                        f"source {label!r} at {candidate_path} has {size:,} bytes, more than "
                        f"the limit of {archive.max_entry_bytes:,} for one source"
                    )
                    raise ExchangeError(msg, path=qdpx)
                archive.charge(size, str(candidate_path))
                data = candidate_path.read_bytes()
                return decode_text(data, path=qdpx, entry=str(candidate_path))
    msg = (
        f"source {label!r} refers to {ref!r}, which is not in the archive; expected "
        "sources/<file> inside the .qdpx"
    )
    raise ExchangeError(msg, path=qdpx)


def note_text(archive: SafeArchive, note: NoteIn, qdpx: Path) -> str:
    """A note's text: its PlainTextContent, else its file, else its Description."""
    if note.content is not None and note.content.strip():
        return note.content
    if note.plain:
        src = SourceIn(note.guid, note.name, note.plain, None)
        found = source_text(archive, src, qdpx)
        if found is not None and found.strip():
            return found
    return note.description or ""
