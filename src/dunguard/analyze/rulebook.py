"""The rulebook: statutes, rules and labels of one jurisdiction, loaded from data.

``rulebooks/<jurisdiction>/`` holds ``statutes.yaml`` (exact statute texts with effective
dates and strength), ``rules.yaml`` (the machine-checkable rules T1–T20 with parameters and
statute ids) and ``labels.yaml`` (the public text-label taxonomy).  Code never hard-codes an
article number: where a law was renumbered, a rule lists every version and
:meth:`Rulebook.statutes_for` keeps the one in force on the event's date (治安管理处罚法
第四十二条 before 2026-01-01, 第五十条 from then).  Schema: ``docs/rulebook.md``.

Another jurisdiction is added by adding a folder of the same three files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dunguard.errors import FormatError, NotFoundError

STRENGTHS = ("L", "R", "S")
STRENGTH_NAMES = {
    "L": {"zh": "法律/司法解释", "en": "law / judicial interpretation"},
    "R": {"zh": "监管规定", "en": "regulator rule"},
    "S": {"zh": "行业标准/自律规范", "en": "industry standard / self-regulation"},
}


@dataclass(frozen=True, slots=True)
class Statute:
    """One quotable provision (an article, or a quoted sentence of a standard)."""

    id: str
    law: str
    article: str | None
    text: str
    strength: str
    version: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source: str = ""

    def in_force(self, on_date: dt.date | None) -> bool:
        """True if in force on ``on_date``; ``None`` means "the current version"."""
        if on_date is None:
            return self.effective_to is None
        if self.effective_from is not None and on_date < self.effective_from:
            return False
        return not (self.effective_to is not None and on_date > self.effective_to)

    @property
    def citation(self) -> str:
        """《law》article — the way a complaint letter cites it."""
        name = self.law if self.law.startswith(("《", "GB/T", "中国")) else f"《{self.law}》"
        return f"{name}{self.article}" if self.article else name


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str  # text | behaviour | finance | document
    title: dict[str, str]
    labels: tuple[str, ...]
    params: dict[str, Any]
    basis: tuple[str, ...]
    explain: dict[str, str]


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    rule: str
    name: dict[str, str]
    description: dict[str, str]


@dataclass(slots=True)
class Rulebook:
    jurisdiction: str
    statutes: dict[str, Statute] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)

    def statute(self, statute_id: str) -> Statute:
        try:
            return self.statutes[statute_id]
        except KeyError:
            raise NotFoundError("analyze.rulebook.unknown_statute", id=statute_id) from None

    def rule(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise NotFoundError("analyze.rulebook.unknown_rule", id=rule_id) from None

    def label(self, label_id: str) -> Label:
        try:
            return self.labels[label_id]
        except KeyError:
            raise NotFoundError("analyze.rulebook.unknown_label", id=label_id) from None

    def statutes_for(self, rule_id: str, on_date: dt.date | dt.datetime | None = None) -> list[Statute]:
        """The statutes a rule cites, with the article version in force on ``on_date``.

        ``on_date=None`` picks the current versions.  A datetime is reduced to its date in
        its own offset (callers pass the event's local time).
        """
        day = on_date.date() if isinstance(on_date, dt.datetime) else on_date
        return [s for s in (self.statute(i) for i in self.rule(rule_id).basis) if s.in_force(day)]

    def basis_ids(self, rule_id: str, on_date: dt.date | dt.datetime | None = None) -> list[str]:
        return [s.id for s in self.statutes_for(rule_id, on_date)]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FormatError("analyze.rulebook.bad_field", file=where, field="date", value=value) from None


def _read(jurisdiction: str, name: str) -> dict[str, Any]:
    path = resources.files("dunguard.analyze") / "rulebooks" / jurisdiction / name
    if not path.is_file():
        raise NotFoundError("analyze.rulebook.missing", jurisdiction=jurisdiction, file=name)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise FormatError("analyze.rulebook.bad_file", file=f"{jurisdiction}/{name}")
    return data


def _build(jurisdiction: str) -> Rulebook:
    book = Rulebook(jurisdiction)
    where = f"{jurisdiction}/statutes.yaml"
    for raw in _read(jurisdiction, "statutes.yaml").get("statutes") or []:
        if raw.get("strength") not in STRENGTHS:
            raise FormatError("analyze.rulebook.bad_field", file=where, field="strength", value=raw.get("strength"))
        st = Statute(
            id=str(raw["id"]), law=str(raw["law"]), article=raw.get("article"), text=str(raw["text"]),
            strength=str(raw["strength"]), version=raw.get("version"),
            effective_from=_date(raw.get("effective_from"), where),
            effective_to=_date(raw.get("effective_to"), where), source=str(raw.get("source") or ""),
        )
        book.statutes[st.id] = st
    where = f"{jurisdiction}/rules.yaml"
    for raw in _read(jurisdiction, "rules.yaml").get("rules") or []:
        rule = Rule(
            id=str(raw["id"]), kind=str(raw["kind"]), title=dict(raw["title"]),
            labels=tuple(raw.get("labels") or ()), params=dict(raw.get("params") or {}),
            basis=tuple(raw.get("basis") or ()), explain=dict(raw["explain"]),
        )
        for sid in rule.basis:
            if sid not in book.statutes:
                raise FormatError("analyze.rulebook.bad_field", file=where, field=f"{rule.id}.basis", value=sid)
        book.rules[rule.id] = rule
    where = f"{jurisdiction}/labels.yaml"
    for raw in _read(jurisdiction, "labels.yaml").get("labels") or []:
        label = Label(id=str(raw["id"]), rule=str(raw["rule"]), name=dict(raw["name"]),
                      description=dict(raw["description"]))
        if label.rule not in book.rules:
            raise FormatError("analyze.rulebook.bad_field", file=where, field=f"{label.id}.rule", value=label.rule)
        book.labels[label.id] = label
    return book


@cache
def load(jurisdiction: str = "cn") -> Rulebook:
    """The rulebook of ``jurisdiction`` (cached; treat it as read-only)."""
    return _build(jurisdiction)
