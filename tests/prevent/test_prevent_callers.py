"""Caller table over the real store: SQL aggregation, findings attribution, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dunguard.home import Home
from dunguard.models import Case, Event, Finding, Party, Phone
from dunguard.prevent.callers import blockable, blocklist_csv, caller_table, table_csv, vcard
from dunguard.testing import add_events, make_case, make_home, utc
from dunguard.timeutil import utcnow


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = make_home(tmp_path / "home")
    yield h  # type: ignore[misc]
    h.close()


def _ev(num: str, kind: str, t: Any, direction: str = "in", **kw: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "direction": direction,
        "time_utc": t,
        "counterpart_raw": num,
        "counterpart_e164": ("+86" + num) if len(num) == 11 else None,
        **kw,
    }


def _case_with_events(home: Home) -> Case:
    case = make_case(home, "催收案")
    events = [
        _ev("13800138000", "call", utc(2026, 3, 1, 14, 0), call_status="missed"),
        _ev("13800138000", "call", utc(2026, 3, 1, 15, 0)),
        _ev("13800138000", "sms", utc(2026, 3, 2, 1, 0), text="还钱"),
        _ev("13800138000", "sms", utc(2026, 3, 3, 1, 0), direction="out", text="别打了"),
        _ev("17012345678", "sms", utc(2026, 3, 5, 2, 0), text="爆通讯录", counterpart_name="=HYPERLINK()"),
        _ev("1065512345", "sms", utc(2026, 3, 6, 2, 0), text="【马上消费】您的账单"),
        _ev("110", "call", utc(2026, 3, 7, 2, 0)),
        _ev("13900139000", "call", utc(2026, 3, 8, 2, 0)),
    ]
    add_events(home, case.id, events)
    return case


def _event_ids(home: Home, case_id: str, raw: str) -> list[int]:
    with home.store.session() as s:
        return list(
            s.scalars(
                select(Event.id).where(
                    Event.case_id == case_id, Event.counterpart_raw == raw, Event.direction == "in"
                )
            )
        )


def _add_finding(
    home: Home, case_id: str, ids: list[int], attribution: str | None, status: str = "new"
) -> None:
    now = utcnow()
    with home.transaction(case_id, actor="test") as tx:
        tx.session.add(
            Finding(
                case_id=case_id,
                fingerprint=f"fp-{ids}-{attribution}-{status}",
                rule_id="T7",
                label="third_party_contact",
                status=status,
                attribution=attribution,
                evidence_refs=[{"event_id": i} for i in ids],
                created_at=now,
                updated_at=now,
            )
        )


def test_counts_first_last_and_flags(any_home: Home) -> None:
    """On SQLite and on PostgreSQL (``any_home`` from tests/conftest.py)."""
    home = any_home
    case = _case_with_events(home)
    rows = {r.number: r for r in caller_table(home, case)}
    main = rows["+8613800138000"]
    assert (main.calls, main.messages, main.total) == (2, 1, 3)  # the outgoing SMS is not counted
    assert main.first_seen == "2026-03-01T22:00:00+08:00"  # case-local time (Asia/Shanghai)
    assert main.last_seen == "2026-03-02T09:00:00+08:00"
    assert not main.virtual and not main.service
    assert rows["+8617012345678"].virtual
    assert rows["1065512345"].service
    assert set(rows) == {"+8613800138000", "+8617012345678", "1065512345", "110", "+8613900139000"}
    assert rows["1065512345"].signatures == ["马上消费"]  # claimed sender, information only
    assert rows["1065512345"].tag == "催收-未知"


def test_findings_give_lender_and_count(any_home: Home) -> None:
    home = any_home
    case = _case_with_events(home)
    ids_main = _event_ids(home, case.id, "13800138000")
    ids_virtual = _event_ids(home, case.id, "17012345678")
    _add_finding(home, case.id, ids_main, "马上消费金融")
    _add_finding(home, case.id, ids_main[:1] + ids_virtual, "马上消费金融")
    _add_finding(home, case.id, ids_virtual, "某某催收公司")
    _add_finding(home, case.id, ids_virtual, "被驳回的", status="dismissed")
    rows = caller_table(home, case)
    assert rows[0].number in ("+8613800138000", "+8617012345678")
    by = {r.number: r for r in rows}
    assert by["+8613800138000"].findings == 2
    assert by["+8613800138000"].tag == "催收-马上消费金融"
    assert by["+8617012345678"].findings == 2
    assert "被驳回的" not in by["+8617012345678"].lenders
    assert by["+8613900139000"].tag == "催收-未知"


def test_lender_party_phone_attributes_number(home: Home) -> None:
    case = _case_with_events(home)
    with home.store.write_session() as s:
        p = Party(case_id=case.id, role="collector", name="XX资产管理", extra={})
        s.add(p)
        s.flush()
        s.add(Phone(case_id=case.id, party_id=p.id, raw="13900139000", e164="+8613900139000"))
    by = {r.number: r for r in caller_table(home, case)}
    assert by["+8613900139000"].lender == "XX资产管理"


def test_blocklist_excludes_short_government_numbers(home: Home) -> None:
    case = _case_with_events(home)
    _add_finding(home, case.id, _event_ids(home, case.id, "13800138000"), "马上消费金融")
    rows = caller_table(home, case)
    assert [r.number for r in blockable(rows)] == ["+8613800138000"]
    everything = [r.number for r in blockable(rows, include_all=True)]
    assert "110" not in everything and "1065512345" in everything


def test_exports(home: Home) -> None:
    case = _case_with_events(home)
    _add_finding(home, case.id, _event_ids(home, case.id, "17012345678"), "快借;平台,一")
    rows = caller_table(home, case)
    table = list(csv.DictReader(io.StringIO(table_csv(rows))))
    assert len(table) == 5
    virt = next(r for r in table if r["number"] == "+8617012345678")
    assert virt["virtual"] == "1" and virt["tag"] == "催收-快借;平台,一"
    assert virt["name"] == "'=HYPERLINK()"  # formula neutralised

    card = vcard(blockable(rows))
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "TEL;TYPE=VOICE:+8617012345678" in card
    assert "FN:催收-快借\\;平台\\,一 +8617012345678" in card
    assert "CATEGORIES:催收,DunGuard" in card
    for line in card.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75

    bl = list(csv.reader(io.StringIO(blocklist_csv(blockable(rows)))))
    assert bl[0][2] == "Phone 1 - Value" and bl[1][2] == "+8617012345678"


def test_vcard_folding_keeps_utf8_intact() -> None:
    from dunguard.prevent.callers import CallerRow

    row = CallerRow("+8613800138000", "mobile", False, False, None, 1, 0, 0, 1, "2026-01-01", "2026-01-02")
    row.lenders = ["很长的平台名称" * 10]
    card = vcard([row])
    unfolded = card.replace("\r\n ", "")
    assert "很长的平台名称" * 10 in unfolded
    assert all(len(x.encode()) <= 75 for x in card.split("\r\n"))


def test_empty_case(home: Home) -> None:
    case = make_case(home, "空案件")
    assert caller_table(home, case) == []
    assert vcard([]) == ""


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SMS_BACKUP = SHARED / "sms_backup_restore" / "devadvance_sms_small.xml"


@pytest.mark.skipif(not SMS_BACKUP.exists(), reason="../shared/data/sms_backup_restore not present")
def test_caller_table_after_a_real_import(home: Home) -> None:
    """A real SMS Backup & Restore file through the real importer, then the caller table."""
    from dunguard.ingest.pipeline import import_paths

    case = make_case(home, "真实备份")
    import_paths(home, case.id, [SMS_BACKUP])
    rows = caller_table(home, case)
    with home.store.session() as s:
        incoming = s.scalars(
            select(Event.counterpart_e164).where(Event.case_id == case.id, Event.direction == "in")
        ).all()
    assert rows, "the backup has received messages"
    assert sum(r.total for r in rows) == len(incoming)
    assert {r.number for r in rows} == {n for n in incoming if n}
    for r in rows:
        assert r.first_seen <= r.last_seen
        assert r.kind  # from the importer's numbers table
