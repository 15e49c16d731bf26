"""``dunguard demo`` (what ``make demo`` / ``make run`` build): every stage runs on the shipped
rules, and the demo shows each kind of result a borrower will meet."""

from __future__ import annotations

from pathlib import Path

from dunguard.home import Home
from dunguard.testing import run_cli


def test_demo_runs_every_stage_and_shows_bursts_and_suggestions(tmp_path: Path) -> None:
    home = Home.open(tmp_path / "home")
    try:
        r = run_cli(["demo"], home=home)
        assert r.code == 0, r.stderr
        for step in "①②③④⑤⑥⑦":
            assert step in r.stdout, step
        assert "完整性核验：通过" in r.stdout
        (case,) = run_cli(["case", "list", "--json"], home=home).json()
        rules = {f["rule"] for f in run_cli(["findings", case["id"], "--json"], home=home).json()}
        assert {"burst", "T1", "T7"} <= rules  # a burst of calls, night calls, third parties
        # the veiled contact threat the rules leave alone is offered to the user, not reported
        (s,) = run_cli(["suggestions", case["id"], "--json"], home=home).json()
        assert s["label"] == "threat_contacts" and s["status"] == "suggested"
        out = run_cli(["analyze", case["id"]], home=home).stdout
        assert "另有 1 条程序提示" in out and f"dunguard suggestions {case['id'][:8]}" in out
    finally:
        home.close()
