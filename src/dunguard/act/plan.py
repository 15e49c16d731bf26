"""The action plan: ordered, dated steps fitted to one case (``data/plan.yaml``).

Each step says why (the findings behind it and the statutes, cited in the version in force
on the events' dates, or today's for rights exercised now), what to do and bring, where to go
(complaint channels from ``data/channels.yaml`` for the lender types of the case) and which
documents to draft.  Steps are chosen by conditions on the case: the police step appears only
when threats, impersonation, insults/obscene content or violence were found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dunguard.act.documents.base import join_citations
from dunguard.act.facts import CaseFacts, FindingView, group_findings, in_force_between, load_facts
from dunguard.analyze.rulebook import Statute, load
from dunguard.errors import FormatError
from dunguard.home import Home
from dunguard.i18n import current_lang

MAX_CITATIONS = 8
UNVERIFIED_NOTE = {"zh": "（详情未经核实，以官方公布为准）", "en": " (details unverified; check official sources)"}


@dataclass(slots=True)
class Channel:
    id: str
    name: str
    scope: str
    contact: str
    verified: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "scope": self.scope, "contact": self.contact,
                "verified": self.verified}


@dataclass(slots=True)
class Step:
    id: str
    date: dt.date
    title: str
    why: str
    findings: list[str]
    citations: list[str]
    what: list[str]
    bring: list[str]
    where: list[str]
    channels: list[Channel] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "title": self.title, "why": self.why,
                "findings": self.findings, "citations": self.citations, "what": self.what,
                "bring": self.bring, "where": self.where,
                "channels": [c.as_dict() for c in self.channels], "documents": self.documents}


def _data(name: str) -> dict[str, Any]:
    text = (resources.files("dunguard.act") / "data" / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise FormatError("act.plan.bad_file", file=f"act/data/{name}")
    return data


@cache
def plan_data() -> dict[str, Any]:
    return _data("plan.yaml")


@cache
def channel_data() -> dict[str, Any]:
    return _data("channels.yaml")


def _loc(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or "")
    return str(value or "")


def channel(cid: str, lang: str) -> Channel:
    raw = channel_data()["channels"].get(cid)
    if raw is None:
        raise FormatError("act.plan.unknown_channel", file="act/data/channels.yaml", id=cid)
    verified = bool(raw.get("verified", False))
    contact = _loc(raw.get("contact"), lang)
    if not verified:
        contact += UNVERIFIED_NOTE["en" if lang == "en" else "zh"]
    return Channel(cid, _loc(raw["name"], lang), _loc(raw.get("scope"), lang), contact, verified)


def channels_for(lender_types: list[str], lang: str) -> list[Channel]:
    """The channels that fit the case's lender types (unknown type: the generic ones)."""
    table: dict[str, list[str]] = channel_data()["by_lender_type"]
    ids: list[str] = []
    for lt in lender_types or ["unknown"]:
        for cid in table.get(lt, table["unknown"]):
            if cid not in ids:
                ids.append(cid)
    return [channel(c, lang) for c in ids]


def _token(token: str, facts: CaseFacts) -> bool:
    goals = facts.answers.get("goals") or []
    if token == "always":
        return True
    if token == "findings":
        return bool(facts.active_findings)
    if token == "police_findings":
        return facts.has_police_findings()
    if token == "third_party_findings":
        return any(f.third_party for f in facts.active_findings)
    if token == "no_recordings":
        return not facts.has_recordings
    if token.startswith("goal:"):
        return token[5:] in goals
    if token.startswith("answered:"):
        return facts.fact(token[9:]) is not None
    if token.startswith("rule:"):
        return token[5:] in facts.rules_found()
    if token.startswith("label:"):
        return token[6:] in facts.labels_found()
    raise FormatError("act.plan.bad_condition", file="act/data/plan.yaml", token=token)


def _holds(raw: dict[str, Any], facts: CaseFacts) -> bool:
    when = raw.get("when") or ["always"]
    require = raw.get("require") or []
    return any(_token(t, facts) for t in when) and all(_token(t, facts) for t in require)


def _finding_names(which: str | None, facts: CaseFacts) -> list[FindingView]:
    items = facts.active_findings
    if which == "police":
        return [f for f in items if f.police_relevant]
    if which == "third_party":
        return [f for f in items if f.third_party]
    if which == "all":
        return items
    return []


def make_plan(facts: CaseFacts, *, start: dt.date | None = None, lang: str | None = None) -> list[Step]:
    """The plan for ``facts`` starting on ``start`` (default today), ordered by date."""
    lang = lang or current_lang()
    start = start or dt.date.today()
    book = load()
    span = facts.finding_span()
    steps: list[Step] = []
    for raw in plan_data()["steps"]:
        if not _holds(raw, facts):
            continue
        found = group_findings(_finding_names(raw.get("findings"), facts))
        statutes: list[Statute] = []
        for sid in raw.get("statutes") or []:
            st = book.statute(sid)
            if in_force_between(st, *(span or (start, start))):
                statutes.append(st)
        for sid in raw.get("today_statutes") or []:
            st = book.statute(sid)
            if st.in_force(start):
                statutes.append(st)
        for f in found:
            for st in f.statutes:
                if st.strength in "LR" and st not in statutes and len(statutes) < MAX_CITATIONS:
                    statutes.append(st)
        channels = [channel(c, lang) for c in raw.get("where_channels") or []]
        if raw.get("channels_by_lender"):
            types = sorted({lf.type or "unknown" for lf in facts.lenders()})
            channels += [c for c in channels_for(types, lang) if c not in channels]
        for extra in raw.get("extra_channels") or []:
            if _holds(extra, facts) and all(c.id != extra["channel"] for c in channels):
                channels.append(channel(str(extra["channel"]), lang))
        where = [_loc(raw["where"], lang)] if raw.get("where") else []
        steps.append(Step(
            id=str(raw["id"]),
            date=start + dt.timedelta(days=int(raw.get("day", 0))),
            title=_loc(raw["title"], lang),
            why=_loc(raw["why"], lang),
            findings=[_finding_line(f, lang) for f in found],
            citations=[join_citations(statutes)] if statutes else [],
            what=[_loc(w["text"], lang) for w in raw.get("what") or [] if _holds(w, facts)],
            bring=[_loc(b, lang) for b in raw.get("bring") or []],
            where=where + [c.name for c in channels],
            channels=channels,
            documents=list(raw.get("documents") or []),
        ))
    steps.sort(key=lambda s: s.date)
    return steps


def _finding_line(f: FindingView, lang: str) -> str:
    when = f"{f.first:%Y-%m-%d}" if f.first else ""
    if f.last and f.first and f.last.date() != f.first.date():
        when += f"~{f.last:%Y-%m-%d}"
    count = f"×{f.count}" if f.count > 1 else ""
    name = f"{f.title}：{f.label_name}" if f.label_name else f.title
    return f"{name}{count}" + (f"（{when}）" if when else "")


def plan_for_case(home: Home, case_id: str, *, start: dt.date | None = None,
                  lang: str | None = None) -> list[Step]:
    return make_plan(load_facts(home, case_id), start=start, lang=lang)
