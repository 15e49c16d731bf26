"""``dunguard log``: the user's own diary entries become DIARY events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dunguard.home import Home
from dunguard.models import Event, LedgerEntry
from dunguard.testing import make_case, run_cli


def test_log_a_visit_and_a_call(home: Home) -> None:
    case = make_case(home, "日记")
    r = run_cli(
        [
            "log",
            case.id[:8],
            "--time",
            "2024-10-04 22:41",
            "--kind",
            "visit",
            "--note",
            "两人上门，在门口喊话",
        ],
        home=home,
    )
    assert r.code == 0, r.stderr
    assert "已记录" in r.stdout and "2024-10-04 22:41" in r.stdout
    r = run_cli(
        [
            "log",
            case.id,
            "--time",
            "2024-10-05 08:00",
            "--kind",
            "call",
            "--number",
            "13812345678",
            "--duration",
            "2:30",
            "--json",
        ],
        home=home,
    )
    assert r.code == 0 and r.json()["new"] is True
    with home.store.session() as s:
        events = s.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.time_utc)).all()
        actions = s.scalars(select(LedgerEntry.action).where(LedgerEntry.case_id == case.id)).all()
    assert [(e.kind, e.channel, e.direction, e.text, e.duration_s) for e in events] == [
        ("diary", "diary:visit", "in", "两人上门，在门口喊话", None),
        ("diary", "diary:call", "in", None, 150),
    ]
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 14, 41, tzinfo=dt.UTC)
    assert events[1].counterpart_e164 == "+8613812345678"
    assert actions.count("diary") == 2


def test_same_entry_twice_is_not_duplicated(home: Home) -> None:
    case = make_case(home, "日记")
    args = ["log", case.id, "--time", "2024-10-04 22:41", "--kind", "letter", "--note", "收到律师函"]
    assert run_cli(args, home=home).code == 0
    again = run_cli(args, home=home)
    assert again.code == 0 and "已经存在" in again.stdout
    with home.store.session() as s:
        assert len(s.scalars(select(Event.id).where(Event.case_id == case.id)).all()) == 1


def test_bad_input_is_one_clear_line_and_changes_nothing(home: Home) -> None:
    case = make_case(home, "日记")
    for args, words in (
        (["--time", "明天", "--kind", "call", "--note", "x"], "时间无法识别"),
        (["--time", "2024-10-04 22:41", "--kind", "fax", "--note", "x"], "fax"),
        (["--time", "2024-10-04 22:41", "--kind", "call"], "号码"),
    ):
        r = run_cli(["log", case.id, *args], home=home)
        assert r.code != 0 and words in r.stderr and "Traceback" not in r.stderr
    r = run_cli(
        ["log", case.id, "--time", "2024-10-04 22:41", "--kind", "fax", "--note", "x"], home=home, lang="en"
    )
    assert "call, visit, letter or notice" in r.stderr
    with home.store.session() as s:
        assert s.scalars(select(Event.id).where(Event.case_id == case.id)).all() == []


def test_a_logged_stop_notice_makes_later_contact_a_finding(home: Home) -> None:
    """The borrower sent the drafted notice; every collection call after it is counted (T8)."""
    from dunguard.analyze.engine import analyze_case
    from dunguard.models import Finding
    from dunguard.testing import add_events

    case = make_case(home, "通知之后")
    collector = "+8617012345601"
    utc = dt.UTC

    def call(day: int, hour: int) -> dict[str, object]:
        return {"kind": "call", "direction": "in", "time_utc": dt.datetime(2026, 3, day, hour, tzinfo=utc),
                "counterpart_e164": collector, "counterpart_raw": collector[3:], "call_status": "missed",
                "duration_s": 0, "channel": "call", "number_kind": "virtual_mobile"}

    add_events(home, case.id, [
        {"kind": "sms", "direction": "in", "time_utc": dt.datetime(2026, 3, 2, 1, tzinfo=utc),
         "counterpart_e164": collector, "counterpart_raw": collector[3:], "text": "你的欠款已逾期，今天必须还清",
         "channel": "sms", "number_kind": "virtual_mobile"},
        call(2, 3),  # before the notice: not counted
        call(6, 3),
        call(7, 3),
    ])
    r = run_cli(["log", case.id, "--time", "2026-03-05 10:00", "--kind", "notice", "--number", collector[3:],
                 "--note", "已按挂号信寄出书面通知", "--json"], home=home)
    assert r.code == 0, r.stderr
    assert r.json()["direction"] == "out"  # a notice goes out unless told otherwise
    analyze_case(home, case.id)
    with home.store.session() as s:
        (f,) = s.scalars(select(Finding).where(Finding.case_id == case.id, Finding.rule_id == "T8")).all()
        assert f.count == 2 and "2026-03-05" in f.summary
        first = s.get(Event, f.evidence_refs[0]["event_id"])
        assert first is not None and first.channel == "diary:notice"

