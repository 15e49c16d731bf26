"""The timeline: Chinese full-text search (substring, escaped), filters and cursor paging."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from web_helpers import Browser

from dunguard.home import Home
from dunguard.testing import add_events, make_case, utc
from dunguard.web.timeline import TimelineFilter, find_spans, split_marked, timeline_page

TEXTS = {
    "contacts": "王小明你再不还钱，我们就把你欠钱的事发给你通讯录里所有人",
    "spaced": "通讯 录是什么",  # a space in the middle: not a match for 通讯录
    "visit": "明天上门，到你单位找你领导",
    "percent": "利息只要100%，今天必须还",
    "underscore": "账号 wang_xm 已冻结",
    "trad": "發給你通訊錄",  # traditional characters are different characters
    "english": "Pay NOW or we call your Mom",
}


def _case(home: Home) -> str:
    case = make_case(home, "搜索测试")
    rows = []
    for i, (key, text) in enumerate(TEXTS.items()):
        rows.append({"kind": "sms", "direction": "in", "time_utc": utc(2024, 5, 1 + i, 3),
                     "counterpart_raw": "1700000000" + str(i), "counterpart_e164": "+861700000000" + str(i),
                     "text": text, "locator": key})
    rows.append({"kind": "call", "direction": "in", "time_utc": utc(2024, 5, 20, 3), "counterpart_raw": "13800138000",
                 "counterpart_e164": "+8613800138000", "counterpart_name": "通讯录里的妈妈", "duration_s": 20,
                 "call_status": "answered", "locator": "call"})
    add_events(home, case.id, rows)
    return case.id


def _locators(home: Home, case_id: str, **kw: object) -> list[str]:
    page = timeline_page(home, case_id, TimelineFilter(**kw))  # type: ignore[arg-type]
    return [e.locator for e in page.rows]


def test_chinese_substring_search(home: Home) -> None:
    cid = _case(home)
    assert _locators(home, cid, query="通讯录") == ["contacts", "call"]  # text and contact name
    assert _locators(home, cid, query="讯录") == ["contacts", "call"]
    assert _locators(home, cid, query="上门") == ["visit"]
    assert _locators(home, cid, query="单位找你领导") == ["visit"]
    assert _locators(home, cid, query="通訊錄") == ["trad"]
    assert _locators(home, cid, query="领导们") == []


def test_like_wildcards_are_literal(home: Home) -> None:
    cid = _case(home)
    assert _locators(home, cid, query="%") == ["percent"]
    assert _locators(home, cid, query="100%") == ["percent"]
    assert _locators(home, cid, query="_") == ["underscore"]
    assert _locators(home, cid, query="g_x") == ["underscore"]
    assert _locators(home, cid, query="\\") == []


def test_search_page_highlights_matches(web: Browser, home: Home) -> None:
    cid = _case(home)
    page = web.get(f"/cases/{cid}/timeline?q=通讯录").text
    assert "共 2 条记录" in page
    assert "<mark>通讯录</mark>里所有人" in page
    assert "上门" not in page.split("</form>", 1)[1]
    doc = lxml_html.fromstring(page)
    assert doc.xpath('//input[@id="q"]/@value') == ["通讯录"]


def test_filters_by_number_kind_date_and_label(web: Browser, home: Home) -> None:
    from dunguard.models import Event, Finding
    from dunguard.timeutil import utcnow

    cid = _case(home)
    assert _locators(home, cid, number="17000000002") == ["visit"]
    assert _locators(home, cid, number="+86 170 0000 0002") == ["visit"]
    assert _locators(home, cid, kinds=["call"]) == ["call"]
    since = dt.datetime(2024, 5, 3, tzinfo=dt.UTC)
    until = dt.datetime(2024, 5, 5, tzinfo=dt.UTC)
    assert _locators(home, cid, since=since, until=until) == ["visit", "percent"]
    with home.store.session() as s:
        visit = s.query(Event).filter(Event.case_id == cid, Event.locator == "visit").one()
        now = utcnow()
        s.add(Finding(case_id=cid, fingerprint="f" * 64, rule_id="T13", label="threat_visit", severity="high",
                      summary="威胁上门", evidence_refs=[{"event_id": visit.id, "span": [2, 4]}],
                      created_at=now, updated_at=now))
        s.commit()
    assert _locators(home, cid, label="threat_visit") == ["visit"]
    page = web.get(f"/cases/{cid}/timeline?label=threat_visit&kind=sms").text
    assert "共 1 条记录" in page and "明天上门" in page
    dated = web.get(f"/cases/{cid}/timeline?since=2024-05-03&until=2024-05-04").text  # local dates, inclusive
    assert "共 2 条记录" in dated
    bad = web.client.get(f"/cases/{cid}/timeline?kind=fax")
    assert bad.status_code == 400 and "fax" in bad.text


def test_cursor_pages_walk_every_event_once(web: Browser, home: Home) -> None:
    case = make_case(home, "翻页")
    start = utc(2024, 1, 1)
    add_events(home, case.id, [
        {"kind": "call", "direction": "in", "time_utc": start + dt.timedelta(minutes=i // 2),  # ties in time
         "counterpart_raw": "17000000000", "duration_s": i, "locator": f"c{i}"} for i in range(250)
    ])
    seen: list[str] = []
    url = f"/cases/{case.id}/timeline"
    pages = 0
    while url:
        page = web.get(url).text
        seen += re.findall(r"位置 (c\d+)", page)
        nxt = lxml_html.fromstring(page).xpath('//a[@rel="next"]/@href')
        url = str(nxt[0]) if isinstance(nxt, list) and nxt else ""
        pages += 1
    assert pages == 3
    assert seen == [f"c{i}" for i in range(250)]
    assert web.client.get(f"/cases/{case.id}/timeline?after=garbage").status_code == 400
    huge = "2024-01-01T00:00:00%2B00:00_99999999999999999999999"
    assert web.client.get(f"/cases/{case.id}/timeline?after={huge}").status_code == 400


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=40), st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45)), max_size=5))
def test_split_marked_keeps_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    pieces = split_marked(text, spans)
    assert "".join(p for p, _ in pieces) == text


@given(st.text(alphabet="通讯录上门还钱%_ abAB", max_size=30), st.text(alphabet="通讯录%_ aA", min_size=1, max_size=3))
def test_find_spans_point_at_the_query(text: str, query: str) -> None:
    q = query.strip()
    for start, end in find_spans(text, query):
        assert text[start:end].lower() == q.lower()


def test_highlight_ignores_the_case_of_latin_letters_like_the_search() -> None:
    assert find_spans("Pay NOW or we call your Mom", "pay now") == [(0, 7)]
    assert find_spans("通讯录", "通讯") == [(0, 2)]


def test_whole_case_total_is_exact_beyond_the_cap(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    from dunguard.web import timeline as tl

    case = make_case(home, "计数")
    add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(2024, 1, 1) + dt.timedelta(minutes=i),
                                "counterpart_raw": "10690000", "text": f"第{i}条"} for i in range(30)])
    monkeypatch.setattr(tl, "COUNT_CAP", 10)
    whole = timeline_page(home, case.id, TimelineFilter(kinds=[]))
    assert whole.total == 30 and not whole.total_capped
    searched = timeline_page(home, case.id, TimelineFilter(query="第"))
    assert searched.total == 10 and searched.total_capped


@given(st.text(max_size=80))
def test_any_cursor_is_parsed_or_refused_cleanly(raw: str) -> None:
    from dunguard.errors import UsageError
    from dunguard.web.timeline import parse_cursor

    try:
        parsed = parse_cursor(raw)
    except UsageError:
        return
    assert parsed is None or (parsed[0].tzinfo is not None and 0 <= parsed[1] < 2**63)
