"""``dunguard suggestions`` / ``dunguard suggestion``, through the real entry point."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyze"))

from engine_helpers import COLLECTOR, sms
from model_helpers import NEUTRAL, tiny_model

from dunguard.analyze.engine import analyze_case
from dunguard.home import Home
from dunguard.testing import add_events, make_case, run_cli, utc


def _case(home: Home) -> str:
    case = make_case(home, "程序提示")
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), COLLECTOR, NEUTRAL)])
    analyze_case(home, case.id, model=tiny_model())
    return case.id


def test_list_confirm_and_see_the_finding(home: Home) -> None:
    case_id = _case(home)
    text = run_cli(["suggestions", case_id[:8]], home=home)
    assert text.code == 0 and "程序提示" in text.stdout and "侮辱谩骂" in text.stdout and "【天气】" in text.stdout
    (s,) = run_cli(["suggestions", case_id[:8], "--json"], home=home).json()
    assert s["label"] == "insult" and s["status"] == "suggested" and s["source"] == "model"

    done = run_cli(["suggestion", case_id[:8], str(s["id"]), "confirm", "--note", "是骂人"], home=home)
    assert done.code == 0 and "已确认" in done.stdout and "dunguard analyze" in done.stdout
    assert run_cli(["suggestions", case_id[:8], "--json"], home=home).json() == []
    (c,) = run_cli(["suggestions", case_id[:8], "--status", "confirmed", "--json"], home=home).json()
    assert c["id"] == s["id"] and c["note"] == "是骂人"
    run_cli(["analyze", case_id[:8]], home=home)
    (f,) = run_cli(["findings", case_id[:8], "--json"], home=home).json()
    assert f["label"] == "insult" and "用户确认" in f["summary"]


def test_dismiss_and_errors_are_one_line(home: Home) -> None:
    case_id = _case(home)
    (s,) = run_cli(["suggestions", case_id[:8], "--json"], home=home).json()
    done = run_cli(["suggestion", case_id[:8], str(s["id"]), "dismiss", "--json"], home=home).json()
    assert done["status"] == "dismissed"
    assert "没有待您判断" in run_cli(["suggestions", case_id[:8]], home=home).stdout
    missing = run_cli(["suggestion", case_id[:8], "999", "confirm"], home=home)
    assert missing.code == 1 and "999" in missing.stderr and "Traceback" not in missing.stderr
    bad = run_cli(["suggestions", case_id[:8], "--status", "whatever"], home=home)
    assert bad.code == 2 and "whatever" in bad.stderr and "Traceback" not in bad.stderr
