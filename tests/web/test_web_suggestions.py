"""The findings page's "程序提示" section: suggestions with <mark>ed cues, yes / no buttons, CSRF."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyze"))

from engine_helpers import COLLECTOR, sms
from model_helpers import NEUTRAL, tiny_model
from web_helpers import Browser

from dunguard.analyze.engine import analyze_case
from dunguard.analyze.findings import list_findings
from dunguard.analyze.suggestions import list_suggestions
from dunguard.home import Home
from dunguard.testing import add_events, make_case, utc


def _case(home: Home) -> str:
    case = make_case(home, "网页提示")
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, NEUTRAL),
                               sms(utc(2026, 3, 2, 3), COLLECTOR, "今天天气不好，朋友们不要出门")])
    analyze_case(home, case.id, model=tiny_model())
    return case.id


def test_page_lists_suggestions_in_plain_chinese_without_calling_them_violations(home: Home, web: Browser) -> None:
    case_id = _case(home)
    page = web.get(f"/cases/{case_id}/findings")
    assert page.status_code == 200
    html = page.text
    assert "程序提示：可能也有问题（请您判断）" in html
    assert "<mark>天气</mark>" in html and "侮辱谩骂" in html
    assert "是，算作问题" in html and "不是" in html
    assert ("较可能" in html) or ("可能" in html)
    section = html[html.index('id="suggestions"'):]
    assert "违法" not in section.split("</section>")[0]


def test_yes_reanalyses_so_the_finding_appears(home: Home, web: Browser) -> None:
    case_id = _case(home)
    web.get(f"/cases/{case_id}/findings")
    first = list_suggestions(home, case_id)[0]
    resp = web.post(f"/cases/{case_id}/suggestions/{first.id}", {"status": "confirmed"})
    assert resp.status_code == 303
    (f,) = list_findings(home, case_id)
    assert f.label == "insult" and "用户确认" in f.summary
    page = web.get(f"/cases/{case_id}/findings").text
    assert "用户确认" in page and f'id="suggestion-{first.id}"' not in page


def test_no_removes_it_for_good(home: Home, web: Browser) -> None:
    case_id = _case(home)
    web.get(f"/cases/{case_id}/findings")
    first = list_suggestions(home, case_id)[0]
    assert web.post(f"/cases/{case_id}/suggestions/{first.id}", {"status": "dismissed"}).status_code == 303
    analyze_case(home, case_id, model=tiny_model())
    assert first.id not in [s.id for s in list_suggestions(home, case_id)]
    assert f'id="suggestion-{first.id}"' not in web.get(f"/cases/{case_id}/findings").text
    assert list_findings(home, case_id) == []


def test_post_needs_the_csrf_token_and_a_known_answer(home: Home, web: Browser) -> None:
    case_id = _case(home)
    web.get(f"/cases/{case_id}/findings")
    sid = list_suggestions(home, case_id)[0].id
    forged = web.client.post(f"/cases/{case_id}/suggestions/{sid}", data={"status": "confirmed"},
                             follow_redirects=False)
    assert forged.status_code in (400, 403)
    bad = web.post(f"/cases/{case_id}/suggestions/{sid}", {"status": "maybe"})
    assert bad.status_code == 400
    assert [s.status for s in list_suggestions(home, case_id, "all")] == ["suggested", "suggested"]
