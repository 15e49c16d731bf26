"""The prevention commands through the real CLI entry point."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from prevent_apkbuild import build_apk, encode_axml, loan_app_manifest
from sqlalchemy import func, select

from dunguard.home import Home
from dunguard.models import Derived, Evidence, LedgerEntry
from dunguard.testing import add_events, make_case, make_home, run_cli, utc

CONTRACT = "第一条 借款人同意并授权平台读取、上传其手机通讯录信息。\n第二条 借款人应支付平台服务费。\n"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = make_home(tmp_path / "home")
    yield h  # type: ignore[misc]
    h.close()


def test_app_audit_text_and_json(tmp_path: Path) -> None:
    apk = build_apk(tmp_path / "loan.apk", encode_axml(loan_app_manifest()))
    r = run_cli(["app-audit", str(apk)], home=tmp_path / "h")
    assert r.code == 0, r.stderr
    assert "通讯录" in r.stdout and "不需要" in r.stdout
    assert "《中华人民共和国个人信息保护法》第六条" in r.stdout
    assert "网络借贷类" in r.stdout  # named, not quoted
    j = run_cli(["app-audit", str(apk), "--json"], home=tmp_path / "h").json()
    assert j["package"] == "com.example.kuaijie"
    assert "pipl_16" in j["statutes"]
    assert j["references"]["app_necessary_info_rules"]["verified"] is False


def test_app_audit_bad_input_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "notes.apk"
    p.write_text("hello", encoding="utf-8")
    r = run_cli(["app-audit", str(p)], home=tmp_path / "h")
    assert r.code == 1
    assert "notes.apk" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_app_audit_into_case_stores_evidence(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "案件A")
    apk = build_apk(tmp_path / "loan.apk", encode_axml(loan_app_manifest()))
    r = run_cli(["app-audit", str(apk), "--case", case.id, "--json"], home=home)
    assert r.code == 0, r.stderr
    assert r.json()["stored"]["new"] is True
    again = run_cli(["app-audit", str(apk), "--case", case.id, "--json"], home=home).json()
    assert again["stored"]["new"] is False
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
        assert ev.format == "apk"
        kinds = list(s.scalars(select(Derived.kind).where(Derived.evidence_id == ev.id)))
        assert kinds == ["app_audit"]
        actions = list(s.scalars(select(LedgerEntry.action).where(LedgerEntry.case_id == case.id)))
        assert actions.count("app_audit") == 2
    assert (home.case_dir(case.id) / ev.stored_path).read_bytes() == apk.read_bytes()


def test_bad_apk_with_case_stores_nothing(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "案件B")
    p = tmp_path / "x.apk"
    p.write_bytes(b"not a zip at all" * 10)
    assert run_cli(["app-audit", str(p), "--case", case.id], home=home).code == 1
    with home.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case.id)) == 0


def test_contract_scan_with_marked_copy_and_case(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "案件C")
    src = tmp_path / "合同.txt"
    src.write_bytes(CONTRACT.encode("gbk"))
    out = tmp_path / "marked.html"
    r = run_cli(["contract-scan", str(src), "-o", str(out), "--case", case.id], home=home)
    assert r.code == 0, r.stderr
    assert "授权读取通讯录" in r.stdout and "律师" in r.stdout
    assert "<mark" in out.read_text(encoding="utf-8")
    with home.store.session() as s:
        kinds = set(s.scalars(select(Derived.kind).where(Derived.case_id == case.id)))
    assert kinds == {"text", "contract_review", "contract_scan"}
    j = run_cli(["contract-scan", str(src), "--json"], home=home).json()
    assert [h["category"] for h in j["hits"]] == ["address_book", "fees"]
    assert "civil_680" in j["statutes"]


def test_lender_command() -> None:
    r = run_cli(["lender", "马上金融"])
    assert r.code == 0
    assert "马上消费金融股份有限公司" in r.stdout and "12378" in r.stdout and "2025-06-30" in r.stdout
    j = run_cli(["lender", "快乐花", "--json"]).json()
    assert j["licensed"] is False and j["kind"] == "unknown"
    assert run_cli(["--lang", "en", "lender", "工行"]).stdout.count("bank") >= 1


def test_callers_command_exports(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "案件D")
    add_events(
        home,
        case.id,
        [
            {"kind": "call", "direction": "in", "time_utc": utc(2026, 3, 1, 1), "counterpart_raw": "17012345678",
             "counterpart_e164": "+8617012345678"},
            {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 1, 2), "counterpart_raw": "13800138000",
             "counterpart_e164": "+8613800138000"},
        ],
    )  # fmt: skip
    out_csv, out_vcf, out_bl = tmp_path / "c.csv", tmp_path / "b.vcf", tmp_path / "b.csv"
    r = run_cli(
        [
            "callers",
            case.id,
            "--csv",
            str(out_csv),
            "--vcard",
            str(out_vcf),
            "--blocklist",
            str(out_bl),
            "--all",
        ],
        home=home,
    )
    assert r.code == 0, r.stderr
    assert "+8617012345678" in r.stdout and "虚拟运营商号段" in r.stdout
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert {x["number"] for x in rows} == {"+8617012345678", "+8613800138000"}
    assert out_vcf.read_text(encoding="utf-8").count("BEGIN:VCARD") == 2
    assert out_bl.read_bytes().startswith(b"\xef\xbb\xbf")
    j = run_cli(["callers", case.id, "--json"], home=home).json()
    assert len(j["callers"]) == 2 and j["blocklist"] == []  # no findings yet: nothing to block by default


def test_callers_unknown_case(home: Home) -> None:
    r = run_cli(["callers", "no-such-case"], home=home)
    assert r.code == 1 and "Traceback" not in r.stderr
