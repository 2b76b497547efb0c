"""``project.workbench()`` / ``qc.workbench(project)``: the server in a background thread."""

from __future__ import annotations

import html
from pathlib import Path

import httpx2 as httpx
import pytest

import qualcode as qc
from qualcode.project import Project
from tests._projectdata import copy_project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path_factory.mktemp("web-jupyter"), tmp_path_factory)


def test_workbench_runs_in_background_shows_iframe_and_stops(project: Path) -> None:
    with Project.open(project) as p:
        bench = p.workbench(coder="ana")
    try:
        assert bench.running
        assert bench.url.startswith("http://localhost:") and "/?token=" in bench.url
        shown = bench._repr_html_()
        assert f'<iframe src="{html.escape(bench.url, quote=True)}"' in shown
        with httpx.Client(follow_redirects=True, timeout=10) as web:
            page = web.get(bench.url)
            assert page.status_code == 200
            assert "coding as <strong>ana</strong>" in page.text
            policy = page.headers["content-security-policy"]
            assert "frame-ancestors http://localhost:* http://127.0.0.1:*" in policy
    finally:
        bench.stop()
    assert not bench.running
    assert "stopped" in repr(bench)
    with pytest.raises(httpx.ConnectError):
        httpx.get(bench.url, timeout=2)


def test_workbench_from_the_package_takes_a_path(project: Path) -> None:
    bench = qc.workbench(project)
    try:
        with httpx.Client(follow_redirects=True, timeout=10) as web:
            page = web.get(bench.url)
            assert page.url.path == "/coder"  # no coder given: asked on the first visit
    finally:
        bench.stop()
    assert not bench.running
