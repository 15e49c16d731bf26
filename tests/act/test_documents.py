"""Documents drafted for the demo case: they open, hold the case's facts and exact citations,
leave visible blanks for what is unknown, and never print a fact the case does not hold."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from dunguard.act.documents import FORMATS, KINDS, compose, draft, template_source
from dunguard.act.facts import load_facts
from dunguard.act.interview import save_answers
from dunguard.analyze.rulebook import load
from dunguard.errors import NotFoundError, UsageError
from dunguard.home import Home
from dunguard.models import Event, Party, Phone
from dunguard.testing import add_events, make_case, utc

from .helpers import TODAY, add_findings, analysed_demo

ANSWERS = {
    "goals": ["stop_third_party", "complain", "police", "negotiate", "sue"],
    "user.id_number": "110101199001011234",
    "user.address": "北京市东城区示例路1号",
    "lenders": [{"name": "马上消费金融股份有限公司", "type": "consumer_finance", "amount": "5000",
                 "loan_date": "2026-05-01", "overdue_days": "10", "app": "马上还钱"}],
    "police.station": "北京市公安局东城分局示例派出所",
    "negotiate.budget": "800",
    "negotiate.hardship": "失业",
    "sue.court": "北京市东城区人民法院",
    "sue.damages": "10000",
    "story.harm": "母亲受到惊吓",
}

# what every kind must show (beyond the debtor's name), from the case or the answers
EXPECTED = {
    "stop_notice": ["马上消费金融股份有限公司", "13912345678", "个人信息保护法》第四十七条"],
    "contact_sms": ["王小明"],
    "complaint_nfra": ["国家金融监督管理总局", "110101199001011234", "马上消费金融股份有限公司", "5000",
                       "早晚出门被车撞"],
    "complaint_12378_text": ["马上消费金融股份有限公司", "消费金融公司"],
    "police_report": ["北京市公安局东城分局示例派出所", "17012345601", "治安管理处罚法》第五十条",
                      "早晚出门被车撞", "母亲受到惊吓"],
    "negotiation": ["800", "失业", "困难证明"],
    "civil_complaint": ["北京市东城区人民法院", "10000", "民法典》第一千零三十二条", "隐私权"],
    "evidence_list": ["sha256"],
}


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, str]:
    root = tmp_path_factory.mktemp("act-docs")
    home = Home.open(root / "home")
    case_id = analysed_demo(home, root / "out")
    save_answers(home, case_id, ANSWERS)
    yield home, case_id
    home.close()


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("kind_id", [k.id for k in KINDS])
def test_every_document_opens_in_python_docx_with_the_facts(answered: tuple[Home, str], tmp_path: Path,
                                                            kind_id: str) -> None:
    home, case_id = answered
    out = tmp_path / f"{kind_id}.docx"
    drafted = draft(home, case_id, kind_id, out, today=TODAY)
    text = _docx_text(out)
    assert "王小明" in text
    for expected in EXPECTED[kind_id]:
        assert expected in text, (kind_id, expected)
    for sid in drafted.cited:
        assert load().statute(sid).article is None or load().statute(sid).article in text


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_every_format_is_written_from_the_suffix(answered: tuple[Home, str], tmp_path: Path, suffix: str) -> None:
    home, case_id = answered
    out = tmp_path / f"complaint{suffix}"
    draft(home, case_id, "complaint_nfra", out, today=TODAY)
    if suffix == ".docx":
        assert "投诉书" in _docx_text(out)
    else:
        body = out.read_text(encoding="utf-8")
        assert "投诉书" in body and "王小明" in body
        if suffix in (".html", ".htm"):
            assert body.startswith("<!DOCTYPE html>") and "<script" not in body


def test_citations_are_the_versions_in_force_on_the_events_dates(home: Home) -> None:
    """Threats sent in 2025 cite 治安管理处罚法 第四十二条; the same in 2026 cite 第五十条."""
    for year, old, new in ((2025, True, False), (2026, False, True)):
        case = make_case(home, f"{year} 威胁", debtor_name="李四")
        add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(year, 3, 1, 2),
                                    "counterpart_raw": "17000000001", "text": "再不还钱你出门小心点被车撞"}])
        add_findings(home, case.id, [("T5", "threat_violence", "high", "被车撞", "被车撞")])
        text = compose(load_facts(home, case.id), "police_report", today=dt.date(2026, 6, 1)).render("txt")
        assert ("治安管理处罚法》第四十二条" in text) is old
        assert ("治安管理处罚法》第五十条" in text) is new


@pytest.mark.parametrize("kind_id", [k.id for k in KINDS])
def test_a_missing_fact_gives_a_visible_blank_not_a_crash(home: Home, tmp_path: Path, kind_id: str) -> None:
    case = make_case(home, "空案件")  # no debtor, no events, no findings, no answers
    drafted = draft(home, case.id, kind_id, tmp_path / "x.docx", today=TODAY)
    text = _docx_text(tmp_path / "x.docx")
    assert "【待填写：本人姓名】" in text
    assert drafted.blanks
    for fmt in ("txt", "md", "html"):
        assert "待填写" in drafted.render(fmt)


def _case_numbers_and_dates(home: Home, case_id: str) -> tuple[set[str], set[str]]:
    facts = load_facts(home, case_id)
    numbers: set[str] = set()
    days: set[dt.date] = {TODAY}
    with home.store.session() as s:
        for raw, when in s.execute(select(Event.counterpart_raw, Event.time_utc).where(Event.case_id == case_id)):
            if raw:
                numbers.add(raw)
            days.add((when + dt.timedelta(hours=8)).date())
        numbers.update(p for (p,) in s.execute(select(Phone.raw).where(Phone.case_id == case_id)))
        assert s.scalar(select(Party.name).where(Party.case_id == case_id, Party.role == "debtor")) == "王小明"
    for value in facts.answers.values():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            days.add(dt.date.fromisoformat(value))
    for lender in facts.lenders():
        if lender.loan_date:
            days.add(dt.date.fromisoformat(lender.loan_date))
    return numbers, {f"{d.year}年{d.month}月{d.day}日" for d in days}


@pytest.mark.parametrize("kind_id", [k.id for k in KINDS])
def test_documents_carry_no_invented_numbers_or_dates(answered: tuple[Home, str], kind_id: str) -> None:
    home, case_id = answered
    numbers, dates = _case_numbers_and_dates(home, case_id)
    text = compose(load_facts(home, case_id), kind_id, today=TODAY, home=home).render("txt")
    for phone in re.findall(r"(?<!\d)1\d{10}(?!\d)", text):
        assert phone in numbers, (kind_id, phone)
    for day in re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", text):
        assert day in dates, (kind_id, day)
    amounts = {"5000", "800", "10000"}
    for amount in re.findall(r"(\d+(?:\.\d+)?) 元", text):
        assert amount.split(".")[0] in amounts or amount in text, (kind_id, amount)


def test_every_citation_in_every_template_resolves_to_a_rulebook_statute() -> None:
    book = load()
    call = re.compile(r"\b(?:cite|cite_today|statutes)\(([^)]*)\)")
    found = 0
    sources = [template_source(k) for k in KINDS] + [template_source_by_name("_macros.txt")]
    for src in sources:
        for args in call.findall(src):
            for sid in re.findall(r"\"([a-z0-9_]+)\"", args):
                assert book.statute(sid).text
                found += 1
    assert found >= 20


def template_source_by_name(name: str) -> str:
    from dunguard.act.documents import template_text

    return template_text(name)


def test_printed_citations_name_the_exact_article(answered: tuple[Home, str]) -> None:
    home, case_id = answered
    facts = load_facts(home, case_id)
    for k in KINDS:
        drafted = compose(facts, k.id, today=TODAY, home=home)
        text = drafted.render("txt")
        for sid in drafted.cited:
            st = load().statute(sid)
            assert st.law in text


def test_negotiation_uses_the_finance_figures_when_loans_are_recorded(home: Home, tmp_path: Path) -> None:
    from dunguard.finance.service import add_loan
    from dunguard.finance.terms import LenderType, LoanTerms

    case = make_case(home, "协商", debtor_name="赵六")
    add_loan(home, case.id, LoanTerms(lender="某某小贷", lender_type=LenderType.MICROLOAN,
                                      principal=Decimal("10000"), start=dt.date(2026, 1, 1), periods=12,
                                      annual_rate=Decimal("0.24")))
    save_answers(home, case.id, {"negotiate.budget": "900"})
    text = compose(load_facts(home, case.id), "negotiation", today=dt.date(2026, 6, 1), home=home).render("txt")
    assert "某某小贷" in text and "10000.00" in text
    assert re.search(r"每月还款 \d+\.\d{2} 元，约 \d+ 个月还清", text)


def test_unknown_kind_and_bad_suffix_are_clear_errors(answered: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = answered
    with pytest.raises(NotFoundError) as e1:
        draft(home, case_id, "nope", tmp_path / "a.docx")
    assert "stop_notice" in e1.value.message()
    with pytest.raises(UsageError) as e2:
        draft(home, case_id, "stop_notice", tmp_path / "a.pdf")
    assert ".docx" in e2.value.message()
    assert not (tmp_path / "a.pdf").exists()


def test_message_text_is_printed_verbatim_even_with_template_syntax(home: Home, tmp_path: Path) -> None:
    nasty = "{{ 7*7 }} {% if %} <w:p>&amp; 你再不还钱就去你家"
    case = make_case(home, "特殊字符", debtor_name="王五")
    add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(2026, 2, 1, 3),
                                "counterpart_raw": "17000000009", "text": nasty}])
    add_findings(home, case.id, [("T13", "threat_visit", "high", "去你家", "去你家")])
    draft(home, case.id, "police_report", tmp_path / "p.docx", today=TODAY)
    assert nasty in _docx_text(tmp_path / "p.docx")
    html = compose(load_facts(home, case.id), "police_report", today=TODAY).render("html")
    assert "{{ 7*7 }}" in html and "&lt;w:p&gt;&amp;amp;" in html
