"""Timeline statistics: local days, hour × weekday, per-number table, third parties reached."""

from __future__ import annotations

import pytest
from engine_helpers import COLLECTOR, MUM, call, sms

from dunguard.analyze import engine
from dunguard.analyze.engine import analyze_case
from dunguard.analyze.stats import timeline
from dunguard.home import Home
from dunguard.models import Party, Phone
from dunguard.testing import add_events, make_case, utc


def test_timeline_shapes_and_local_time(any_home: Home) -> None:
    home = any_home
    case = make_case(home)
    add_events(home, case.id, [
        call(utc(2026, 3, 2, 15, 30), COLLECTOR, "answered", 60),  # Mon 23:30 local
        call(utc(2026, 3, 2, 16, 30), COLLECTOR),  # Tue 00:30 local: the next local day
        call(utc(2026, 3, 3, 2), COLLECTOR, "rejected"),  # Tue 10:00
        sms(utc(2026, 3, 3, 3), COLLECTOR, "你的欠款今天必须还清"),  # Tue 11:00
        sms(utc(2026, 3, 3, 4), "+8613900000000", "好的", direction="out", kind="mobile"),
    ])
    tl = timeline(home, case.id)
    assert tl["total"] == 5 and tl["kinds"] == {"call": 3, "sms": 2} and tl["timezone"] == "Asia/Shanghai"
    assert [(d["date"], d["total"], d["night"]) for d in tl["per_day"]] == [("2026-03-02", 1, 1), ("2026-03-03", 4, 1)]
    assert tl["per_day"][1]["counts"] == {"call": 2, "sms": 2}
    matrix = tl["hour_weekday"]
    assert len(matrix) == 7 and all(len(r) == 24 for r in matrix)
    assert matrix[0][23] == 1 and matrix[1][0] == 1 and matrix[1][10] == 1 and sum(map(sum, matrix)) == 5
    top = tl["numbers"][0]
    assert top["number"] == COLLECTOR and top["display"] == "17012345601"
    assert (top["total"], top["calls_in"], top["answered"], top["missed"], top["messages_in"], top["night"]) == (
        4, 3, 1, 2, 1, 2)
    assert top["duration_s"] == 60 and top["first"].startswith("2026-03-02T23:30") and top["first"].endswith("+08:00")
    assert tl["numbers_total"] == 2 and tl["range"][0].startswith("2026-03-02T23:30")


def test_third_parties_reached_after_analysis(any_home: Home) -> None:
    home = any_home
    case = make_case(home)
    with home.store.write_session() as s:
        p = Party(case_id=case.id, role="contact", name="妈妈", extra={})
        s.add(p)
        s.flush()
        s.add(Phone(case_id=case.id, party_id=p.id, raw="13800000001", e164=MUM))
    add_events(home, case.id, [sms(utc(2026, 3, 2, 4), MUM, "有个陌生人打电话给我，说你借网贷不还", kind="mobile")])
    assert timeline(home, case.id)["third_parties"] == []
    analyze_case(home, case.id)
    (tp,) = timeline(home, case.id)["third_parties"]
    assert tp["name"] == "妈妈" and tp["numbers"] == ["13800000001"] and tp["events"] == 1 and tp["status"] == "new"


def test_empty_case_timeline(home: Home) -> None:
    case = make_case(home)
    tl = timeline(home, case.id)
    assert tl["total"] == 0 and tl["per_day"] == [] and tl["numbers"] == [] and tl["range"] == [None, None]


def test_sequential_scan_gives_the_same_figures(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    case = make_case(home)
    other = make_case(home, "另一个案件")
    add_events(home, other.id, [call(utc(2026, 3, 1, 1), COLLECTOR)])
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, "你的欠款今天必须还清"),
                               call(utc(2026, 3, 2, 15), COLLECTOR), call(utc(2026, 3, 2, 16), COLLECTOR)])
    indexed = timeline(home, case.id)
    first = analyze_case(home, case.id).as_dict()
    monkeypatch.setattr(engine, "SEQUENTIAL_MIN_EVENTS", 0)
    assert timeline(home, case.id) == indexed
    again = analyze_case(home, case.id).as_dict()
    assert again["events"] == first["events"] == 3 and again["findings"] == first["findings"] and again["updated"] == 0
