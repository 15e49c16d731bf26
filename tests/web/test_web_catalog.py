"""Every UI string exists in Chinese and English; charts escape text and carry titles."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from dunguard.records import CallStatus, Direction, EventKind
from dunguard.web import charts

WEB = Path(str(resources.files("dunguard.web")))
LOCALE = WEB.parent / "locale"
DYNAMIC = {
    "web.kind.": [k.value for k in EventKind],
    "web.dir.": [d.value for d in Direction],
    "web.call.": [c.value for c in CallStatus],
    "web.sev.": ["high", "medium", "low"],
    "web.status.": ["new", "confirmed", "dismissed"],
    "web.method.": ["add", "import", "log", "web-upload"],
    "web.upload.status.": ["imported", "failed", "unrecognised", "container"],
    "web.chart.weekday.": [str(i) for i in range(7)],
    "web.nav.": ["dashboard", "evidence", "timeline", "findings", "interview", "plan", "documents", "integrity"],
}


def _catalog(lang: str) -> dict[str, str]:
    data = yaml.safe_load((LOCALE / lang / "web.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {str(k): str(v) for k, v in data.items()}


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py"), WEB.parent / "cli" / "web.py"]:
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""["'](web\.[a-z_]+(?:\.[a-z_]+)+)["']""", text))
    for prefix, values in DYNAMIC.items():
        keys.discard(prefix.rstrip("."))
        keys |= {prefix + v for v in values}
    return {k for k in keys if not k.endswith(".")}


def test_every_key_is_translated() -> None:
    zh, en = _catalog("zh"), _catalog("en")
    used = _used_keys()
    assert len(used) > 150
    assert sorted(used - set(zh)) == []
    assert sorted(used - set(en)) == []
    assert set(zh) == set(en)
    for key, text in zh.items():
        assert text.strip(), key
        assert sorted(re.findall(r"\{(\w+)\}", text)) == sorted(re.findall(r"\{(\w+)\}", en[key])), key


def test_bar_chart_escapes_labels() -> None:
    svg = str(charts.hbars([('<script>alert(1)</script>', 3), ("马上还钱", 1)], "标题 <b>", "t1"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert 'role="img"' in svg and '<title id="t1">' in svg
    assert "style=" not in svg


def test_heat_map_and_daily_bars() -> None:
    import datetime as dt

    heat = [[0] * 24 for _ in range(7)]
    heat[2][23] = 5
    svg = str(charts.heat_map(heat))
    assert svg.count("<rect") == 7 * 24 and "周三 23:00–23:59: 5" in svg
    assert str(charts.heat_map([[0] * 24 for _ in range(7)])) == ""
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=i), i % 5) for i in range(400)]
    weekly = str(charts.daily_bars(days))
    assert "每周" in weekly and weekly.count("<rect") < 70
    assert str(charts.daily_bars([])) == ""
