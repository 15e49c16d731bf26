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
    assert "call, visit or letter" in r.stderr
    with home.store.session() as s:
        assert s.scalars(select(Event.id).where(Event.case_id == case.id)).all() == []
