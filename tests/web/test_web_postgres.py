"""The same pages on SQLite and on a real PostgreSQL server (dashboard, search, findings)."""

from __future__ import annotations

import pytest
from web_helpers import Browser, make_client

from dunguard.home import Home
from dunguard.testing import add_events, make_case, utc
from dunguard.web.stats import clear_cache


@pytest.mark.pg
def test_dashboard_timeline_and_evidence_on_both_databases(any_home: Home) -> None:
    clear_cache()
    case = make_case(any_home, "两种数据库")
    add_events(any_home, case.id, [
        {"kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 1, 15, 30), "counterpart_raw": "17012345601",
         "counterpart_e164": "+8617012345601", "text": "再不还钱就打给你通讯录里的人，100%说到做到"},
        {"kind": "call", "direction": "in", "time_utc": utc(2024, 5, 2, 1), "counterpart_raw": "17012345601",
         "counterpart_e164": "+8617012345601", "duration_s": 12, "call_status": "missed"},
        {"kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 3, 2), "counterpart_raw": "10690000",
         "text": "您的账单已出"},
    ])
    with make_client(any_home) as client:
        web = Browser(client)
        dash = web.get(f"/cases/{case.id}").text
        assert dash.count("<svg") >= 2 and "17012345601" in dash
        found = web.get(f"/cases/{case.id}/timeline?q=通讯录").text
        assert "共 1 条记录" in found and "<mark>通讯录</mark>" in found
        assert "共 1 条记录" in web.get(f"/cases/{case.id}/timeline?q=100%25").text
        assert "共 2 条记录" in web.get(f"/cases/{case.id}/timeline?number=17012345601").text
        assert "共 1 条记录" in web.get(f"/cases/{case.id}/timeline?since=2024-05-03").text
        assert web.get(f"/cases/{case.id}/evidence").status_code == 200
        assert web.get(f"/cases/{case.id}/findings").status_code == 200
