"""The case report: one self-contained HTML file (inline CSS and SVG), or a PDF through WeasyPrint.

``write_report(home, case_id, path)`` — the suffix chooses: ``.pdf`` renders the same HTML
with WeasyPrint and the Noto CJK fonts (Debian ``fonts-noto-cjk``); anything else is HTML.
Contents: summary, charts (messages and calls per day, hour × weekday, top numbers, third
parties reached), findings with evidence excerpts and highlighted spans and the exact statute
text, the plan's next steps, the timeline, the evidence list and the ledger's head hash.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from dunguard import __version__
from dunguard.act import charts
from dunguard.act.facts import CaseFacts, Excerpt, group_findings, load_facts
from dunguard.act.plan import make_plan
from dunguard.analyze.rulebook import load
from dunguard.errors import StorageError, UsageError
from dunguard.home import Home

MESSAGE_KINDS = ("sms", "mms", "chat", "ocr")
SEVERITY_ZH = {"high": "严重", "medium": "中等", "low": "轻微"}


def _event_stats(home: Home, facts: CaseFacts) -> dict[str, Any]:
    """Chart data from the analysis timeline (``dunguard.analyze.stats.timeline``)."""
    from dunguard.analyze.stats import timeline

    tl = timeline(home, facts.case_id, top_numbers=10)
    messages: dict[dt.date, int] = {}
    calls: dict[dt.date, int] = {}
    for row in tl["per_day"]:
        day = dt.date.fromisoformat(row["date"])
        counts = row["counts"]
        messages[day] = sum(v for k, v in counts.items() if k in MESSAGE_KINDS)
        calls[day] = int(counts.get("call", 0))
    days: list[dt.date] = []
    if messages:
        lo, hi = min(messages), max(messages)
        days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    top = [(n["display"] + (f"（{n['name']}）" if n.get("name") else ""), int(n["total"])) for n in tl["numbers"]]
    reached = [(f"{t['name']}（{'、'.join(t['numbers'])}）" if t["numbers"] else str(t["name"]), int(t["events"]))
               for t in tl["third_parties"] if t.get("status") != "dismissed"]
    if not reached:
        reached = [(f"{name}（{num}）", 0) for name, num in facts.third_parties]
    night = sum(int(r["night"]) for r in tl["per_day"])
    totals = {d: messages.get(d, 0) + calls.get(d, 0) for d in days}
    peak_day = max(days, key=lambda d: totals[d]) if days else None
    return {
        "per_day": charts.per_day(days, messages, calls),
        "heatmap": charts.heatmap(tl["hour_weekday"]),
        "top_numbers": charts.hbars(top, "记录最多的号码"),
        "reached": charts.hbars(reached, "被联系的第三人", charts.CALL_COLOR),
        "has_reached": bool(reached),
        "messages": sum(messages.values()),
        "calls": sum(calls.values()),
        "night": night,
        "numbers": int(tl["numbers_total"]),
        "peak_day": peak_day,
        "peak_count": totals[peak_day] if peak_day else 0,
    }


def _timeline(facts: CaseFacts) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for f in facts.active_findings:
        for e in f.excerpts:
            item = seen.setdefault(e.event_id, {"excerpt": e, "titles": []})
            if f.title not in item["titles"]:
                item["titles"].append(f.title)
    items = sorted(seen.values(), key=lambda i: i["excerpt"].when)
    return items[:300]


def render_html(home: Home, case_id: str, *, today: dt.date | None = None) -> str:
    """The report as one HTML string (no external resources)."""
    facts = load_facts(home, case_id, max_excerpts=40)
    stats = _event_stats(home, facts)
    plan = make_plan(facts, start=today, lang="zh")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["pieces"] = lambda e: e.pieces() if isinstance(e, Excerpt) else []
    template = (resources.files("dunguard.act") / "templates" / "report.html").read_text(encoding="utf-8")
    findings = group_findings(facts.active_findings)
    cited = {st.id for f in findings for st in f.statutes}
    statutes = [st for sid, st in load().statutes.items() if sid in cited]  # rulebook order
    return env.from_string(template).render(
        facts=facts, stats=stats, findings=findings, plan=plan, timeline=_timeline(facts),
        severity=SEVERITY_ZH, statutes=statutes, version=__version__,
        generated=(today or dt.date.today()).isoformat(),
        police=facts.has_police_findings(),
        charts_svg={k: stats[k] for k in ("per_day", "heatmap", "top_numbers", "reached")},
    )


def write_report(home: Home, case_id: str, path: Path | str) -> Path:
    """Write the report of ``case_id`` to ``path``: PDF if it ends in ``.pdf``, else HTML."""
    out = Path(path).expanduser()
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise UsageError("act.report.bad_format", suffix=suffix or out.name)
    html = render_html(home, case_id)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".dunguard-report-", suffix=suffix, dir=out.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if suffix == ".pdf":
                _write_pdf(html, tmp)
            else:
                tmp.write_text(html, encoding="utf-8")
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError.from_os(exc, str(out)) from exc
    return out


def _write_pdf(html: str, target: Path) -> None:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango/cairo libraries are missing
        raise UsageError("act.report.no_pdf", reason=str(exc)[:200]) from None
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    weasyprint.HTML(string=html).write_pdf(str(target))
