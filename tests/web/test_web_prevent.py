"""Self-protection pages: lender lookup, APK and contract checks (with and without a case),
caller table downloads, and the owner fields of the evidence upload."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select
from web_helpers import Browser, finish_upload

from dunguard.home import Home
from dunguard.models import Case, Derived, Evidence, LedgerEntry
from dunguard.testing import add_events, make_case, utc
from dunguard.verify import verify_case
from dunguard.web.security import CSP


def _apkbuild() -> ModuleType:
    """The APK builders of tests/prevent (one copy, shared with the prevent tests)."""
    name = "prevent_apkbuild"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "prevent" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _loan_apk(folder: Path) -> bytes:
    b = _apkbuild()
    return Path(b.build_apk(folder / "loan.apk", b.encode_axml(b.loan_app_manifest()))).read_bytes()


CONTRACT = (
    "借款协议\n"
    "第一条 借款人同意并授权平台读取、上传其手机通讯录信息<script>alert('x')</script>，用于风险评估及贷后管理。\n"
    "第二条 借款人逾期未还款的，贷款人有权联系借款人预留的紧急联系人及通讯录中的其他联系人进行催收。\n"
    "第三条 本协议自双方签署之日起生效。\n"
)


def _post_file(web: Browser, url: str, name: str, data: bytes, page: str, **extra: str) -> Any:
    web.get(page)
    return web.client.post(
        url,
        files={"file": (name, data, "application/octet-stream")},
        data={"csrf_token": web.token, **extra},
        follow_redirects=False,
    )


def _uploads_empty(home: Home) -> bool:
    folder = home.root / "uploads"
    return not folder.exists() or not any(folder.iterdir())


# ---------------------------------------------------------------------------------------------
# Without a case


def test_check_page_is_in_the_top_navigation(web: Browser, home: Home) -> None:
    page = web.get("/cases")
    assert 'href="/prevent"' in page.text and "借款前查一查" in page.text
    check = web.get("/prevent")
    assert check.status_code == 200
    for text in ("放贷机构是否持牌", "检查借款 App 安装包", "检查借款合同"):
        assert text in check.text
    assert check.headers["content-security-policy"] == CSP


def test_lender_lookup_by_brand_name(web: Browser) -> None:
    page = web.get("/prevent", params={"lender": "马上金融"})
    assert page.status_code == 200
    assert "马上消费金融股份有限公司" in page.text
    assert "持牌消费金融公司（名单内）" in page.text
    assert "名单日期" in page.text  # the list's date and the "check the register" source


def test_unknown_lender_is_not_called_unlicensed_and_is_escaped(web: Browser) -> None:
    page = web.get("/prevent", params={"lender": "<b>闪电贷</b>"})
    assert page.status_code == 200
    assert "没有找到确定匹配的持牌机构" in page.text
    assert "<b>闪电贷" not in page.text and "&lt;b&gt;闪电贷" in page.text


def test_overlong_lender_query_is_a_bad_request(web: Browser) -> None:
    assert web.get("/prevent", params={"lender": "贷" * 500}).status_code == 400


def test_apk_check_without_a_case_stores_nothing(web: Browser, home: Home, tmp_path: Path) -> None:
    resp = _post_file(web, "/prevent/apk", "快捷借.apk", _loan_apk(tmp_path), "/prevent")
    assert resp.status_code == 200, resp.text[:500]
    text = resp.text
    assert "com.example.kuaijie" in text and "3.1.0" in text
    assert "READ_CONTACTS" in text and "不需要" in text
    assert "《中华人民共和国个人信息保护法》" in text or "《个人信息保护法》" in text
    assert "第十六条" in text  # the legal basis is cited ...
    assert "快捷借.apk" in text and "没有保存" in text  # ... and nothing was kept
    assert _uploads_empty(home)
    with home.store.session() as s:
        assert s.scalar(select(Evidence.id)) is None


def test_not_an_apk_names_the_uploaded_file_not_the_staging_path(web: Browser, home: Home) -> None:
    resp = _post_file(web, "/prevent/apk", "借钱.apk", b"hello, this is not a zip", "/prevent")
    assert resp.status_code == 400
    assert "借钱.apk" in resp.text and "uploads" not in resp.text and str(home.root) not in resp.text
    assert _uploads_empty(home)


def test_zip_bomb_is_refused(web: Browser, home: Home, tmp_path: Path) -> None:
    b = _apkbuild()
    bomb = Path(b.build_apk(tmp_path / "bomb.apk", b"\x03\x00\x08\x00" + b"\x00" * (2 * 1024 * 1024))).read_bytes()
    assert len(bomb) < 100_000
    resp = _post_file(web, "/prevent/apk", "bomb.apk", bomb, "/prevent")
    assert resp.status_code == 400 and "bomb.apk" in resp.text
    assert _uploads_empty(home)


def test_wrong_file_type_is_refused_before_reading(web: Browser, home: Home) -> None:
    resp = _post_file(web, "/prevent/apk", "setup.exe", b"MZ", "/prevent")
    assert resp.status_code == 415 and ".apk" in resp.text
    resp = _post_file(web, "/prevent/contract", "../../contract.sh", b"x", "/prevent")
    assert resp.status_code == 415 and "contract.sh" in resp.text
    assert _uploads_empty(home)


def test_missing_file_is_a_clear_message(web: Browser) -> None:
    web.get("/prevent")
    resp = web.client.post("/prevent/apk", data={"csrf_token": web.token}, follow_redirects=False)
    assert resp.status_code == 400 and "没有收到文件" in resp.text


def test_contract_check_without_a_case_escapes_the_text(web: Browser, home: Home) -> None:
    resp = _post_file(web, "/prevent/contract", "协议.txt", CONTRACT.encode("utf-8"), "/prevent")
    assert resp.status_code == 200, resp.text[:500]
    text = resp.text
    assert "读取、上传其手机通讯录信息&lt;script&gt;" in text and "紧急联系人" in text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    assert "为什么要注意" in text and "法律依据" in text
    assert "需要律师或法院判断" in text
    assert "contract-review" not in text  # no marked-up copy is kept without a case
    assert _uploads_empty(home)


def test_every_post_needs_the_csrf_token(web: Browser, home: Home) -> None:
    case = make_case(home, "防伪造")
    web.get("/prevent")
    for url in ("/prevent/apk", "/prevent/contract", f"/cases/{case.id}/prevent/apk",
                f"/cases/{case.id}/prevent/contract"):
        resp = web.client.post(url, files={"file": ("a.txt", CONTRACT.encode(), "text/plain")},
                               data={"csrf_token": "forged-token-0123456789"}, follow_redirects=False)
        assert resp.status_code == 403, url
        resp = web.client.post(url, files={"file": ("a.txt", CONTRACT.encode(), "text/plain")},
                               follow_redirects=False)
        assert resp.status_code == 403, url
    with home.store.session() as s:
        assert s.scalar(select(Evidence.id)) is None


# ---------------------------------------------------------------------------------------------
# In a case


def test_case_page_is_in_the_case_navigation(web: Browser, home: Home) -> None:
    case = make_case(home, "导航")
    page = web.get(f"/cases/{case.id}")
    assert f'href="/cases/{case.id}/prevent"' in page.text and "自我保护工具" in page.text
    tools = web.get(f"/cases/{case.id}/prevent")
    assert tools.status_code == 200
    assert 'aria-current="page">自我保护工具' in tools.text
    assert "案件里还没有来电或来信记录" in tools.text


def test_apk_in_a_case_becomes_evidence_and_verify_stays_clean(web: Browser, home: Home, tmp_path: Path) -> None:
    case = make_case(home, "App 检查")
    apk = _loan_apk(tmp_path)
    resp = _post_file(web, f"/cases/{case.id}/prevent/apk", "快捷借.apk", apk, f"/cases/{case.id}/prevent")
    assert resp.status_code == 303, resp.text[:500]
    page = web.get(resp.headers["location"])
    assert page.status_code == 200
    assert "已存入案件" in page.text and "READ_CONTACTS" in page.text and "快捷借.apk" in page.text
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
        kinds = list(s.scalars(select(Derived.kind).where(Derived.evidence_id == ev.id)))
        actions = list(s.scalars(select(LedgerEntry.action).where(LedgerEntry.case_id == case.id)))
    assert ev.method == "prevent" and ev.format == "apk" and ev.original_name == "快捷借.apk"
    assert kinds == ["app_audit"] and "app_audit" in actions
    assert (home.case_dir(case.id) / ev.stored_path).read_bytes() == apk  # byte-exact original
    with home.store.session() as s:
        report_path = s.scalars(select(Derived.stored_path).where(Derived.evidence_id == ev.id)).one()
        actors = set(s.scalars(select(LedgerEntry.actor).where(LedgerEntry.action == "app_audit")))
    report = (home.case_dir(case.id) / report_path).read_text(encoding="utf-8")
    assert '"file": "快捷借.apk"' in report and "uploads" not in report  # no upload/staging path kept
    assert actors == {"web"}
    assert verify_case(home, case.id).ok
    # the case page lists the check; the evidence list names it in plain words
    tools = web.get(f"/cases/{case.id}/prevent")
    assert f'href="/cases/{case.id}/prevent/{ev.id}"' in tools.text
    listing = web.get(f"/cases/{case.id}/evidence")
    assert "自我保护工具检查" in listing.text and "web.method" not in listing.text
    # the same file again: recorded in the ledger, not duplicated
    again = _post_file(web, f"/cases/{case.id}/prevent/apk", "快捷借.apk", apk, f"/cases/{case.id}/prevent")
    assert again.status_code == 303
    assert "已是案件" in web.get(again.headers["location"]).text
    with home.store.session() as s:
        assert len(list(s.scalars(select(Evidence.id).where(Evidence.case_id == case.id)))) == 1
    assert verify_case(home, case.id).ok
    assert _uploads_empty(home)


def test_bad_apk_in_a_case_leaves_the_case_untouched(web: Browser, home: Home) -> None:
    case = make_case(home, "坏文件")
    resp = _post_file(web, f"/cases/{case.id}/prevent/apk", "假的.apk", b"PK\x03\x04broken",
                      f"/cases/{case.id}/prevent")
    assert resp.status_code == 400 and "假的.apk" in resp.text
    with home.store.session() as s:
        assert s.scalar(select(Evidence.id).where(Evidence.case_id == case.id)) is None
    assert verify_case(home, case.id).ok


def test_contract_in_a_case_with_marked_copy_download(web: Browser, home: Home) -> None:
    case = make_case(home, "合同检查")
    resp = _post_file(web, f"/cases/{case.id}/prevent/contract", "借款协议.txt", CONTRACT.encode("utf-8"),
                      f"/cases/{case.id}/prevent")
    assert resp.status_code == 303, resp.text[:500]
    page = web.get(resp.headers["location"])
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "借款协议.txt" in page.text and "已存入案件" in page.text
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
    assert ev.format == "contract-txt"
    marked_url = f"/cases/{case.id}/prevent/{ev.id}/marked.html"
    assert f'href="{marked_url}"' in page.text
    marked = web.get(marked_url)
    assert marked.status_code == 200
    assert marked.headers["content-type"].startswith("text/html")
    assert marked.headers["content-disposition"].startswith("attachment")
    assert marked.headers["content-security-policy"] == CSP
    assert marked.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert" not in marked.text and "&lt;script&gt;alert" in marked.text
    assert "<mark" in marked.text
    assert verify_case(home, case.id).ok


def test_result_pages_refuse_other_cases_and_unknown_ids(web: Browser, home: Home) -> None:
    case = make_case(home, "甲")
    other = make_case(home, "乙")
    resp = _post_file(web, f"/cases/{case.id}/prevent/contract", "协议.txt", CONTRACT.encode("utf-8"),
                      f"/cases/{case.id}/prevent")
    ev_id = resp.headers["location"].split("/")[-1].split("?")[0]
    assert web.get(f"/cases/{other.id}/prevent/{ev_id}").status_code == 404
    assert web.get(f"/cases/{other.id}/prevent/{ev_id}/marked.html").status_code == 404
    assert web.get(f"/cases/{case.id}/prevent/999999").status_code == 404
    assert web.get(f"/cases/{case.id}/prevent/..%2F..%2Fetc").status_code in (400, 404)
    assert web.get(f"/cases/{'0' * 32}/prevent").status_code == 404


def _case_with_callers(home: Home) -> Case:
    case = make_case(home, "来电")
    events = [
        {"kind": "call", "direction": "in", "time_utc": utc(2026, 3, 1, 14), "counterpart_raw": "13800138000",
         "counterpart_e164": "+8613800138000", "call_status": "missed"},
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 2, 1), "counterpart_raw": "13800138000",
         "counterpart_e164": "+8613800138000", "text": "还钱"},
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 5, 2), "counterpart_raw": "17012345678",
         "counterpart_e164": "+8617012345678", "text": "爆通讯录", "counterpart_name": "<img src=x onerror=alert(1)>"},
    ]
    add_events(home, case.id, events)
    return case


def test_caller_table_and_blocklist_downloads(web: Browser, home: Home) -> None:
    case = _case_with_callers(home)
    page = web.get(f"/cases/{case.id}/prevent")
    assert page.status_code == 200
    assert "+8613800138000" in page.text and "+8617012345678" in page.text
    assert "虚拟运营商号段" in page.text  # 170 numbers
    assert "<img src=x" not in page.text
    table = web.get(f"/cases/{case.id}/prevent/callers.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert table.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and any("+8613800138000" in r for r in rows)
    vcf = web.get(f"/cases/{case.id}/prevent/blocklist.vcf", params={"all": "1"})
    assert vcf.status_code == 200 and vcf.headers["content-type"].startswith("text/vcard")
    assert vcf.headers["content-disposition"].startswith("attachment")
    assert vcf.text.count("BEGIN:VCARD") == 2 and "催收-" in vcf.text
    block = web.get(f"/cases/{case.id}/prevent/blocklist.csv", params={"all": "true"})
    assert block.status_code == 200 and "13800138000" in block.content.decode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Evidence upload: whose phone


SMS = (
    '<smses count="1"><sms address="17012345678" date="1714521600000" type="1" '
    'body="再不还款就把欠款信息发给通讯录所有人" contact_name="(Unknown)"/></smses>'
)


def test_upload_from_a_relatives_phone_records_the_owner(web: Browser, home: Home) -> None:
    case = make_case(home, "妈妈的手机")
    page = web.get(f"/cases/{case.id}/evidence")
    assert 'name="owner_role"' in page.text and "我自己的手机" in page.text
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("mum.xml", SMS.encode(), "text/xml")},
                           data={"csrf_token": web.token, "owner_name": "妈妈", "owner_role": "family"},
                           follow_redirects=False)
    finish_upload(web, resp)
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
    assert ev.extra["owner_name"] == "妈妈" and ev.extra["owner_role"] == "family"


def test_upload_from_my_own_phone_has_no_owner(web: Browser, home: Home) -> None:
    case = make_case(home, "我的手机")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("mine.xml", SMS.encode(), "text/xml")},
                           data={"csrf_token": web.token, "owner_name": "", "owner_role": ""},
                           follow_redirects=False)
    finish_upload(web, resp)
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
    assert "owner_name" not in (ev.extra or {})


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [("", "family", "请写上这个人的姓名"), ("妈妈", "landlord", "不认识的手机主人身份")],
)
def test_bad_owner_fields_are_refused_before_anything_is_stored(
    web: Browser, home: Home, name: str, role: str, message: str
) -> None:
    case = make_case(home, "错误")
    web.get(f"/cases/{case.id}/evidence")
    resp = web.client.post(f"/cases/{case.id}/evidence", files={"files": ("x.xml", SMS.encode(), "text/xml")},
                           data={"csrf_token": web.token, "owner_name": name, "owner_role": role},
                           follow_redirects=False)
    assert resp.status_code == 400 and message in resp.text
    with home.store.session() as s:
        assert s.scalar(select(Evidence.id).where(Evidence.case_id == case.id)) is None
    assert _uploads_empty(home)


def test_pages_speak_english_when_asked(web: Browser, home: Home, tmp_path: Path) -> None:
    from dunguard.i18n import set_lang

    set_lang("en")
    case = make_case(home, "English")
    page = web.get("/prevent", params={"lender": "招联"})
    assert "Check before you borrow" in page.text and "web.prevent" not in page.text
    resp = _post_file(web, "/prevent/apk", "loan.apk", _loan_apk(tmp_path), "/prevent")
    assert resp.status_code == 200 and "prevent." not in resp.text.replace("/prevent", "")
    tools = web.get(f"/cases/{case.id}/prevent")
    assert "Self-protection tools" in tools.text and "web.prevent" not in tools.text


def test_marked_copy_without_a_case_is_a_download(web: Browser, home: Home) -> None:
    resp = _post_file(web, "/prevent/contract", "协议.txt", CONTRACT.encode("utf-8"), "/prevent", want="marked")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert resp.headers["content-disposition"].startswith("attachment")
    assert resp.headers["content-security-policy"] == CSP
    assert "协议.txt" in resp.text and "uploads" not in resp.text
    assert "<script>alert" not in resp.text and "&lt;script&gt;alert" in resp.text and "<mark" in resp.text
    assert _uploads_empty(home)
