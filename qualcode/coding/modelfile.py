"""The model file: a zip of ``model.json`` and ``arrays.npz``, with a checksum, never pickled.

:func:`write_model_file` writes the JSON fields and NumPy arrays of a fitted
:class:`~qualcode.coding.classifier.CodeClassifier` (through a temporary file renamed into
place); :func:`read_model_file` reads them back, refusing anything that is not such a file, was
modified after saving, or would need unpickling; :func:`check_codebook` refuses a model trained
on another codebook.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from qualcode.codebook import Code, Codebook, Theme
from qualcode.errors import ModelError
from qualcode.fileio import write_atomic

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "READABLE_VERSIONS",
    "check_codebook",
    "codebook_from_dict",
    "codebook_structure",
    "codebook_to_dict",
    "read_model_file",
    "write_model_file",
]

FORMAT = "qualcode-model"
FORMAT_VERSION = 4  # 4: sequence decoding of exclusive themes (3 is read: no sequence);
#                    3: per-code calibration and decision offsets of exclusive themes;
#                    2: own word/character encoder; 1: sklearn TfidfVectorizer state
READABLE_VERSIONS = (3, 4)
_MAX_MEMBER = 2 * 1024**3


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    """The codebook as JSON-ready data (without its source path)."""
    data = asdict(codebook)
    data.pop("source", None)
    return data


def codebook_from_dict(data: dict[str, Any]) -> Codebook:
    """The codebook stored by :func:`codebook_to_dict`."""
    themes = []
    for t in data["themes"]:
        codes = []
        for c in t["codes"]:
            fields = dict(c)
            for key in ("examples", "keywords", "patterns", "exclude_patterns"):
                fields[key] = tuple(fields.get(key, ()))
            fields["translations"] = _translations(fields.get("translations"))
            codes.append(Code(**fields))
        tfields = {k: v for k, v in t.items() if k != "codes"}
        tfields["translations"] = _translations(tfields.get("translations"))
        themes.append(Theme(**tfields, codes=tuple(codes)))
    return Codebook(
        name=data["name"],
        description=data.get("description", ""),
        languages=tuple(data.get("languages", ("en",))),
        themes=tuple(themes),
        language=data.get("language"),
        translations=_translations(data.get("translations")),
    )


def _translations(items: Any) -> tuple[tuple[str, str, str], ...]:
    """(field, language, text) triples from JSON lists (absent in older model files)."""
    return tuple((str(f), str(lang), str(text)) for f, lang, text in items or ())


def codebook_structure(
    codebook: Codebook,
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """What a model depends on: the code names (in order) and the exclusive themes."""
    return codebook.code_names, codebook.exclusive_groups


def write_model_file(path: str | Path, fields: dict[str, Any], arrays: dict[str, Any]) -> Path:
    """Write a model file: ``fields`` as ``model.json`` (after the format marker and version,
    before the arrays' checksum) and ``arrays`` as a compressed ``.npz``.

    Returns
    -------
    Path
        The file written.
    """
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    blob = buf.getvalue()
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        **fields,
        "arrays_sha256": hashlib.sha256(blob).hexdigest(),
    }

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("model.json", json.dumps(meta))
            zf.writestr("arrays.npz", blob)

    # through a temporary file renamed into place: a crash or a full disk while saving
    # leaves the model saved before intact, never half a model
    return write_atomic(path, write)


def read_model_file(p: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read the JSON fields and the arrays of a model file, safely (no pickle, checksum).

    Returns
    -------
    tuple of dict
        The fields of ``model.json`` and the arrays by name.

    Raises
    ------
    ModelError
        Not a qualcode model, a version not read, modified after saving, or holds pickled
        objects.
    """
    if not p.exists():
        raise ModelError("model file not found", path=p)
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            if names != {"model.json", "arrays.npz"}:
                msg = (
                    f"not a qualcode model: expected model.json and arrays.npz inside, "
                    f"found {', '.join(sorted(names)) or 'nothing'}"
                )
                raise ModelError(msg, path=p)
            if any(i.file_size > _MAX_MEMBER for i in zf.infolist()):
                raise ModelError("not a qualcode model: member too large", path=p)
            meta = json.loads(zf.read("model.json").decode("utf-8"))
            blob = zf.read("arrays.npz")
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"not a qualcode model file (expected a zip of model.json and arrays.npz): {err}"
        raise ModelError(msg, path=p) from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError("not a qualcode model (format marker missing)", path=p)
    if meta.get("version") not in READABLE_VERSIONS:
        msg = (
            f"model format version {meta.get('version')!r} is not supported "
            f"(expected {' or '.join(map(str, READABLE_VERSIONS))})"
        )
        raise ModelError(msg, path=p)
    if hashlib.sha256(blob).hexdigest() != meta.get("arrays_sha256"):
        msg = "the model's arrays do not match their checksum: the file was modified or damaged"
        raise ModelError(msg, path=p)
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k]) for k in npz.files}
    except ValueError as err:
        msg = f"the model holds data that would need unpickling; refused ({err})"
        raise ModelError(msg, path=p) from err
    return meta, arrays


def check_codebook(stored: Codebook, codebook: Codebook | None, p: Path) -> None:
    """Refuse a model whose stored codebook differs from ``codebook`` in codes or themes.

    Raises
    ------
    ModelError
        Naming the codes only in one of them, or saying that the order or themes differ.
    """
    if codebook is not None and codebook_structure(codebook) != codebook_structure(stored):
        missing = [c for c in stored.code_names if c not in codebook.code_names]
        extra = [c for c in codebook.code_names if c not in stored.code_names]
        detail = []
        if missing:
            detail.append(f"codes only in the model: {', '.join(missing)}")
        if extra:
            detail.append(f"codes only in the codebook given: {', '.join(extra)}")
        if not detail:
            detail.append("same codes, but different order or exclusive themes")
        msg = (
            f"the model was trained on another codebook ({stored.name!r}); "
            + "; ".join(detail)
            + ". Retrain it with `qualcode train` on this codebook."
        )
        raise ModelError(msg, path=p)
