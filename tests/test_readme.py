"""README's Python blocks run as written, in order, from the repository's folder."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_readme_has_library_blocks() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 2
    assert any("summarize_agreement" in b for b in blocks)


def test_readme_python_blocks_run_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the blocks use paths relative to the repository
    namespace: dict[str, object] = {"__name__": "readme"}
    for k, block in enumerate(_python_blocks(), start=1):
        code = compile(block, f"README.md python block {k}", "exec")
        exec(code, namespace)  # the README's own examples
    assert namespace["ana"]["coder"].nunique() == 1  # type: ignore[index]
