"""The hotlines the action plan sends people to belong to the authorities it names.

Checked against a third-party table of official Chinese service numbers
(../shared/data/phone_numbers, from github:metowolf/vCards): wherever a number in
``act/data/channels.yaml`` or ``plan.yaml`` appears there, the organisation that table
gives for it must be the one our text names.  A wrong digit would send a harassed
borrower to the wrong office.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from dunguard.act.plan import channel_data, plan_data

OFFICIAL = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "phone_numbers" / "metowolf_vcards_cn_official_numbers.json"
)
pytestmark = pytest.mark.skipif(not OFFICIAL.exists(), reason=f"shared test data not available: {OFFICIAL}")

HOTLINE = re.compile(r"(?<!\d)(12\d{3}|96\d{3})(?!\d)")


def _official() -> dict[str, str]:
    data = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for rec in data["records"]:
        for phone in rec["phones"]:
            digits = re.sub(r"\D", "", phone["number"])
            out.setdefault(digits, rec["organization"])
    return out


def _texts(node: Any) -> list[str]:
    """Every Chinese string in a YAML tree (``{zh: ..., en: ...}`` pairs and plain strings)."""
    if isinstance(node, dict):
        if "zh" in node and isinstance(node["zh"], str):
            return [node["zh"]]
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return [node] if isinstance(node, str) else []


def test_channel_hotlines_name_the_authority_the_official_table_gives() -> None:
    official = _official()
    checked = []
    for cid, raw in channel_data()["channels"].items():
        name = raw["name"]["zh"]
        for number in HOTLINE.findall(" ".join(_texts(raw))):
            org = official.get(number)
            if org is None:
                continue  # not in the table (12378, 12363, 12377): nothing to compare with
            assert org in name, f"{cid}: {number} belongs to {org}, the channel says {name}"
            checked.append(number)
    # the table knows 12321 and 12300; if none was compared, the check itself is broken
    assert {"12321", "12300"} <= set(checked)


def test_hotlines_in_the_plan_texts_are_channels_we_describe() -> None:
    official = _official()
    described = " ".join(raw["name"]["zh"] for raw in channel_data()["channels"].values())
    mentioned = {n for text in _texts(plan_data()) for n in HOTLINE.findall(text)}
    assert mentioned, "the plan mentions no hotline: the pattern no longer matches"
    for number in mentioned:
        assert number in described, f"plan.yaml mentions {number}, but no channel describes it"
        org = official.get(number)
        if org is not None:
            channel_name = next(
                raw["name"]["zh"] for raw in channel_data()["channels"].values() if number in raw["name"]["zh"]
            )
            assert org in channel_name, f"{number} belongs to {org}, our channel says {channel_name}"
