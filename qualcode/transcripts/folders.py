"""Find the transcript files in files and folders, and name their interviews apart."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import interview_base
from qualcode.transcripts.detect import EXTENSIONS

__all__ = ["TRANSCRIPT_SUFFIXES", "find_transcripts", "interview_bases"]

#: file suffixes a folder is searched for
TRANSCRIPT_SUFFIXES = tuple(s for s in EXTENSIONS if s != ".parquet")


def find_transcripts(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the transcript files to read.

    A folder is searched (not recursively) for files with a transcript extension, sorted by
    name; hidden files and Word lock files (``~$...``) are skipped. Files given explicitly are
    kept whatever their extension. Duplicates are dropped.

    Raises
    ------
    TranscriptParseError
        If a path does not exist, or a folder holds no transcript files.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        msg = "no transcript paths given"
        raise TranscriptParseError(msg)
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()  # (device, inode): the same file by any path
    for item in items:
        p = Path(item)
        try:
            st = p.stat()
        except OSError as err:
            msg = "file not found"
            raise TranscriptParseError(msg, path=p) from err
        if stat.S_ISDIR(st.st_mode):
            with os.scandir(p) as entries:
                names = sorted(
                    (e.name, e)
                    for e in entries
                    if os.path.splitext(e.name)[1].lower() in TRANSCRIPT_SUFFIXES
                    and not e.name.startswith((".", "~$"))
                    and e.is_file()
                )
            if not names:
                msg = (
                    "folder holds no transcript files; expected files ending in "
                    f"{', '.join(TRANSCRIPT_SUFFIXES)}"
                )
                raise TranscriptParseError(msg, path=p)
            for name, entry in names:
                est = entry.stat()
                key = (est.st_dev, est.st_ino)
                if key not in seen:
                    seen.add(key)
                    out.append(p / name)
        elif (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            out.append(p)
    return out


def interview_bases(files: list[Path]) -> list[str]:
    """Interview id prefixes: file stems, disambiguated by folder and suffix when equal."""
    stems = [interview_base(f) for f in files]
    result = list(stems)
    counts = Counter(stems)
    dup = {s for s, n in counts.items() if n > 1}
    if dup:
        for k, f in enumerate(files):
            if stems[k] in dup:
                result[k] = f"{f.resolve().parent.name}-{stems[k]}"
        counts = Counter(result)
        dup2 = {s for s, n in counts.items() if n > 1}
        for k, f in enumerate(files):
            if result[k] in dup2:
                result[k] = f"{result[k]}-{f.suffix.lstrip('.').lower() or k + 1}"
        seen: dict[str, int] = {}
        for k, name in enumerate(result):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                result[k] = f"{name}-{seen[name]}"
    return result
