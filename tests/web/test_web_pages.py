"""Every page of the web app, driven like a browser: create a case, upload a phone backup,
see the dashboard, timeline, findings (with statute text), answer the interview, draft a
document, verify and export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from web_helpers import Browser, finish_upload, make_client

from dunguard.demo import write_demo_backup
from dunguard.home import Home
from dunguard.i18n import set_lang
from dunguard.models import Evidence, Finding
from dunguard.testing import add_events, make_case, utc


def upload(web: Browser, case_id: str, paths: list[Path]) -> object:
    web.get(f"/cases/{case_id}/evidence")
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    return web.client.post(f"/cases/{case_id}/evidence", files=files, data={"csrf_token": web.token},
                           follow_redirects=False)


@pytest.fixture
def demo_case(web: Browser, tmp_path: Path) -> str:
    """A case created and filled through the web app (POST /cases, then the upload form)."""
    resp = web.post("/cases", {"title": "网贷催收骚扰", "debtor_name": "王小明", "debtor_phone": "13912345678"})
    assert resp.status_code == 303
    case_id = resp.headers["location"].rsplit("/", 1)[1]
    files = write_demo_backup(tmp_path / "backup")
    report = finish_upload(web, upload(web, case_id, files))
    assert "已导入" in report and "新增" in report
    return case_id


def test_cases_page_lists_and_creates(web: Browser, home: Home) -> None:
    empty = web.get("/")
    assert empty.status_code == 200 and "还没有案件" in empty.text
    resp = web.post("/cases", {"title": "  测试案件  ", "debtor_name": "李四"})
    assert resp.status_code == 303
    page = web.get("/cases").text
    assert "测试案件" in page and "李四" in page


def test_empty_title_message_is_shown(web: Browser) -> None:
    resp = web.post("/cases", {"title": " "})
    assert resp.status_code == 400
    assert "案件名称不能为空" in resp.text


def test_upload_backup_fills_every_page(web: Browser, home: Home, demo_case: str) -> None:
    base = f"/cases/{demo_case}"
    dash = web.get(base).text
    assert "网贷催收骚扰" in dash
    assert dash.count("<svg") >= 2  # daily volume and the hour x weekday heat map
    assert "周一" in dash and "联系最频繁的号码" in dash
    assert "17012345601" in dash

    evidence = web.get(base + "/evidence").text
    table = evidence.split("<table", 1)[1]
    assert "/uploads/" not in table  # the uploaded name is shown, not the staging folder
    with home.store.session() as s:
        items = list(s.query(Evidence).filter(Evidence.case_id == demo_case))
    assert items
    for ev in items:
        assert ev.sha256[:16] in evidence
    assert re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d – 20\d\d-\d\d-\d\d \d\d:\d\d", evidence)  # time range

    xml = next(ev for ev in items if ev.original_name.endswith(".xml"))
    detail = web.get(f"{base}/evidence/{xml.id}").text
    assert xml.sha256 in detail and "这个文件里的记录" in detail
    original = web.client.get(f"{base}/evidence/{xml.id}/original")
    assert original.status_code == 200 and original.headers["content-disposition"].startswith("attachment")

    timeline = web.get(base + "/timeline").text
    assert "通讯录里所有人" in timeline

    findings = web.get(base + "/findings").text
    assert "可能" in findings
    assert "<mark>" in findings  # the span that triggered the finding is highlighted
    assert "《中华人民共和国" in findings or "《" in findings  # statute citation with its text
    assert 'class="statute"' in findings


def test_findings_confirm_dismiss_and_note_survive_reanalysis(web: Browser, home: Home, demo_case: str) -> None:
    with home.store.session() as s:
        ids = [f.id for f in s.query(Finding).filter(Finding.case_id == demo_case, Finding.stale.is_(False))]
    assert len(ids) >= 2
    base = f"/cases/{demo_case}"
    web.get(base + "/findings")
    assert web.post(f"{base}/findings/{ids[0]}", {"status": "confirmed", "note": "确实收到，已截图"}).status_code == 303
    assert web.post(f"{base}/findings/{ids[1]}", {"status": "dismissed", "note": ""}).status_code == 303
    assert web.post(f"{base}/findings/{ids[0]}", {"status": "", "note": "补充：对方是外包"}).status_code == 303
    assert web.post(f"{base}/findings/{ids[0]}", {"status": "bogus"}).status_code == 400
    assert web.post(f"{base}/analyze").status_code == 303  # re-analysis keeps the decisions
    with home.store.session() as s:
        first = s.get(Finding, ids[0])
        second = s.get(Finding, ids[1])
        assert first is not None and second is not None
        assert first.status == "confirmed" and first.user_note == "补充：对方是外包"
        assert second.status == "dismissed"
    page = web.get(base + "/findings?status=confirmed").text
    assert "补充：对方是外包" in page and "已确认" in page


def test_interview_wizard_answers_and_review(web: Browser, home: Home, demo_case: str) -> None:
    base = f"/cases/{demo_case}"
    page = web.get(base + "/interview").text
    doc = lxml_html.fromstring(page)
    key = doc.xpath('//input[@name="key"]/@value')[0]
    assert key == "goals"
    assert web.post(base + "/interview", {"key": "goals", "value": ["complain", "police"],
                                           "action": "save"}).status_code == 303
    nxt = web.get(base + "/interview").text
    next_key = lxml_html.fromstring(nxt).xpath('//input[@name="key"]/@value')
    assert next_key and next_key[0] != "goals"
    assert web.post(base + "/interview", {"key": "user.id_number", "action": "skip"}).status_code == 303
    assert web.post(base + "/interview", {"key": "user.address", "value": "北京市朝阳区某街道1号",
                                           "action": "save"}).status_code == 303
    review = web.get(base + "/interview").text
    assert "北京市朝阳区某街道1号" in review and "向监管部门投诉" in review
    bad = web.post(base + "/interview", {"key": "story.requested_stop", "value": "明天", "action": "save"})
    assert bad.status_code == 400 and "明天" in bad.text
    lenders = web.post(base + "/interview", {"key": "lenders", "lender-0-name": "马上还钱", "lender-0-type": "microloan",
                                              "lender-0-amount": "5000", "action": "save"})
    assert lenders.status_code == 303
    assert "马上还钱" in web.get(base + "/interview?key=lenders").text


def test_plan_and_documents_preview_and_downloads(web: Browser, home: Home, demo_case: str) -> None:
    base = f"/cases/{demo_case}"
    plan = web.get(base + "/plan")
    assert plan.status_code == 200 and "行动计划" in plan.text
    dash = web.get(base).text
    assert "下一步" in dash
    docs = web.get(base + "/documents").text
    links = lxml_html.fromstring(docs).xpath('//ul[@class="doc-list"]//a/@href')
    assert f"{base}/documents/complaint_nfra" in links
    preview = web.get(base + "/documents/complaint_nfra").text
    assert "王小明" in preview and "复制全文" in preview and "【待填写" in preview
    docx = web.client.get(base + "/documents/complaint_nfra/download/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx.headers["content-disposition"]
    txt = web.client.get(base + "/documents/complaint_nfra/download/txt")
    assert "王小明" in txt.text
    pytest.importorskip("weasyprint", reason="PDF needs the pdf extra (weasyprint)")
    pdf = web.client.get(base + "/documents/police_report/download/pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert web.client.get(base + "/documents/../../etc/download/txt").status_code == 404
    assert web.client.get(base + "/documents/complaint_nfra/download/exe").status_code == 404
    assert web.client.get(base + "/documents/no_such_kind").status_code == 404


def test_verify_and_export(web: Browser, demo_case: str) -> None:
    base = f"/cases/{demo_case}"
    web.get(base + "/integrity")
    ok = web.post(base + "/verify")
    assert ok.status_code == 200 and "核验通过" in ok.text
    exported = web.post(base + "/export")
    assert exported.status_code == 303
    assert web.client.get(exported.headers["location"]).content[:2] == b"PK"
    assert "evidence-" in web.get(base + "/integrity").text


def test_screenshot_upload_shows_image_and_ocr_text(web: Browser, home: Home, tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime", reason="OCR extra not installed (pip install 'dunguard[ocr]')")
    from web_helpers import render_text_image

    case = make_case(home, "截图")
    shot = render_text_image(tmp_path / "shot.png", ["再不还钱就爆你通讯录", "明天上门找你"])
    finish_upload(web, upload(web, case.id, [shot]))
    with home.store.session() as s:
        ev = s.query(Evidence).filter(Evidence.case_id == case.id).one()
    page = web.get(f"/cases/{case.id}/evidence/{ev.id}").text
    assert f'src="/cases/{case.id}/evidence/{ev.id}/original"' in page
    assert "识别出的文字" in page and "通讯录" in page
    img = web.client.get(f"/cases/{case.id}/evidence/{ev.id}/original")
    assert img.headers["content-type"] == "image/png" and img.content[:4] == b"\x89PNG"


def test_forms_are_labelled_and_pages_fit_a_phone(web: Browser, home: Home) -> None:
    case = make_case(home, "无障碍")
    add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 1, 2),
                                "counterpart_raw": "10690000", "text": "你好"}])
    for url in ("/cases", f"/cases/{case.id}", f"/cases/{case.id}/evidence", f"/cases/{case.id}/timeline",
                f"/cases/{case.id}/findings", f"/cases/{case.id}/interview", f"/cases/{case.id}/integrity",
                f"/cases/{case.id}/delete"):
        page = web.get(url).text
        doc = lxml_html.fromstring(page)
        assert doc.get("lang") == "zh-CN"
        assert doc.xpath('//meta[@name="viewport"]/@content')[0].startswith("width=device-width")
        labels = set(doc.xpath("//label/@for"))
        for field in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
            assert field.get("id") in labels or field.get("aria-label"), (url, lxml_html.tostring(field)[:120])
        assert doc.xpath("//h1"), url
        assert doc.xpath('//a[@class="skip"]'), url


def test_english_ui(home: Home) -> None:
    set_lang("en")
    try:
        with make_client(home) as client:
            page = client.get("/cases").text
        assert "My cases" in page and "New case" in page
    finally:
        set_lang(None)
