"""Security properties of the web app: CSRF, POST-only changes, upload limits, no traversal,
escaping, CSP, host check and the password of --public mode."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from web_helpers import Browser, finish_upload, make_client

from dunguard.home import Home
from dunguard.models import Case, LedgerEntry
from dunguard.testing import add_events, make_case, utc
from dunguard.web.security import CSP


def _post_routes(web: Browser) -> list[str]:
    from dunguard.web.routes import ROUTERS

    return [r.path for router in ROUTERS for r in router.routes if "POST" in getattr(r, "methods", set())]


def _fill(path: str, case_id: str) -> str:
    return path.replace("{case_id}", case_id).replace("{finding_id}", "1").replace("{evidence_id}", "1")


def test_every_post_route_needs_the_csrf_token(web: Browser, home: Home) -> None:
    case = make_case(home, "CSRF 测试")
    routes = _post_routes(web)
    assert "/cases" in routes and "/cases/{case_id}/delete" in routes and "/cases/{case_id}/evidence" in routes
    web.get("/cases")  # the browser has its cookie; the attacker's form lacks the token
    for path in routes:
        url = _fill(path, case.id)
        no_token = web.client.post(url, data={"title": "x", "confirm": "yes"}, follow_redirects=False)
        assert no_token.status_code == 403, url
        wrong = web.client.post(url, data={"csrf_token": "A" * 43, "title": "x", "confirm": "yes"},
                                follow_redirects=False)
        assert wrong.status_code == 403, url
        header = web.client.post(url, headers={"X-CSRF-Token": "B" * 43}, follow_redirects=False)
        assert header.status_code == 403, url
    with home.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1  # nothing was created or deleted


def test_token_without_cookie_is_refused(home: Home) -> None:
    with make_client(home) as other:
        resp = other.post("/cases", data={"csrf_token": "x" * 43, "title": "跨站"}, follow_redirects=False)
    assert resp.status_code == 403
    assert "安全校验失败" in resp.text


def test_csrf_cookie_is_httponly_and_samesite_strict(web: Browser) -> None:
    resp = web.client.get("/cases")
    cookie = resp.headers["set-cookie"]
    assert "dunguard_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_get_never_changes_state(web: Browser, home: Home) -> None:
    case = make_case(home, "只读页面")
    add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 1, 2),
                                "counterpart_raw": "10690000", "text": "你好"}])

    def head() -> int:
        with home.store.session() as s:
            return int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)

    before = head()
    for suffix in ("", "/evidence", "/timeline", "/findings", "/interview", "/plan", "/documents",
                   "/integrity", "/delete"):
        assert web.get(f"/cases/{case.id}{suffix}").status_code == 200
    assert head() == before
    with home.store.session() as s:
        assert s.get(Case, case.id) is not None


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(web: Browser, home: Home, method: str) -> None:
    case = make_case(home, "方法")
    resp = web.client.request(method, f"/cases/{case.id}/delete")
    assert resp.status_code == 405
    with home.store.session() as s:
        assert s.get(Case, case.id) is not None


def test_delete_needs_the_confirmation_box(web: Browser, home: Home) -> None:
    case = make_case(home, "待删除")
    page = web.get(f"/cases/{case.id}/delete")
    assert "无法恢复" in page.text
    assert web.post(f"/cases/{case.id}/delete").status_code == 400
    web.get(f"/cases/{case.id}/integrity")
    exported = web.post(f"/cases/{case.id}/export")
    assert exported.status_code == 303
    assert (home.root / "exports" / case.id).is_dir()
    web.get(f"/cases/{case.id}/delete")
    resp = web.post(f"/cases/{case.id}/delete", {"confirm": "yes"})
    assert resp.status_code == 303 and resp.headers["location"] == "/cases"
    with home.store.session() as s:
        assert s.get(Case, case.id) is None
    assert not (home.root / "exports" / case.id).exists()
    assert not home.case_dir(case.id).exists()


def test_upload_size_limit(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "上传上限")
    with make_client(home, max_upload_bytes=64 * 1024) as client:
        web = Browser(client)
        web.get(f"/cases/{case.id}/evidence")
        big = b"<smses>" + b"x" * (200 * 1024) + b"</smses>"
        resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("sms.xml", big, "text/xml")},
                               headers={"X-CSRF-Token": web.token}, follow_redirects=False)
        assert resp.status_code == 413
        assert "上限" in resp.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap applies while reading
            for _ in range(100):
                yield b"y" * 4096

        chunked = web.client.post(
            f"/cases/{case.id}/evidence", content=chunks(),
            headers={"X-CSRF-Token": web.token, "content-type": "multipart/form-data; boundary=zz"},
        )
        assert chunked.status_code == 413
    originals = home.case_dir(case.id) / "originals"
    assert not originals.exists() or not any(originals.rglob("*"))


def test_upload_type_check(web: Browser, home: Home) -> None:
    case = make_case(home, "类型检查")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("setup.exe", b"MZ\x90\x00", "application/x-msdownload")},
                           headers={"X-CSRF-Token": web.token}, follow_redirects=False)
    assert resp.status_code == 415
    assert "setup.exe" in resp.text and "不支持" in resp.text


def test_uploaded_name_cannot_escape_the_staging_folder(web: Browser, home: Home) -> None:
    case = make_case(home, "文件名")
    web.get(f"/cases/{case.id}/evidence")
    body = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xe5\xbc\xa0\xe4\xb8\x89\r\nTEL:13800138000\r\nEND:VCARD\r\n"
    resp = web.client.post(f"/cases/{case.id}/evidence",
                           files={"files": ("../../../../evil.vcf", body, "text/vcard")},
                           headers={"X-CSRF-Token": web.token}, follow_redirects=False)
    assert "evil.vcf" in finish_upload(web, resp)
    assert not (home.root.parent / "evil.vcf").exists()
    assert not any(p.name == "evil.vcf" for p in home.root.parent.rglob("evil.vcf") if "uploads" not in p.parts)


@pytest.mark.parametrize("name", ["../../dunguard.db", "..%2F..%2Fdunguard.db", "%2e%2e/%2e%2e/dunguard.db",
                                  "..\\..\\dunguard.db", "/etc/passwd", "nothing.zip"])
def test_no_path_traversal_in_export_downloads(web: Browser, home: Home, name: str) -> None:
    case = make_case(home, "导出")
    resp = web.client.get(f"/cases/{case.id}/exports/{name}")
    assert resp.status_code == 404
    assert b"SQLite format" not in resp.content and b"root:" not in resp.content


def test_export_then_download_only_that_file(web: Browser, home: Home) -> None:
    case = make_case(home, "导出包")
    web.get(f"/cases/{case.id}/integrity")
    resp = web.post(f"/cases/{case.id}/export")
    assert resp.status_code == 303
    url = resp.headers["location"]
    got = web.client.get(url)
    assert got.status_code == 200 and got.content[:2] == b"PK"
    assert got.headers["content-disposition"].startswith("attachment")
    other = make_case(home, "别的案件")
    assert web.client.get(url.replace(case.id, other.id)).status_code == 404


def test_evidence_download_of_other_case_is_refused(web: Browser, home: Home, tmp_path: Path) -> None:
    from dunguard.evidence import add_files

    a = make_case(home, "甲")
    b = make_case(home, "乙")
    f = tmp_path / "note.txt"
    f.write_text("证据", encoding="utf-8")
    [res] = add_files(home, a.id, [f])
    assert web.client.get(f"/cases/{a.id}/evidence/{res.evidence_id}/original").content == "证据".encode()
    assert web.client.get(f"/cases/{b.id}/evidence/{res.evidence_id}/original").status_code == 404
    assert web.client.get(f"/cases/{a.id}/evidence/{res.evidence_id}/derived/1").status_code == 404


def test_user_content_is_escaped(web: Browser, home: Home) -> None:
    xss_title = '<script>alert("t")</script><img src=x onerror=alert(1)>'
    resp = web.post("/cases", {"title": xss_title})
    assert resp.status_code == 303
    case_url = resp.headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    add_events(home, case_id, [{
        "kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 1, 2), "counterpart_raw": "<b>10690000</b>",
        "counterpart_name": "<i>催收</i>", "text": '还钱</p><script>alert("sms")</script>',
    }])
    for url in ("/cases", case_url, case_url + "/timeline", case_url + "/timeline?q=%3Cscript%3E",
                case_url + "/evidence", case_url + "/delete"):
        page = web.get(url).text
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "<b>10690000" not in page and "<i>催收" not in page, url
    timeline = web.get(case_url + "/timeline?q=script").text
    assert "&lt;script&gt;alert(&#34;sms&#34;)&lt;/" in timeline.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;alert(&#34;t&#34;)" in web.get("/cases").text


def test_strict_content_security_policy_on_every_response(web: Browser, home: Home) -> None:
    case = make_case(home, "CSP")
    for url in ("/cases", f"/cases/{case.id}", f"/cases/{case.id}/timeline", "/static/app.css", "/nope",
                f"/cases/{case.id}/exports/x.zip"):
        resp = web.client.get(url)
        csp = resp.headers["content-security-policy"]
        assert csp == CSP
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"
    post = web.client.post("/cases", data={"title": "x"})
    assert post.headers["content-security-policy"] == CSP


def test_pages_have_no_inline_script_or_style(web: Browser, home: Home) -> None:
    case = make_case(home, "内联")
    add_events(home, case.id, [{"kind": "call", "direction": "in", "time_utc": utc(2024, 5, 1, 14),
                                "counterpart_raw": "13800138000", "duration_s": 30, "call_status": "answered"}])
    for suffix in ("", "/evidence", "/timeline", "/findings", "/interview", "/documents", "/integrity"):
        page = web.get(f"/cases/{case.id}{suffix}").text
        assert "<script>" not in page and "<script " not in page.replace('<script src="/static/app.js" defer>', "")
        assert "style=" not in page and "<style" not in page
        assert " onclick=" not in page and "javascript:" not in page


def test_password_mode_needs_basic_auth(home: Home) -> None:
    with make_client(home, password="correct horse") as client:
        assert client.get("/cases").status_code == 401
        assert client.get("/cases").headers["www-authenticate"].startswith("Basic")
        bad = base64.b64encode(b"user:wrong").decode()
        assert client.get("/cases", headers={"Authorization": f"Basic {bad}"}).status_code == 401
        good = base64.b64encode(b"user:correct horse").decode()
        assert client.get("/cases", headers={"Authorization": f"Basic {good}"}).status_code == 200
        assert client.get("/static/app.css").status_code == 401


def test_foreign_host_header_is_refused_in_loopback_mode(home: Home) -> None:
    from dunguard.web.app import LOOPBACK_HOSTS

    with make_client(home, allowed_hosts=LOOPBACK_HOSTS) as client:
        assert client.get("/cases").status_code == 200
        assert client.get("/cases", headers={"host": "localhost:8000"}).status_code == 200
        rebinding = client.get("/cases", headers={"host": "evil.example:8000"})
        assert rebinding.status_code == 400


def test_unknown_case_is_a_clear_404(web: Browser) -> None:
    for url in ("/cases/0123456789abcdef0123456789abcdef", "/cases/..%2F..%2Fetc", "/cases/abc/timeline"):
        resp = web.client.get(url)
        assert resp.status_code == 404
        assert "Traceback" not in resp.text


@pytest.mark.parametrize("suffix", [
    "/evidence/99999999999999999999999", "/evidence/-1", "/evidence/abc", "/evidence/1/derived/99999999999999999999",
    "/evidence?page=99999999999999999999", "/evidence?page=0", "/findings?page=-3", "/findings?page=x",
    "/timeline?since=2024-13-45", "/timeline?kind=%00",
])
def test_odd_parameters_are_clean_4xx(web: Browser, home: Home, suffix: str) -> None:
    case = make_case(home, "参数")
    resp = web.client.get(f"/cases/{case.id}{suffix}")
    assert 400 <= resp.status_code < 500, (suffix, resp.status_code)
    assert "Traceback" not in resp.text and "出错了" in resp.text
    web.get("/cases")
    post = web.post(f"/cases/{case.id}/findings/99999999999999999999999", {"status": "confirmed"})
    assert 400 <= post.status_code < 500
