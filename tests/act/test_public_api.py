"""The public surface of dunguard.act is explicit and importable."""

from __future__ import annotations

import json

import dunguard.act as act
from dunguard.act.interview import definition


def test_public_surface_is_pinned() -> None:
    assert len(set(act.__all__)) == len(act.__all__)
    assert set(act.__all__) == {
        "KINDS", "CaseFacts", "Step", "compose", "draft", "load_answers_file", "load_facts", "make_plan",
        "pending", "plan_for_case", "render_html", "save_answers", "write_report",
    }
    for name in act.__all__:
        assert getattr(act, name) is not None


def test_interview_definition_is_json_for_the_web_wizard() -> None:
    data = json.loads(json.dumps(definition().as_dict(), ensure_ascii=False))
    ids = [q["id"] for q in data["questions"]]
    assert ids[0] == "goals" and "lenders" in ids
    assert {c["id"] for c in data["questions"][0]["choices"]} == set(data["goals"])
