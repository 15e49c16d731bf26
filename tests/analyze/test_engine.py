"""analyze_case on real stores: findings, spans, statute versions, re-runs, stale, attribution."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import COLLECTOR, LAWFUL, MUM, THREAT, add_contact, call, sms
from sqlalchemy import select

from dunguard.analyze.engine import TextHit, analyze_case, fingerprint
from dunguard.analyze.findings import list_findings, set_status
from dunguard.errors import NotFoundError, UsageError
from dunguard.home import Home
from dunguard.models import Event, Finding, LedgerEntry
from dunguard.testing import add_events, make_case, utc


def findings(home: Home, case_id: str, **kw: Any) -> list[Finding]:
    with home.store.session() as s:
        stmt = select(Finding).where(Finding.case_id == case_id)
        for k, v in kw.items():
            stmt = stmt.where(getattr(Finding, k) == v)
        return list(s.scalars(stmt.order_by(Finding.id)))


def event_text(home: Home, event_id: int) -> str:
    with home.store.session() as s:
        ev = s.get(Event, event_id)
        assert ev is not None and ev.text is not None
        return ev.text


def test_threat_becomes_a_finding_with_exact_span_and_careful_wording(home: Home) -> None:
    case = make_case(home, debtor_name="王小明", debtor_phone="13912345678")
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT),
                               sms(utc(2026, 3, 2, 3), "10690000123", LAWFUL, kind="service")])
    summary = analyze_case(home, case.id, actor="test")
    assert summary.as_dict()["findings"] == summary.findings >= 1
    (f,) = findings(home, case.id, label="threat_violence")
    assert f.rule_id == "T5" and f.severity == "high" and f.confidence == 1.0 and f.status == "new"
    assert f.attribution == "17012345601" and f.count == 1
    (ref,) = f.evidence_refs
    s, e = ref["span"]
    assert THREAT[s:e] and THREAT[s:e] in event_text(home, ref["event_id"])
    assert "可能违反" in f.summary and "是否构成违法由有关部门或法院认定" in f.summary
    assert "违反了" not in f.summary
    assert "psl2025_50" in f.basis and "psl2012_42" not in f.basis  # conduct in 2026: new article 50


def test_statute_version_follows_the_event_date(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2025, 12, 20, 2), COLLECTOR, THREAT),
                               sms(utc(2026, 1, 5, 2), "+8617012345602", "你这种人渣早晚出门被车撞，等着瞧")])
    analyze_case(home, case.id)
    by_who = {f.attribution: f for f in findings(home, case.id, label="threat_violence")}
    assert "psl2012_42" in by_who["17012345601"].basis and "psl2025_50" not in by_who["17012345601"].basis
    assert "psl2025_50" in by_who["17012345602"].basis and "psl2012_42" not in by_who["17012345602"].basis


def test_lawful_reminders_and_ordinary_messages_give_no_findings(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 2), "10690000123", LAWFUL, kind="service"),
        sms(utc(2026, 3, 2, 3), "10086", "【中国移动】您本月话费账单已出，请及时缴费。", kind="service"),
        sms(utc(2026, 3, 2, 15), "10086", "【中国移动】流量提醒", kind="service"),  # 23:00 local, not collection
        sms(utc(2026, 3, 2, 4), MUM, "周末回家吃饭吗"),
    ])
    summary = analyze_case(home, case.id)
    assert summary.findings == 0 and findings(home, case.id) == []


def test_rerun_keeps_user_status_and_note_without_duplicates(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT)])
    first = analyze_case(home, case.id)
    (f,) = findings(home, case.id, label="threat_violence")
    set_status(home, case.id, f.id, "confirm", note="截图已打印")
    second = analyze_case(home, case.id)
    assert second.findings == first.findings and second.new == second.stale == second.updated == 0
    (again,) = findings(home, case.id, label="threat_violence")
    assert (again.id, again.status, again.user_note) == (f.id, "confirmed", "截图已打印")
    assert again.fingerprint == fingerprint("T5", "threat_violence", f"number:{COLLECTOR}")
    with home.store.session() as s:
        actions = [e.action for e in s.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case.id))]
    assert actions.count("analyze") == 2 and actions.count("finding_status") == 1


def test_finding_not_produced_again_is_stale_not_deleted(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, "随便什么内容")])

    def flags(text: str, *, addressee: str | None, time: dt.date | None,
              context: frozenset[str] = frozenset()) -> list[TextHit]:
        return [TextHit("insult", "T6", (0, 2))]

    def silent(text: str, *, addressee: str | None, time: dt.date | None,
               context: frozenset[str] = frozenset()) -> list[TextHit]:
        return []

    analyze_case(home, case.id, scanner=flags)
    (f,) = findings(home, case.id, label="insult")
    set_status(home, case.id, f.id, "dismissed")
    summary = analyze_case(home, case.id, scanner=silent)
    assert summary.stale == 1
    (gone,) = findings(home, case.id, label="insult")
    assert gone.stale and gone.status == "dismissed"
    assert list_findings(home, case.id) == []
    assert [v.id for v in list_findings(home, case.id, include_stale=True)] == [f.id]
    analyze_case(home, case.id, scanner=flags)
    (back,) = findings(home, case.id, label="insult")
    assert not back.stale and back.status == "dismissed" and back.id == f.id


VEILED = "晚上走夜路小心点，别被车撞了"


def test_a_collectors_later_veiled_threat_is_read_with_its_earlier_messages(home: Home) -> None:
    """The same words are a threat from a number that demanded repayment before, and nothing
    from a number that never did (or before it first did); the finding says why."""
    case = make_case(home)
    stranger = "+8617012345699"
    add_events(home, case.id, [
        sms(utc(2026, 3, 1, 2), COLLECTOR, VEILED),  # before its first collection message
        sms(utc(2026, 3, 2, 2), COLLECTOR, "你在我司的借款已逾期5天，今天务必还款。"),
        sms(utc(2026, 3, 3, 14), COLLECTOR, VEILED),
        sms(utc(2026, 3, 3, 15), stranger, VEILED),
    ])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, label="threat_violence")
    assert f.attribution == "17012345601" and f.count == 1
    (ref,) = f.evidence_refs
    with home.store.session() as s:
        ev = s.get(Event, ref["event_id"])
        assert ev is not None and ev.text == VEILED and ev.time_utc.day == 3
    assert "这条消息本身没有提到欠款，是结合同一号码此前发来的催收消息判断的。" in f.summary
    assert "可能违反" in f.summary
    (en,) = [x for x in list_findings(home, case.id, lang="en") if x.label == "threat_violence"]
    assert "read together with the collection messages the same number had sent before" in en.summary
    add_events(home, case.id, [sms(utc(2026, 3, 4, 2), COLLECTOR, "再不还钱，小心我找人打断你的腿")])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, label="threat_violence")
    assert f.count == 2 and "其中1条消息本身没有提到欠款" in f.summary  # the other one says it


def test_night_contact_is_judged_in_the_case_time_zone(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 2), COLLECTOR, "你的借款已逾期，今天必须还款"),  # 10:00 local: makes it a collector
        call(utc(2026, 3, 2, 15), COLLECTOR),  # 23:00 Shanghai: night
        call(utc(2026, 3, 2, 23, 30), COLLECTOR),  # 07:30 next day: night
        call(utc(2026, 3, 3, 3), COLLECTOR),  # 11:00: day
    ])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, rule_id="T1")
    assert f.count == 2 and f.label == "night_contact" and f.severity == "medium"
    assert len(f.evidence_refs) == 2 and all(r["span"] is None for r in f.evidence_refs)
    assert "gbt45251_hours" in f.basis and "行业标准/自律规范" in f.summary


def test_a_burst_of_contact_is_a_finding_citing_private_life(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 2), COLLECTOR, "你的借款已逾期，今天必须还款"),  # makes the number a collector
        *[call(utc(2026, 3, 2, 6, m), COLLECTOR) for m in (0, 4, 9, 15, 22, 28)],  # 6 calls in 28 minutes
        *[call(utc(2026, 3, 3, 6, m), COLLECTOR) for m in (0, 20, 40, 59)],  # 4 in an hour: no burst
    ])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, rule_id="burst")
    assert f.label == "burst" and f.count == 6 and len(f.evidence_refs) == 6
    assert f.basis == ["civil_1033"] and "可能" in f.summary
    assert "28分钟内联系6次" in f.summary, f.summary


def test_calls_from_unknown_numbers_are_not_collection(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [call(utc(2026, 3, 2, 15, m), "+8613900000000") for m in range(0, 50, 5)])
    assert analyze_case(home, case.id).findings == 0


def test_rotating_numbers_are_one_lender_for_attempts_and_rotation(home: Home) -> None:
    case = make_case(home)
    numbers = ["+8617012340001", "+8617112340002", "+8616512340003"]
    events = []
    for i, n in enumerate(numbers):
        events.append(sms(utc(2026, 3, 2, 1, i), n, f"【闪电借】王小明您好，您的借款{1000 + i}元已逾期{3 + i}天，请今日还款。"))
        events += [call(utc(2026, 3, 2, 2 + j, i), n) for j in range(3)]  # 3 calls each: 9 for the lender
    add_events(home, case.id, events)
    summary = analyze_case(home, case.id)
    assert summary.groups[0]["name"] == "闪电借" and len(summary.groups[0]["numbers"]) == 3
    (t3,) = findings(home, case.id, rule_id="T3")
    assert t3.attribution == "闪电借" and t3.count == 9
    (rot,) = findings(home, case.id, rule_id="T14")
    assert rot.label == "number_rotation" and "3" in rot.summary


def test_answered_calls_over_three_a_day(home: Home) -> None:
    case = make_case(home)
    events = [sms(utc(2026, 3, 2, 1), COLLECTOR, "你的欠款今天必须还清")]
    events += [call(utc(2026, 3, 2, 2 + j), COLLECTOR, "answered", 40) for j in range(4)]
    add_events(home, case.id, events)
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, rule_id="T2")
    assert f.count == 4 and "3" in f.summary and "最多一天4次" in f.summary


def test_contact_reporting_collection_is_third_party_finding(home: Home) -> None:
    case = make_case(home)
    add_contact(home, case.id, "妈妈", MUM)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 4, 30), MUM, "儿子，刚才有个陌生人打电话给我，说你借网贷不还，让我转告你赶紧还钱", kind="mobile"),
        sms(utc(2026, 3, 2, 15), MUM, "你欠的钱还了吗？早点睡", kind="mobile"),  # 23:00, but mum is not a collector
    ])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, rule_id="T7")
    assert f.label == "third_party_reached" and f.severity == "high" and f.attribution == "妈妈" and f.count == 1
    assert findings(home, case.id, rule_id="T1") == []


def test_evidence_from_a_contacts_phone_is_scanned_as_third_party(home: Home, tmp_path: Path) -> None:
    case = make_case(home)
    shot = tmp_path / "妈妈手机截图.txt"
    shot.write_text("placeholder", encoding="utf-8")
    with home.transaction(case.id, actor="test") as tx:
        ev, _ = tx.add_original(shot)
        ev.extra = {"owner_role": "contact", "owner_name": "妈妈"}
        tx.session.add(Event(case_id=case.id, evidence_id=ev.id, kind="ocr", direction="in",
                             time_utc=utc(2026, 3, 2, 4), time_raw="x", counterpart_e164=COLLECTOR,
                             text="王小明欠我们平台5000元逾期不还，请转告他尽快还款", locator="bubble 1",
                             dedup_key="k1"))
    analyze_case(home, case.id)
    labels = {f.label for f in findings(home, case.id)}
    assert {"third_party_contact", "third_party_reached"} <= labels


def test_contact_after_stop_request(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 1), COLLECTOR, "你的欠款今天必须还清"),
        sms(utc(2026, 3, 2, 2), COLLECTOR, "请你们立即停止联系我，我会按协商方案还款", direction="out"),
        call(utc(2026, 3, 3, 2), COLLECTOR),
        call(utc(2026, 3, 4, 2), COLLECTOR),
    ])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, rule_id="T8")
    assert f.count == 2 and len(f.evidence_refs) == 3 and "2026-03-02" in f.summary
    # 治安管理处罚法第五十条第二款 needs a police order: stated as a condition, never as "可能违反" alone
    assert f.summary.count("《治安管理处罚法》") == 1
    assert "如公安机关已责令其禁止接触，还可能违反：《治安管理处罚法》第五十条" in f.summary
    # the debtor's own request: private life (民法典 1033), not the standards' duty towards third parties
    assert f.basis == ["civil_1033", "psl2025_50"] and "第一千零三十三条" in f.summary
    assert "GB/T 45251" not in f.summary and "行业标准" not in f.summary


def test_contact_after_a_third_party_refused_cites_the_standards(home: Home) -> None:
    case = make_case(home)
    add_contact(home, case.id, "妈妈", MUM)
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 1), COLLECTOR, "你的欠款今天必须还清"),
        sms(utc(2026, 3, 2, 2), COLLECTOR, "请你们不要再联系我的家人了，有事找我本人", direction="out"),
        sms(utc(2026, 3, 3, 2), MUM, "阿姨您好，您儿子欠我们平台的钱逾期了，请转告他尽快还款"),
    ])
    analyze_case(home, case.id)
    t8 = findings(home, case.id, rule_id="T8")
    assert t8, [f.rule_id for f in findings(home, case.id)]
    assert {"gbt45251_third_party", "cba2026_third_party", "civil_1033", "psl2025_50"} == set(t8[0].basis)
    assert "行业标准" in t8[0].summary


def test_status_inherited_when_a_number_is_later_linked_to_a_lender(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT)])
    analyze_case(home, case.id)
    (f,) = findings(home, case.id, label="threat_violence")
    set_status(home, case.id, f.id, "confirmed", note="我的备注")
    add_events(home, case.id, [sms(utc(2026, 3, 3, 2), COLLECTOR, "【闪电借】您的借款已逾期5天，请今日还款。")])
    summary = analyze_case(home, case.id)
    assert summary.stale == 1
    (new,) = [x for x in findings(home, case.id, label="threat_violence") if not x.stale]
    assert new.attribution == "闪电借" and new.status == "confirmed" and new.user_note == "我的备注"


def test_findings_view_has_excerpts_basis_and_english(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT)])
    analyze_case(home, case.id)
    (v,) = list_findings(home, case.id, label="threat_violence")
    ev = v.evidence[0]
    hs, he = ev["highlight"]
    s, e = ev["span"]
    assert ev["excerpt"][hs:he] == THREAT[s:e] and "【" in ev["marked"] and ev["number"] == "17012345601"
    assert all(b["text"] and b["citation"] for b in v.basis)
    assert {b["strength"] for b in v.basis} <= {"L", "R", "S"}
    (en,) = list_findings(home, case.id, label="threat_violence", lang="en")
    assert "May violate" in en.summary and en.label_name == "Threat of violence"


def test_bad_inputs_are_clear_errors(home: Home) -> None:
    case = make_case(home)
    with pytest.raises(NotFoundError):
        analyze_case(home, "0" * 32)
    assert not home.case_dir("0" * 32).exists()
    with pytest.raises(NotFoundError):
        set_status(home, case.id, 999, "confirm")
    with pytest.raises(UsageError):
        set_status(home, case.id, 1, "maybe")
    with pytest.raises(UsageError):
        list_findings(home, case.id, status="whatever")


def test_empty_case(home: Home) -> None:
    case = make_case(home)
    summary = analyze_case(home, case.id)
    assert summary.as_dict()["findings"] == 0 and summary.events == 0


def test_same_results_on_postgresql(any_home: Home) -> None:
    case = make_case(any_home)
    add_events(any_home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT), call(utc(2026, 3, 2, 15), COLLECTOR)])
    first = analyze_case(any_home, case.id)
    second = analyze_case(any_home, case.id)
    assert first.findings == second.findings >= 2 and second.new == 0
    assert {f.rule_id for f in findings(any_home, case.id)} >= {"T5", "T1"}


def test_a_failing_analysis_changes_nothing(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, THREAT)])

    def broken(text: str, *, addressee: str | None, time: dt.date | None,
               context: frozenset[str] = frozenset()) -> list[TextHit]:
        raise RuntimeError("detector crashed")

    with pytest.raises(RuntimeError):
        analyze_case(home, case.id, scanner=broken)
    assert findings(home, case.id) == []
    with home.store.session() as s:
        actions = [e.action for e in s.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case.id))]
    assert "analyze" not in actions


def test_bursts_and_lender_details_in_the_summary(home: Home) -> None:
    case = make_case(home)
    events = [sms(utc(2026, 3, 2, 1), COLLECTOR, "【闪电借】您的借款1280元已逾期45天，请今日还款。")]
    events += [call(utc(2026, 3, 2, 2, m), COLLECTOR) for m in range(0, 16, 2)]  # 8 calls: T3 too
    add_events(home, case.id, events)
    summary = analyze_case(home, case.id).as_dict()
    (b,) = summary["bursts"]
    assert b["name"] == "闪电借" and b["count"] == 8
    (g,) = summary["groups"]
    assert g["name"] == "闪电借" and g["max_days_overdue"] == 45 and g["amounts"] == ["1280元"]
    assert g["numbers"] == ["17012345601"] and g["findings"] >= 1


def test_summary_is_a_mapping_too(home: Home) -> None:
    case = make_case(home)
    summary = analyze_case(home, case.id)
    assert dict(summary) == summary.as_dict() and summary["findings"] == 0


def test_a_call_back_number_links_two_collector_numbers(home: Home) -> None:
    case = make_case(home)
    other = "+8617112345699"
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 1), COLLECTOR, "你的欠款已逾期，速回电17112345699处理"),
        sms(utc(2026, 3, 2, 2), other, "还钱，不然后果自负"),
    ])
    summary = analyze_case(home, case.id)
    (g,) = summary.groups
    assert g["numbers"] == ["17012345601", "17112345699"]


def test_a_due_date_reminder_at_night_is_not_collection(home: Home) -> None:
    case = make_case(home)
    bank = "95588"
    add_events(home, case.id, [
        sms(utc(2026, 3, 2, 15), bank, "【某银行】您的信用卡本期账单1280元，最后还款日3月20日。", kind="service"),
        call(utc(2026, 3, 2, 15, 30), bank, kind="service"),
    ])
    assert analyze_case(home, case.id).findings == 0
    add_events(home, case.id, [sms(utc(2026, 3, 25, 2), bank, "【某银行】您的信用卡已逾期5天，请尽快还款。", kind="service")])
    analyze_case(home, case.id)
    add_events(home, case.id, [call(utc(2026, 3, 26, 15), bank, kind="service")])  # 23:00, after it chased
    analyze_case(home, case.id)
    (night,) = findings(home, case.id, rule_id="T1")
    assert night.count == 1  # only contact from the first collection message on counts
