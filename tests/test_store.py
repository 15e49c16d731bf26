"""The case store on SQLite and on a real PostgreSQL server (same code, same tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dunguard.cases import create_case, delete_case, list_cases, resolve_case
from dunguard.errors import AmbiguousError, NotFoundError, UsageError
from dunguard.home import Home
from dunguard.models import Event, Party, Phone
from dunguard.testing import add_events
from dunguard.verify import verify_case


def test_create_resolve_list_delete(any_home: Home) -> None:
    case = create_case(any_home, "马上金融催收", debtor_name="张三", debtor_phone="13800138000")
    assert resolve_case(any_home, case.id).title == "马上金融催收"
    assert resolve_case(any_home, case.id[:6]).id == case.id
    assert resolve_case(any_home, "马上金融催收").id == case.id
    summaries = {c.id: c for c in list_cases(any_home)}
    assert summaries[case.id].debtor == "张三"
    with any_home.store.session() as s:
        phone = s.scalar(select(Phone).join(Party).where(Party.case_id == case.id))
        assert phone is not None and phone.e164 == "+8613800138000" and phone.raw == "13800138000"
    assert verify_case(any_home, case.id).ok
    delete_case(any_home, case.id)
    with pytest.raises(NotFoundError):
        resolve_case(any_home, case.id)
    assert not any_home.case_dir(case.id).exists()


def test_unknown_and_ambiguous_prefix(any_home: Home) -> None:
    ids = {create_case(any_home, f"案件{i}").id for i in range(40)}
    with pytest.raises(NotFoundError):
        resolve_case(any_home, "不存在的案件")
    # with 40 random ids, some single hex digit prefix is shared; 4+ chars are needed anyway
    first = sorted(ids)[0]
    twins = [i for i in ids if i[:4] == first[:4]]
    if len(twins) > 1:
        with pytest.raises(AmbiguousError):
            resolve_case(any_home, first[:4])
    with pytest.raises(NotFoundError):
        resolve_case(any_home, first[:2])  # too short to be a prefix


def test_empty_title_refused(any_home: Home) -> None:
    with pytest.raises(UsageError):
        create_case(any_home, "   ")


def test_times_round_trip_as_aware_utc(any_home: Home) -> None:
    case = create_case(any_home, "时间")
    shanghai = dt.timezone(dt.timedelta(hours=8))
    t = dt.datetime(2026, 1, 1, 7, 30, 15, tzinfo=shanghai)
    add_events(any_home, case.id, [{"kind": "sms", "direction": "in", "time_utc": t.astimezone(dt.UTC),
                                    "utc_offset_minutes": 480, "text": "测试"}])
    with any_home.store.session() as s:
        ev = s.scalars(select(Event).where(Event.case_id == case.id)).one()
    assert ev.time_utc == t
    assert ev.time_utc.utcoffset() == dt.timedelta(0)
    assert ev.time_utc.hour == 23


def test_naive_datetime_refused(any_home: Home) -> None:
    case = create_case(any_home, "naive")
    with pytest.raises(Exception, match="naive"):
        add_events(any_home, case.id, [{"kind": "sms", "time_utc": dt.datetime(2026, 1, 1), "text": "x"}])
    with any_home.store.session() as s:
        assert s.scalars(select(Event).where(Event.case_id == case.id)).first() is None


def test_migrations_are_idempotent(tmp_path):  # type: ignore[no-untyped-def]
    h1 = Home.open(tmp_path / "h")
    create_case(h1, "one")
    h1.close()
    h2 = Home.open(tmp_path / "h")  # opening again must not re-run or fail
    assert [c.title for c in list_cases(h2)] == ["one"]
    h2.close()
