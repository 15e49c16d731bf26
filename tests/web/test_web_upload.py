"""Upload details: file names from the browser are reduced to a safe last component, the
type check follows the importers' suffixes, re-uploading the same file is recorded, not
duplicated."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from web_helpers import Browser, finish_upload

from dunguard.home import Home
from dunguard.models import Evidence
from dunguard.testing import make_case
from dunguard.web.routes.evidence import allowed, safe_filename


@given(st.text(max_size=300))
def test_safe_filename_never_leaves_the_folder(name: str) -> None:
    safe = safe_filename(name)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..")
    assert not safe.startswith((".", " ")) and len(safe) <= 150
    assert all(ord(c) >= 32 and c != "\x7f" for c in safe)


def test_safe_filename_keeps_chinese_names() -> None:
    assert safe_filename("C:\\Users\\王\\微信截图_2024.png") == "微信截图_2024.png"
    assert safe_filename("../../短信备份 sms-2024.xml") == "短信备份 sms-2024.xml"
    assert safe_filename("...") == ""


def test_allowed_suffixes() -> None:
    for ok in ("sms.xml", "通讯录.VCF", "chat.csv", "截图.jpg", "录音.m4a", "backup.zip", "MSG0.db", "MSG0.db-wal"):
        assert allowed(ok), ok
    for bad in ("setup.exe", "run.sh", "page.svg", "noext", "x.db-wal.exe"):
        assert not allowed(bad), bad


def test_same_file_twice_is_a_resubmission(web: Browser, home: Home, tmp_path: Path) -> None:
    case = make_case(home, "重复上传")
    vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:妈妈\r\nTEL:13800000001\r\nEND:VCARD\r\n".encode()
    for _ in range(2):
        web.get(f"/cases/{case.id}/evidence")
        resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("通讯录.vcf", vcf, "text/vcard")},
                               data={"csrf_token": web.token}, follow_redirects=False)
        report = finish_upload(web, resp)
    assert "通讯录.vcf" in report and "此前已上传过相同文件" in report
    with home.store.session() as s:
        assert s.query(Evidence).filter(Evidence.case_id == case.id).count() == 1


def test_unrecognised_content_is_reported_not_stored(web: Browser, home: Home) -> None:
    case = make_case(home, "无法识别")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("notes.csv", b"\x00\x01\x02garbage", "text/csv")},
                           data={"csrf_token": web.token}, follow_redirects=False)
    report = finish_upload(web, resp)
    assert "notes.csv" in report and "失败" in report
    with home.store.session() as s:
        assert s.query(Evidence).filter(Evidence.case_id == case.id).count() == 0


def test_no_files_is_a_clear_message(web: Browser, home: Home) -> None:
    case = make_case(home, "空上传")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("", b"", "application/octet-stream")},
                           data={"csrf_token": web.token}, follow_redirects=False)
    assert resp.status_code == 400 and "没有收到文件" in resp.text


def test_too_many_files_in_one_request(web: Browser, home: Home) -> None:
    case = make_case(home, "文件太多")
    web.get(f"/cases/{case.id}/evidence")
    files = [("files", (f"n{i}.txt", b"x", "text/plain")) for i in range(60)]
    resp = web.client.post(f"/cases/{case.id}/evidence", files=files, data={"csrf_token": web.token},
                           follow_redirects=False)
    assert resp.status_code == 400
    with home.store.session() as s:
        assert s.query(Evidence).filter(Evidence.case_id == case.id).count() == 0


def test_import_runs_in_the_background_with_a_progress_page(web: Browser, home: Home, tmp_path: Path) -> None:
    from dunguard.demo import write_demo_backup

    case = make_case(home, "后台导入")
    files = write_demo_backup(tmp_path / "b")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", data={"csrf_token": web.token},
                           files=[("files", (f.name, f.read_bytes(), "application/xml")) for f in files],
                           follow_redirects=False)
    first = web.get(resp.headers["location"]).text
    assert "导入结果" in first
    if 'http-equiv="refresh"' in first:  # still running: a status region that refreshes itself
        assert 'role="status"' in first and "正在" in first
    final = finish_upload(web, resp)
    assert 'http-equiv="refresh"' not in final and "已导入" in final
    other = make_case(home, "别的案件")
    job = resp.headers["location"].rsplit("/", 1)[1]
    assert web.client.get(f"/cases/{other.id}/evidence/report/{job}").status_code == 404
    assert web.client.get(f"/cases/{case.id}/evidence/report/nope").status_code == 404
