"""Contract / privacy-policy scanner: clause detection, negations, formats, marked-up HTML."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lhtml

from dunguard.errors import FormatError, InputError, UnsupportedFormat
from dunguard.prevent.citations import statute
from dunguard.prevent.contract import (
    decode_text,
    html_to_text,
    render_marked_html,
    scan_contract,
    scan_text,
)

CONTRACT = """借款及个人信息授权协议
第一条 借款人同意并授权平台读取、上传其手机通讯录信息，用于风险评估及贷后管理。
第二条 借款人逾期未还款的，贷款人有权联系借款人预留的紧急联系人及通讯录中的其他联系人进行催收。
第三条 借款人同意贷款人将其个人信息、借款信息提供给合作机构及第三方催收机构。
第四条 借款人点击“确认借款”即视为已同意本协议全部条款。
第五条 贷款人有权根据市场情况单方调整服务费及利率标准，调整以平台公告为准，无需另行通知借款人。
第六条 借款人应按月支付平台服务费、担保费和会员费，逾期的按日收取罚息。
第七条 贷款人在放款时从借款本金中直接扣除首期服务费，借款人实际到账金额以放款记录为准。
第八条 本协议自借款人签署之日起生效。
"""

EXPECTED = {
    "address_book",
    "contact_third_parties",
    "share_collection",
    "default_consent",
    "unilateral_change",
    "fees",
    "upfront_deduction",
}


def _cats(text: str) -> set[str]:
    return {h.category for h in scan_text(text, lang="zh")}


def test_every_category_found_in_a_typical_contract() -> None:
    hits = scan_text(CONTRACT, lang="zh")
    assert {h.category for h in hits} == EXPECTED
    # clause text is exactly the original sentence, located by its offsets
    for h in hits:
        assert CONTRACT[h.start : h.end] == h.clause
        assert h.basis and all(statute(s).text for s in h.basis)
    first = next(h for h in hits if h.category == "address_book")
    assert first.clause.startswith("第一条 借款人同意并授权平台读取")
    assert "第八条" not in "".join(h.clause for h in hits)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("如您拒绝授权通讯录权限，将无法使用借款服务。", "address_book"),
        ("我们会收集您的手机联系人列表以便核实身份。", "address_book"),
        ("若借款人失联，出借人可通知其亲属代为转告还款事宜。", "contact_third_parties"),
        ("为实现贷后管理，我们可能将您的数据共享给我们的合作伙伴。", "share_collection"),
        ("出借人有权将债权转让给资产管理公司并向其提供借款人信息。", "share_collection"),
        ("本页面已默认勾选《个人信息授权书》。", "default_consent"),
        ("您继续使用本服务即表示您同意本隐私政策的更新。", "default_consent"),
        ("平台保留随时修改收费标准的权利。", "unilateral_change"),
        ("借款人须一次性缴纳风险保障金500元。", "fees"),
        ("本协议项下利息在放款时一次性扣除。", "upfront_deduction"),
        ("借款人同意平台读取、上传其通讯录（包括但不限于姓名、电话）。", "address_book"),
        ("借款人同意贷款人向包括但不限于合作方提供其个人信息。", "share_collection"),
        ("借款人须支付平台服务费。", "fees"),
    ],
)
def test_positive_clauses(text: str, category: str) -> None:
    assert category in _cats(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我们不会读取或上传您的通讯录。", "address_book"),
        ("本应用不收集您的手机联系人信息。", "address_book"),
        ("我们不会联系您的紧急联系人或其他第三人。", "contact_third_parties"),
        ("请填写紧急联系人姓名和电话。", "contact_third_parties"),
        ("未经您的单独同意，我们不会向第三方提供您的个人信息。", "share_collection"),
        ("若您不同意，视为您拒绝本协议。", "default_consent"),
        ("本产品不收取任何服务费。", "fees"),
        ("贷款人不得预先在本金中扣除利息。", "upfront_deduction"),
        ("本协议自借款人签署之日起生效。", "unilateral_change"),
        ("借款人应按时还款。", "fees"),
        ("您点击“同意”即表示您同意本政策。", "default_consent"),  # an explicit click is consent
        ("最终借款金额、利率以借款页面展示为准。", "unilateral_change"),
        ("为向您提供借款服务，我们需要收集您的姓名、身份证号码和银行卡号。", "address_book"),
        ("如需帮助，请联系客服。", "contact_third_parties"),
    ],
)
def test_negative_clauses(text: str, category: str) -> None:
    assert category not in _cats(text)


def test_fullwidth_and_spaced_text_still_matches() -> None:
    assert "address_book" in _cats("借款人授权平台读取 通 讯 录")
    assert "fees" in _cats("ＶＩＰ会员费每月３０元")


def test_english_explanations() -> None:
    hit = scan_text("借款人同意并授权平台读取其通讯录。", lang="en")[0]
    assert hit.title == "Authorises reading the address book"


def test_txt_gbk_and_utf8(tmp_path: Path) -> None:
    for enc in ("gbk", "utf-8", "utf-8-sig", "utf-16"):
        p = tmp_path / f"c-{enc}.txt"
        p.write_bytes(CONTRACT.encode(enc))
        scan = scan_contract(p, lang="zh")
        assert scan.kind == "txt"
        assert {h.category for h in scan.hits} == EXPECTED, enc


def test_undecodable_text_is_an_error() -> None:
    with pytest.raises(FormatError):
        decode_text(b"\x81\x30\xff\xfe\xfd" * 3, "x.txt")


def test_html_scripts_dropped_and_checked_boxes_marked(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>隐私政策</title>
    <script>var s = "授权读取通讯录";</script><style>p{color:red}</style></head>
    <body><h1>隐私政策</h1><p>我们会收集您的设备信息。</p>
    <p><input type="checkbox" checked> 我已阅读并同意《个人信息授权书》</p>
    <p><input type="checkbox"> 接收营销短信</p></body></html>"""
    p = tmp_path / "policy.html"
    p.write_text(page, encoding="utf-8")
    scan = scan_contract(p, lang="zh")
    assert scan.kind == "html"
    assert "var s" not in scan.text
    assert [h.category for h in scan.hits] == ["default_consent"]
    assert "我已阅读并同意" in scan.hits[0].clause
    assert html_to_text(b"<p>a</p><p>b</p>").split() == ["a", "b"]


def test_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for line in CONTRACT.splitlines():
        d.add_paragraph(line)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "收费项目"
    table.rows[0].cells[1].text = "账户管理费 每月50元"
    p = tmp_path / "合同.docx"
    d.save(str(p))
    scan = scan_contract(p, lang="zh")
    assert scan.kind == "docx"
    assert {h.category for h in scan.hits} == EXPECTED
    assert any("账户管理费" in h.clause for h in scan.hits)


def _has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    out = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


@pytest.mark.skipif(
    not _has_cjk_font(), reason="no CJK font installed (fonts-noto-cjk) to render a Chinese PDF"
)
def test_pdf(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    body = "".join(f"<p>{line}</p>" for line in CONTRACT.splitlines())
    p = tmp_path / "contract.pdf"
    weasyprint.HTML(
        string=f"<html><body style='font-family:Noto Sans CJK SC, Noto Serif CJK SC'>{body}</body></html>"
    ).write_pdf(p)
    scan = scan_contract(p, lang="zh")
    assert scan.kind == "pdf"
    assert {"address_book", "share_collection", "fees"} <= {h.category for h in scan.hits}


def test_broken_pdf_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "坏合同.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    with pytest.raises(InputError) as info:
        scan_contract(p)
    assert "坏合同.pdf" in info.value.message("zh")


def test_broken_docx(tmp_path: Path) -> None:
    p = tmp_path / "x.docx"
    p.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        scan_contract(p)


def test_binary_is_unsupported(tmp_path: Path) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(UnsupportedFormat):
        scan_contract(p)


def test_empty_file_has_no_text(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"  \n")
    with pytest.raises(InputError) as info:
        scan_contract(p)
    assert info.value.key == "prevent.contract.no_text"


def test_marked_html_escapes_user_content_and_highlights(tmp_path: Path) -> None:
    text = "第一条 借款人授权平台读取通讯录<script>alert(1)</script>。\n第二条 <b>正常条款</b>。"
    p = tmp_path / "evil.txt"
    p.write_text(text, encoding="utf-8")
    scan = scan_contract(p, lang="zh")
    page = render_marked_html(scan)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>正常条款" not in page
    doc = lhtml.document_fromstring(page)
    assert not doc.xpath("//script")
    marks = doc.xpath("//pre/mark")
    assert len(marks) == 1 and "读取通讯录" in marks[0].text_content()
    # the legal basis is quoted in full
    assert statute("pipl_6").text.splitlines()[0] in doc.text_content()
    # self-contained: no external resources
    assert not doc.xpath("//link|//img|//iframe") and "http" not in page.split("<body>")[0]


def test_marked_html_without_hits(tmp_path: Path) -> None:
    p = tmp_path / "ok.txt"
    p.write_text("借款人应按时还款。", encoding="utf-8")
    page = render_marked_html(scan_contract(p, lang="en"))
    assert "No clauses of concern" in page


def test_html_with_gbk_meta_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gbk"></head><body><p>借款人授权平台读取通讯录。</p></body></html>'
    p = tmp_path / "gbk.htm"
    p.write_bytes(page.encode("gbk"))
    assert [h.category for h in scan_contract(p).hits] == ["address_book"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("借款人同意授权读取通讯录合作方服务费不会。；\n 视为默认勾选<>&\"'")),
        max_size=300,
    )
)
def test_scan_text_spans_are_exact_and_markup_is_safe(text: str) -> None:
    from dunguard.prevent.contract import ContractScan

    hits = scan_text(text, lang="zh")
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)
        assert text[h.start : h.end] == h.clause
    page = render_marked_html(ContractScan("f.txt", "0" * 64, "txt", text, hits, "zh"))
    doc = lhtml.document_fromstring(page)
    assert not doc.xpath("//script")
    pre = doc.xpath("//pre")[0].text_content()
    assert pre.removeprefix("\n") == text  # browsers drop the first newline after <pre>; lxml keeps it


POLICY = """某某借款隐私政策
一、我们如何收集您的信息
在您使用借款服务时，我们会申请获取您的通讯录权限，用于紧急联系人的选取。
我们仅会在您主动选择紧急联系人时读取您选中的联系人，不会上传您的通讯录。
二、我们如何使用您的信息
当您出现逾期时，我们或我们委托的第三方机构可能通过电话、短信等方式与您的紧急联系人联系。
我们会按照规定将您的借款及还款信息报送至金融信用信息基础数据库。
三、我们如何共享您的信息
我们可能会与我们的关联公司共享您的个人信息，以便为您提供服务。
"""


def test_privacy_policy_written_in_another_style() -> None:
    hits = scan_text(POLICY, lang="zh")
    got = [(h.category, h.clause[:12]) for h in hits]
    assert got == [
        ("address_book", "在您使用借款服务时，我们"),
        ("contact_third_parties", "当您出现逾期时，我们或我"),
        ("share_collection", "我们可能会与我们的关联公"),
    ]


def test_docx_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from dunguard.errors import HostileInputError
    from dunguard.prevent import contract

    monkeypatch.setattr(contract, "MAX_DOCX_UNCOMPRESSED", 2 * 1024 * 1024)  # real limit: 256 MiB
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b" " * (3 * 1024 * 1024))
    with pytest.raises(HostileInputError):
        scan_contract(p)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    from dunguard.errors import HostileInputError

    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:  # sparse: no real disk use
        fh.truncate(65 * 1024 * 1024)
    with pytest.raises(HostileInputError) as info:
        scan_contract(p)
    assert "huge.txt" in info.value.message("zh")


def test_directory_is_not_a_contract(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        scan_contract(tmp_path)
