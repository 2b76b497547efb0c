"""The project's codebook: its versions, and codes whose identity survives renames.

Codings refer to a code's *key*, not its name. A code's name lives in one alive ``codes`` row;
renaming retires that row and inserts one with the same key (and GUID) and the new name, so the
codings keep their code. The full codebook (definitions, keywords, themes) is stored as a YAML
version; each change adds a version.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from qualcode.codebook import Code, Codebook, Theme, dump_codebook, parse_codebook
from qualcode.errors import CodebookError, ProjectError
from qualcode.project import rows
from qualcode.project.schema import CODING_ROW

__all__ = [
    "delete",
    "guids",
    "key_of",
    "keys",
    "merge",
    "rename",
    "replace_codebook",
    "store_codebook",
]


def keys(con: sqlite3.Connection) -> dict[str, int]:
    """Code name -> key of the alive codes."""
    return {
        str(n): int(k)
        for n, k in con.execute("SELECT name, key FROM codes WHERE retired_batch IS NULL")
    }


def guids(con: sqlite3.Connection) -> dict[str, str]:
    """Code name -> GUID of the alive codes."""
    return {
        str(n): str(g)
        for n, g in con.execute("SELECT name, guid FROM codes WHERE retired_batch IS NULL")
    }


def key_of(con: sqlite3.Connection, name: str, *, path: Path, book: Codebook) -> int:
    """The key of code ``name``; a clear error naming the codes there are."""
    found = keys(con).get(name)
    if found is None:
        msg = f"no code named {name!r}; the codebook has {', '.join(book.code_names)}"
        raise ProjectError(msg, path=path)
    return found


def _code_guid(namespace: uuid.UUID, name: str) -> str:
    return str(uuid.uuid5(namespace, f"code:{name}"))


def _canonical_guid(guid: str) -> str:
    """A GUID as stored: lower case, no braces (tools write ``{ABC...}`` and ``abc...``)."""
    return guid.strip().strip("{}").lower()


def _add_version(con: sqlite3.Connection, book: Codebook, *, batch: int) -> None:
    old = [
        int(i)
        for (i,) in con.execute("SELECT id FROM codebook_versions WHERE retired_batch IS NULL")
    ]
    rows.retire(con, "codebook_versions", old, batch=batch)
    rows.insert(con, "codebook_versions", {"yaml": [dump_codebook(book)]}, batch=batch)


def store_codebook(
    con: sqlite3.Connection,
    book: Codebook,
    *,
    batch: int,
    namespace: uuid.UUID,
    code_guids: Mapping[str, str] | None = None,
) -> None:
    """Store ``book`` as the current version and give its new codes keys (and GUIDs)."""
    _add_version(con, book, batch=batch)
    known = keys(con)
    fresh = [c.name for c in book.codes if c.name not in known]
    start = int(con.execute("SELECT COALESCE(MAX(key), 0) + 1 FROM codes").fetchone()[0])
    given = code_guids or {}
    rows.insert(
        con,
        "codes",
        {
            "key": list(range(start, start + len(fresh))),
            "name": fresh,
            "guid": [_canonical_guid(given.get(n) or _code_guid(namespace, n)) for n in fresh],
        },
        batch=batch,
    )


def _alive_code_row(con: sqlite3.Connection, name: str) -> tuple[int, int, str]:
    row = con.execute(
        "SELECT id, key, guid FROM codes WHERE name = ? AND retired_batch IS NULL", (name,)
    ).fetchone()
    return int(row[0]), int(row[1]), str(row[2])


def _map_codes(book: Codebook, fn: object) -> Codebook:
    """A codebook whose codes are ``fn(code)`` (None drops the code)."""
    themes = []
    for theme in book.themes:
        codes = tuple(c for c in (fn(c) for c in theme.codes) if c is not None)  # type: ignore[operator]
        themes.append(dataclasses.replace(theme, codes=codes))
    return dataclasses.replace(book, themes=tuple(themes))


def _reparsed(book: Codebook) -> Codebook:
    """Check an edited codebook as if it were read from a file (names, parents, patterns)."""
    return parse_codebook(dump_codebook(book))


def rename(con: sqlite3.Connection, book: Codebook, old: str, new: str, *, batch: int) -> None:
    """Rename code ``old`` to ``new`` in the codebook and the codes table."""
    book.code(old)
    new = new.strip()
    if not new:
        raise CodebookError("a code needs a name; got an empty one")
    if new in book.code_names:
        msg = f"there is a code named {new!r} already; to combine the two codes, merge them"
        raise CodebookError(msg)

    def renamed(c: Code) -> Code:
        return dataclasses.replace(
            c,
            name=new if c.name == old else c.name,
            parent=new if c.parent == old else c.parent,
        )

    edited = _reparsed(_map_codes(book, renamed))
    row_id, key, guid = _alive_code_row(con, old)
    rows.retire(con, "codes", [row_id], batch=batch)
    rows.insert(con, "codes", {"key": [key], "name": [new], "guid": [guid]}, batch=batch)
    _add_version(con, edited, batch=batch)


def _codings_of(con: sqlite3.Connection, key: int) -> pd.DataFrame:
    cols = ["id", *CODING_ROW]
    found = con.execute(
        f"SELECT {', '.join(cols)} FROM codings WHERE code = ? AND retired_batch IS NULL "
        "ORDER BY id",
        (key,),
    ).fetchall()
    return pd.DataFrame.from_records(found, columns=cols)


def merge(con: sqlite3.Connection, book: Codebook, source: str, into: str, *, batch: int) -> int:
    """Merge code ``source`` into ``into``; return how many codings moved.

    Each coding of ``source`` becomes one of ``into`` unless the same coder already has that
    coding (same turn, status and span); sub-codes of ``source`` move under ``into``.
    """
    book.code(source)
    target = book.code(into)
    if source == into:
        raise CodebookError(f"cannot merge code {source!r} into itself")

    def merged(c: Code) -> Code | None:
        if c.name == source:
            return None
        if c.parent == source:
            return dataclasses.replace(c, parent=into, theme=target.theme)
        return c

    edited = _reparsed(_move_children(_map_codes(book, merged), into))
    src_row, src_key, _ = _alive_code_row(con, source)
    _, into_key, _ = _alive_code_row(con, into)
    moving = _codings_of(con, src_key)
    present = _codings_of(con, into_key)
    rows.retire(con, "codings", moving["id"].tolist(), batch=batch)
    rows.retire(con, "codes", [src_row], batch=batch)

    def key_of_row(r: pd.DataFrame) -> pd.Series:
        # a machine coder codes a turn once per code; a person's spans are codings of their own
        span = r["span_start"].astype(str) + "|" + r["span_end"].astype(str)
        return (
            r["turn"].astype(str)
            + "|"
            + r["coder"].astype(str)
            + "|"
            + r["status"].astype(str)
            + "|"
            + span.where(r["status"] != 0, "")
        )

    have = dict(zip(key_of_row(present), present["id"], strict=True)) if len(present) else {}
    plain = moving[moving["decides"].isna()]
    plain_keys = key_of_row(plain) if len(plain) else pd.Series(dtype=str)
    fresh = plain[~plain_keys.isin(have).to_numpy()] if len(plain) else plain
    cols = list(CODING_ROW)
    fresh = fresh.assign(code=into_key)
    new_ids = rows.insert(con, "codings", {c: fresh[c] for c in cols}, batch=batch)
    renumber = dict(zip(fresh["id"].tolist(), new_ids.tolist(), strict=True))
    for old_id, k in zip(plain["id"], plain_keys, strict=True):
        if k in have:
            renumber.setdefault(int(old_id), int(have[k]))
    decisions = moving[moving["decides"].notna()].copy()
    decisions["decides"] = decisions["decides"].astype("int64").map(renumber)
    decisions = decisions[decisions["decides"].notna()].assign(code=into_key)
    rows.insert(con, "codings", {c: decisions[c] for c in cols}, batch=batch)
    _add_version(con, edited, batch=batch)
    return len(fresh) + len(decisions)


def _move_children(book: Codebook, into: str) -> Codebook:
    """Put codes whose parent is ``into`` right after ``into``'s theme entry (file order)."""
    target = book.code(into)
    moved = [c for t in book.themes for c in t.codes if c.parent == into and c.theme != t.name]
    if not moved:
        return book
    themes: list[Theme] = []
    for t in book.themes:
        codes = [c for c in t.codes if c not in moved]
        if t.name == target.theme:
            codes += moved
        themes.append(dataclasses.replace(t, codes=tuple(codes)))
    return dataclasses.replace(book, themes=tuple(themes))


def delete(
    con: sqlite3.Connection, book: Codebook, name: str, *, force: bool, batch: int, path: Path
) -> int:
    """Delete code ``name`` (and, with ``force``, its codings); return how many codings went."""
    book.code(name)
    children = [c.name for c in book.codes if c.parent == name]
    if children:
        msg = f"code {name!r} has sub-codes ({', '.join(children)}); delete or merge them first"
        raise ProjectError(msg, path=path)
    row_id, key, _ = _alive_code_row(con, name)
    codings = _codings_of(con, key)
    if len(codings) and not force:
        people = int((codings["status"] != 0).sum())
        msg = (
            f"code {name!r} has {len(codings)} coding(s), {people} of them by people; "
            "delete it with --force to delete them too (undo brings them back)"
        )
        raise ProjectError(msg, path=path)
    rows.retire(con, "codings", codings["id"].tolist(), batch=batch)
    rows.retire(con, "codes", [row_id], batch=batch)
    edited = _reparsed(_map_codes(book, lambda c: None if c.name == name else c))
    _add_version(con, edited, batch=batch)
    return len(codings)


def replace_codebook(
    con: sqlite3.Connection,
    book: Codebook,
    *,
    force: bool,
    batch: int,
    path: Path,
    namespace: uuid.UUID,
    code_guids: Mapping[str, str] | None = None,
) -> int:
    """Make ``book`` the current codebook; return how many codings were retired with it."""
    gone = [n for n in keys(con) if n not in book.code_names]
    retired = 0
    for name in gone:
        row_id, key, _ = _alive_code_row(con, name)
        codings = _codings_of(con, key)
        if len(codings) and not force:
            msg = (
                f"the new codebook has no code {name!r}, which has {len(codings)} coding(s); "
                "rename or merge codes instead, or replace it with --force (undo brings "
                "them back)"
            )
            raise ProjectError(msg, path=path)
        retired += rows.retire(con, "codings", codings["id"].tolist(), batch=batch)
        rows.retire(con, "codes", [row_id], batch=batch)
    store_codebook(con, book, batch=batch, namespace=namespace, code_guids=code_guids)
    return retired
