"""The analyze / findings / finding / timeline commands, through the real entry point."""

from __future__ import annotations

from engine_helpers import COLLECTOR, THREAT, call, sms

from dunguard.home import Home
from dunguard.testing import add_events, make_case, run_cli, utc


def _case(home: Home) -> str:
    case = make_case(home, "命令行测试")
    add_events(home, case.id, [sms(utc(2026, 3, 2, 15), COLLECTOR, THREAT), call(utc(2026, 3, 2, 15, 30), COLLECTOR)])
    return case.id


def test_analyze_then_review_findings(home: Home) -> None:
    case_id = _case(home)
    res = run_cli(["analyze", case_id[:8]], home=home)
    assert res.code == 0 and "可能违法" in res.stdout and "暴力威胁" in res.stdout
    data = run_cli(["analyze", case_id[:8], "--json"], home=home).json()
    assert data["findings"] >= 2 and data["new"] == 0 and data["by_label"]["threat_violence"] == 1

    listed = run_cli(["findings", case_id[:8], "--json", "--label", "threat_violence"], home=home).json()
    (f,) = listed
    assert f["rule"] == "T5" and f["evidence"][0]["marked"].count("【") == 1

    done = run_cli(["finding", case_id[:8], str(f["id"]), "confirm", "--note", "已报警"], home=home)
    assert done.code == 0 and "已确认" in done.stdout
    run_cli(["analyze", case_id[:8]], home=home)
    again = run_cli(["findings", case_id[:8], "--json", "--status", "confirmed"], home=home).json()
    assert [(x["id"], x["note"]) for x in again] == [(f["id"], "已报警")]

    text = run_cli(["findings", case_id[:8]], home=home)
    assert text.code == 0 and "可能违反" in text.stdout and "已确认" in text.stdout


def test_timeline_command(home: Home) -> None:
    case_id = _case(home)
    data = run_cli(["timeline", case_id[:8], "--json"], home=home).json()
    assert data["total"] == 2 and data["per_day"][0]["night"] == 2
    res = run_cli(["timeline", case_id[:8]], home=home)
    assert res.code == 0 and "17012345601" in res.stdout


def test_errors_are_one_line(home: Home) -> None:
    case_id = _case(home)
    res = run_cli(["finding", case_id[:8], "4242", "dismiss"], home=home)
    assert res.code == 1 and "4242" in res.stderr and "Traceback" not in res.stderr
    res = run_cli(["findings", case_id[:8], "--status", "maybe"], home=home)
    assert res.code != 0 and "maybe" in res.stderr
    res = run_cli(["analyze", "nosuchcase"], home=home)
    assert res.code == 1 and "Traceback" not in res.stderr
    en = run_cli(["finding", case_id[:8], "4242", "dismiss"], home=home, lang="en")
    assert "no finding with id 4242" in en.stderr
