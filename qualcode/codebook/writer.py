"""Writing a codebook in its YAML format: :func:`dump_codebook`, :func:`write_codebook`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualcode.codebook.model import CODE_TEXTS, Code, Codebook

__all__ = ["dump_codebook", "write_codebook"]


class _FlowList(list):  # type: ignore[type-arg]
    """A list written in YAML flow style: ``[id, en]``."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def _put_texts(data: dict[str, Any], item: Any, keys: tuple[str, ...]) -> None:
    """Write each text as given: per language where it has translations, else plain."""
    for key in keys:
        given = {lang: text for f, lang, text in item.translations if f == key}
        if given:
            data[key] = given
        elif getattr(item, key):
            data[key] = getattr(item, key)


def _code_data(code: Code, children: dict[str | None, list[Code]]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": code.name}
    _put_texts(data, code, CODE_TEXTS)
    if code.examples:
        data["examples"] = list(code.examples)
    if code.keywords:
        data["keywords"] = _FlowList(code.keywords)
    if code.patterns:
        data["patterns"] = list(code.patterns)
    if code.exclude_patterns:
        data["exclude_patterns"] = list(code.exclude_patterns)
    if code.color:
        data["color"] = code.color
    kids = children.get(code.name, [])
    if kids:
        data["codes"] = [_code_data(k, children) for k in kids]
    return data


def _codebook_data(codebook: Codebook) -> dict[str, Any]:
    themes = []
    for theme in codebook.themes:
        tdata: dict[str, Any] = {"name": theme.name}
        _put_texts(tdata, theme, ("label", "description"))
        tdata["exclusive"] = theme.exclusive
        if theme.color:
            tdata["color"] = theme.color
        children: dict[str | None, list[Code]] = {}
        for code in theme.codes:
            children.setdefault(code.parent, []).append(code)
        tdata["codes"] = [_code_data(c, children) for c in children.get(None, [])]
        themes.append(tdata)
    data: dict[str, Any] = {"name": codebook.name}
    _put_texts(data, codebook, ("name", "description"))
    if codebook.language:
        data["language"] = codebook.language
    data["languages"] = _FlowList(codebook.languages)
    data["themes"] = themes
    return data


def dump_codebook(codebook: Codebook) -> str:
    """Return the YAML text of ``codebook`` (the format :func:`parse_codebook` reads)."""
    text: str = yaml.dump(
        _codebook_data(codebook),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        indent=2,
    )
    return text


def write_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` to a YAML file; reading it back gives an equal codebook.

    Parameters
    ----------
    codebook : Codebook
    path : str or Path
        Destination ``.yaml`` file (parent folders are created).

    Returns
    -------
    Path
        The file written.
    """
    from qualcode.fileio import write_atomic

    text = dump_codebook(codebook)
    # renamed into place when complete: a failure never leaves a truncated codebook
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
