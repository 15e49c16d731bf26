"""记一笔: the diary form stores a DIARY event and a logged stop notice becomes a T8 finding."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from web_helpers import Browser

from dunguard.home import Home
from dunguard.models import Event, Finding
from dunguard.testing import add_events, make_case, utc

COLLECTOR = "+8617012345601"


def _call(when: dt.datetime) -> dict[str, object]:
    return {"kind": "call", "direction": "in", "time_utc": when, "counterpart_e164": COLLECTOR,
            "counterpart_raw": COLLECTOR[3:], "call_status": "missed", "duration_s": 0, "channel": "call",
            "number_kind": "virtual_mobile"}


def test_log_a_stop_notice_from_the_timeline(web: Browser, home: Home) -> None:
    case = make_case(home, "记一笔")
    add_events(home, case.id, [
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 2, 1), "counterpart_e164": COLLECTOR,
         "counterpart_raw": COLLECTOR[3:], "text": "你的欠款已逾期，今天必须还清", "channel": "sms",
         "number_kind": "virtual_mobile"},
        _call(utc(2026, 3, 6, 3)),
        _call(utc(2026, 3, 7, 3)),
    ])
    page = web.get(f"/cases/{case.id}/timeline")
    assert f'href="/cases/{case.id}/log"' in page.text
    form = web.get(f"/cases/{case.id}/log")
    assert form.status_code == 200 and "停止联系通知" in form.text
    resp = web.post(f"/cases/{case.id}/log", data={
        "kind": "notice", "time": "2026-03-05T10:00", "number": COLLECTOR[3:], "note": "已寄出书面告知函",
        "direction": "", "duration": "",
    }, follow_redirects=True)
    assert resp.status_code == 200 and "已记录" in resp.text
    with home.store.session() as s:
        (notice,) = s.scalars(select(Event).where(Event.case_id == case.id, Event.kind == "diary")).all()
        assert (notice.channel, notice.direction, notice.text) == ("diary:notice", "out", "已寄出书面告知函")
        assert notice.time_utc == dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
        (t8,) = s.scalars(select(Finding).where(Finding.case_id == case.id, Finding.rule_id == "T8")).all()
        assert t8.count == 2  # the two calls after the notice (analysed right after saving)


def test_a_bad_entry_is_refused_in_plain_chinese_and_stores_nothing(web: Browser, home: Home) -> None:
    case = make_case(home, "记一笔")
    web.get(f"/cases/{case.id}/log")
    resp = web.post(f"/cases/{case.id}/log", data={"kind": "visit", "time": "昨天晚上", "note": "上门"})
    assert resp.status_code == 400 and "时间无法识别" in resp.text and "Traceback" not in resp.text
    with home.store.session() as s:
        assert s.scalars(select(Event).where(Event.case_id == case.id)).all() == []


def test_the_form_needs_the_csrf_token(web: Browser, home: Home) -> None:
    case = make_case(home, "记一笔")
    resp = web.client.post(f"/cases/{case.id}/log", data={"kind": "call", "time": "2026-03-05T10:00",
                                                          "note": "x", "csrf_token": "forged"})
    assert resp.status_code == 403
