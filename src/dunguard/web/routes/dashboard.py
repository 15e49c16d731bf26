"""The case dashboard: counts, charts (inline SVG), findings by label and severity, next step."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select

import dunguard.web.charts as charts
from dunguard.i18n import t
from dunguard.models import Evidence, Finding, Party
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, optional_module
from dunguard.web.stats import SYNC_PLAN_EVENTS, case_stats, peek, plan_steps, warm

router = APIRouter()


def findings_summary(request: Request, case_id: str) -> dict[str, Any]:
    with home_of(request).store.session() as s:
        rows = s.execute(
            select(Finding.label, Finding.rule_id, Finding.severity, func.count())
            .where(Finding.case_id == case_id, Finding.stale.is_(False), Finding.status != "dismissed")
            .group_by(Finding.label, Finding.rule_id, Finding.severity)
        ).all()
        evidence = int(s.scalar(select(func.count()).where(Evidence.case_id == case_id)) or 0)
    by_label: dict[str, dict[str, int]] = {}
    by_severity = {"high": 0, "medium": 0, "low": 0}
    for label, rule_id, severity, n in rows:
        key = str(label or rule_id)
        by_label.setdefault(key, {"high": 0, "medium": 0, "low": 0, "total": 0})
        by_label[key][severity] = by_label[key].get(severity, 0) + int(n)
        by_label[key]["total"] += int(n)
        by_severity[severity] = by_severity.get(severity, 0) + int(n)
    ordered = sorted(by_label.items(), key=lambda kv: (-kv[1]["high"], -kv[1]["total"], kv[0]))
    return {"by_label": ordered, "by_severity": by_severity, "total": sum(by_severity.values()),
            "evidence": evidence}


def next_step(request: Request, case_id: str, events: int) -> tuple[bool, Any]:
    """(known, the action plan's next step).  On a big case the plan is only shown when it is
    already cached; otherwise it is computed in the background for the next view."""
    from dunguard.i18n import current_lang

    home = home_of(request)
    lang = current_lang()
    if events < SYNC_PLAN_EVENTS:
        steps = plan_steps(home, case_id, lang)
        return True, (steps[0] if steps else None)
    found, steps = peek(home, case_id, f"plan:{lang}")
    if not found:
        if request.app.state.warm_cache:
            warm(home, [case_id])
        return False, None
    return True, (steps[0] if steps else None)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def dashboard(request: Request, case_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    stats = case_stats(home_of(request), case.id)
    known, step = next_step(request, case.id, stats.total_events)
    who = lenders(request, case.id)
    return render(
        request,
        "dashboard.html",
        case=case,
        active="dashboard",
        stats=stats,
        findings=findings_summary(request, case.id),
        labels=label_names(),
        daily_svg=charts.daily_bars(stats.daily),
        heat_svg=charts.heat_map(stats.heat),
        next_step=step,
        plan_pending=not known,
        lenders=who,
        lenders_svg=charts.hbars([(name, n) for name, n in who if n], t("web.dash.lenders"), "lenders-title"),
        numbers_svg=charts.hbars([(str(r.get("display") or r.get("number")), int(r.get("total") or 0))
                                  for r in stats.numbers], t("web.dash.top_numbers"), "numbers-title"),
    )


def lenders(request: Request, case_id: str) -> list[tuple[str, int]]:
    """Lenders and collectors: those the analysis attributed findings to, then those recorded."""
    with home_of(request).store.session() as s:
        attributed = s.execute(
            select(Finding.attribution, func.count())
            .where(Finding.case_id == case_id, Finding.stale.is_(False), Finding.status != "dismissed",
                   Finding.attribution.is_not(None),
                   or_(Finding.label.is_(None), Finding.label != "third_party_reached"))  # that one names the contact
            .group_by(Finding.attribution)
            .order_by(func.count().desc())
        ).all()
        recorded = list(s.scalars(select(Party.name).where(Party.case_id == case_id, Party.role == "lender")))
    out = [(str(name), int(n)) for name, n in attributed if name]
    seen = {name for name, _ in out}
    out += [(str(name), 0) for name in recorded if name and name not in seen]
    return out


def label_names() -> dict[str, str]:
    """Label and rule ids → names in the UI language (text labels from the rulebook, behaviour
    labels from the analysis engine)."""
    from dunguard.i18n import current_lang

    rulebook = optional_module("dunguard.analyze.rulebook")
    if rulebook is None:
        return {}
    lang = current_lang()
    book = rulebook.load()
    names = {lid: lab.name.get(lang) or lab.name.get("zh", lid) for lid, lab in book.labels.items()}
    findings = optional_module("dunguard.analyze.findings")
    engine = optional_module("dunguard.analyze.engine")
    if findings is not None and engine is not None:
        for lid in sorted(getattr(engine, "BEHAVIOUR_LABELS", ())):
            names.setdefault(lid, findings.label_name(lid, lang))
    for rid, rule in book.rules.items():
        names.setdefault(rid, rule.title.get(lang) or rule.title.get("zh", rid))
    return names
