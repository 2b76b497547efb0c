"""The workbench refuses what it must: no token, a foreign Host, missing CSRF, other sites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode.project import Project
from qualcode.web import build_app
from qualcode.web.security import TOKEN_COOKIE, csrf_token, new_token
from tests._projectdata import copy_project
from tests._webdata import BASE, CSRF, PORT, TOKEN, TURN, client, post


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path_factory.mktemp("web-security"), tmp_path_factory)


def test_security_token_refused_without_it(project: Path) -> None:
    c = client(project, login=False)
    for path in ("/", "/interview?name=x", "/static/workbench.js", "/codes.css"):
        r = c.get(path)
        assert r.status_code == 403
        assert "token" in r.text
    assert post(c, "/code", {"turn_id": TURN, "code": "identify"}).status_code == 403


def test_security_token_wrong_refused(project: Path) -> None:
    c = client(project, login=False)
    r = c.get("/?token=wrong", follow_redirects=False)
    assert r.status_code == 403
    c.cookies.set(TOKEN_COOKIE, "wrong")
    assert c.get("/").status_code == 403


def test_security_token_sets_strict_httponly_cookie_and_leaves_url(project: Path) -> None:
    c = client(project, login=False)
    r = c.get(f"/interview?name=a&token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/interview?name=a"
    cookie = r.headers["set-cookie"]
    assert f"{TOKEN_COOKIE}={TOKEN}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert c.get("/").status_code == 200


def test_security_foreign_host_refused(project: Path) -> None:
    c = client(project)
    for host in ("evil.example:8765", f"127.0.0.1:{PORT + 1}", "localhost"):
        r = c.get("/", headers={"host": host})
        assert r.status_code == 400
        assert "answers only to" in r.text
    assert c.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


def test_security_csrf_missing_or_wrong_refused_and_nothing_written(project: Path) -> None:
    c = client(project)
    before = Project.open(project).log()
    for token in (None, "0" * 64, csrf_token(new_token())):
        data = {"turn_id": TURN, "code": "identify"}
        if token is not None:
            data["csrf"] = token
        r = c.post("/code", data=data, headers={"hx-request": "true"})
        assert r.status_code == 403
        assert "CSRF" in r.text
    with Project.open(project) as p:
        assert len(p.log()) == len(before)


def test_security_post_from_another_origin_refused(project: Path) -> None:
    c = client(project)
    r = post(c, "/code", {"turn_id": TURN, "code": "identify"}, headers={"origin": "http://evil"})
    assert r.status_code == 403
    assert "another site" in r.text


def test_security_headers_csp_no_inline_script_no_framing(project: Path) -> None:
    c = client(project)
    r = c.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in r.text  # every script is a file: <script src=...>
    embedded = client(project, embedded=True).get("/")
    assert "frame-ancestors http://localhost:*" in embedded.headers["content-security-policy"]
    assert "x-frame-options" not in embedded.headers


def test_security_methods_other_than_get_post_refused(project: Path) -> None:
    c = client(project)
    assert c.request("DELETE", "/").status_code == 405
    assert c.put("/code").status_code == 405


def test_security_build_app_refuses_bad_project_and_coder(tmp_path: Path, project: Path) -> None:
    with pytest.raises(Exception, match="no such project"):
        build_app(tmp_path / "missing.qualcode")
    bad = tmp_path / "bad.qualcode"
    shutil.copy(Path(__file__), bad)
    with pytest.raises(Exception, match="not a qualcode project"):
        build_app(bad)
    with pytest.raises(Exception, match="person's name"):
        build_app(project, coder="rules")


def test_security_base_url_and_csrf_constants_agree() -> None:
    assert BASE.endswith(str(PORT))
    assert csrf_token(TOKEN) == CSRF
    assert len(new_token()) >= 40


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/interview?name=x&page=99999999999999999999999", None),
        ("get", "/codebook/code?name=retain&page=99999999999999999999999", None),
        ("get", "/search?q=klien&page=99999999999999999999999", None),
        ("get", "/review?i=99999999999999999999999", None),
        ("get", "/review?i=99999999999999999999999&origin=model", None),
        ("get", "/", None),
        ("post", "/codings/remove", {"coding_id": "99999999999999999999999"}),
        (
            "post",
            "/review/decide",
            {"suggestion_id": "99999999999999999999999", "decision": "accept"},
        ),
        ("post", "/decide", {"suggestion_id": "-99999999999999999999999", "decision": "accept"}),
        (
            "post",
            "/code",
            {"turn_id": TURN, "code": "retain", "span_start": "0", "span_end": "9" * 30},
        ),
        ("post", "/memo", {"about": "turn", "target": "x" * 5000, "text": "t"}),
        ("post", "/search/code-all", {"q": "klien", "code": "retain", "role": "boss"}),
        ("post", "/code", {"turn_id": "\x00", "code": "\u202e\ufeff"}),
    ],
)
def test_security_hostile_numbers_and_fields_are_4xx_not_500(
    project: Path, method: str, url: str, data: dict[str, str] | None
) -> None:
    c = client(project)
    r = c.get(url) if method == "get" else post(c, url, data or {})
    assert r.status_code < 500, r.text[:300]


def test_security_malformed_form_is_400(project: Path) -> None:
    c = client(project)
    for content_type, body in (
        ("multipart/form-data", b"--x\r\nnonsense"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
        ("application/x-www-form-urlencoded", b"%%%=%%%&csrf"),
    ):
        r = c.post("/code", content=body, headers={"content-type": content_type})
        assert 400 <= r.status_code < 500, (content_type, r.status_code, r.text[:200])
