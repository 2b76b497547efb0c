"""``qualcode serve``: prints the URL with the token, serves it, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path

import httpx2 as httpx
import pytest

from tests._projectdata import copy_project
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path_factory.mktemp("web-serve"), tmp_path_factory)


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "serve", *args, "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for _ in range(10):
        line = proc.stdout.readline()
        found = re.search(r"http://\S+", line)
        if found:
            return proc, found.group(0)
    proc.kill()
    msg = f"no URL printed: {proc.communicate()}"
    raise AssertionError(msg)


def test_serve_prints_url_with_token_serves_and_stops_on_ctrl_c(project: Path) -> None:
    proc, url = _start(str(project), "--coder", "ana")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}", url)
        with httpx.Client(follow_redirects=True, timeout=10) as web:
            page = web.get(url)
            assert page.status_code == 200
            assert "coding as <strong>ana</strong>" in page.text
            assert web.get(url.split("?")[0]).status_code == 200  # the cookie now
            assert httpx.get(url.split("?")[0], timeout=10).status_code == 403  # no token
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Stopped." in out
    assert "Traceback" not in err


def test_serve_warns_on_a_network_host_and_refuses_a_bad_project(
    project: Path, tmp_path: Path
) -> None:
    proc, _ = _start(str(project), "--host", "0.0.0.0")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert "Warning: listening on 0.0.0.0: anyone on the network" in err
    missing = subprocess.run(
        [sys.executable, "-m", "qualcode", "serve", str(tmp_path / "no.qualcode"), "--no-browser"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ") and "no such project" in missing.stderr


def test_serve_package_ships_templates_and_vendored_htmx() -> None:
    web = resources.files("qualcode.web")
    names = {p.name for p in (web / "templates").iterdir()}
    assert {"base.html", "interview.html", "_turn.html"} <= names
    static = web / "static"
    assert (static / "htmx.min.js").read_text().startswith("var htmx=")
    assert "Zero-Clause BSD" in (static / "htmx.LICENSE").read_text()
    assert "2.0.11" in (static / "README.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"web/templates/*.html", "web/static/*"' in pyproject
