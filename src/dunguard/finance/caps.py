"""Which legal interest line applies to a loan, and whether its true cost crosses it.

The rule depends on who lent and when (../shared/law/law.md §8, rules T15–T18):

* 民间借贷 (a person, a non-financial company, an unlicensed lender): the court protects at
  most **4 × the one-year LPR at contract formation** (民间借贷规定 第二十五条, 第二十九条 for
  interest + penalties + fees together).  The LPR comes from the dated table ``data/lpr.yaml``.
* Licensed lenders (banks, 消费金融公司, 小额贷款公司 and the other 地方金融组织) are outside
  the 民间借贷 rules (第一条第二款; 批复 一).  Courts apply the **24 %** line of 法发〔2017〕22号
  第二条: the borrower may ask to cut everything above 24 % a year.
* **36 %** is the marker of criminal 非法放贷 for unlicensed lenders (非法放贷意见 二).
* 砍头息: money kept back at disbursement; the principal is what was actually received
  (民法典 第六百七十条; 民间借贷规定 第二十六条).

Statute text is quoted from ``data/citations.yaml`` (copied verbatim from law.md).  The
output never concludes that a contract *is* illegal: it says which line applies, why, and
that the excess "可能不受法律保护"; a lawyer or court decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dunguard.finance.terms import LenderType

LPR_START = dt.date(2019, 8, 20)
NEW_RULES_FROM = dt.date(2020, 8, 20)  # 4 × LPR replaced the 24 %/36 % private-lending rule
CIVIL_CODE_FROM = dt.date(2021, 1, 1)
LICENSED_LINE = 0.24
ILLEGAL_LENDING_LINE = 0.36


@dataclass(frozen=True, slots=True)
class Citation:
    id: str
    law: str
    article: str
    text: str
    strength: str
    source: str


@dataclass(frozen=True, slots=True)
class LprEntry:
    start: dt.date
    rate: Decimal
    confirmed: tuple[tuple[dt.date, dt.date, str], ...]


@dataclass(frozen=True, slots=True)
class LprLookup:
    date: dt.date  # the date asked for
    rate: Decimal
    effective_from: dt.date
    confirmed: bool  # a named source states this value for this date
    source: str | None
    stale: bool  # date is after the table's valid_until: the last rate was used


class CapRule(StrEnum):
    PRIVATE_4LPR = "private_4lpr"
    LICENSED_24 = "licensed_24"
    ILLEGAL_36 = "illegal_36"
    KANTOU = "kantou"
    MICROLOAN_GUIDE = "microloan_guide"

    @property
    def law_rule(self) -> str | None:
        """The rule id of law.md §11 this check implements (T15–T18), if any."""
        return {"private_4lpr": "T15", "licensed_24": "T16", "kantou": "T17", "illegal_36": "T18"}.get(self.value)


@dataclass(slots=True)
class Check:
    rule: CapRule
    threshold: float | None  # an annual rate, or None for 砍头息
    exceeded: bool
    key: str  # message key explaining the result
    params: dict[str, Any]
    citations: list[str]
    needs_review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "law_rule": self.rule.law_rule,
            "threshold": self.threshold,
            "exceeded": self.exceeded,
            "key": self.key,
            "params": self.params,
            "citations": self.citations,
            "needs_review": self.needs_review,
        }


@dataclass(slots=True)
class CapAssessment:
    lender_type: LenderType
    contract_date: dt.date
    apr: float
    cap: float  # the line used to recompute what is owed
    cap_rule: CapRule
    why_key: str  # message key: which rule applies and why
    why_params: dict[str, Any]
    lpr: LprLookup | None
    checks: list[Check] = field(default_factory=list)
    needs_review: bool = False

    @property
    def over_cap(self) -> bool:
        return self.apr > self.cap

    def citations(self) -> list[str]:
        seen: list[str] = []
        for c in self.checks:
            for cid in c.citations:
                if cid not in seen:
                    seen.append(cid)
        return seen

    def to_dict(self) -> dict[str, Any]:
        return {
            "lender_type": self.lender_type.value,
            "contract_date": self.contract_date.isoformat(),
            "apr": self.apr,
            "cap": self.cap,
            "cap_rule": self.cap_rule.value,
            "over_cap": self.over_cap,
            "why_key": self.why_key,
            "why_params": self.why_params,
            "lpr": None if self.lpr is None else {
                "rate": float(self.lpr.rate),
                "effective_from": self.lpr.effective_from.isoformat(),
                "confirmed": self.lpr.confirmed,
                "source": self.lpr.source,
                "stale": self.lpr.stale,
            },
            "checks": [c.to_dict() for c in self.checks],
            "needs_review": self.needs_review,
        }


def _data(name: str) -> Any:
    return yaml.safe_load((resources.files("dunguard.finance") / "data" / name).read_text(encoding="utf-8"))


@cache
def citations() -> dict[str, Citation]:
    raw = _data("citations.yaml")
    return {cid: Citation(cid, v["law"], str(v["article"]), v["text"], v["strength"], v["source"])
            for cid, v in raw.items()}


def citation(cid: str) -> Citation:
    return citations()[cid]


@cache
def lpr_table() -> tuple[dt.date, tuple[LprEntry, ...]]:
    raw = _data("lpr.yaml")
    entries = []
    for row in raw["rates"]:
        spans = tuple((c["from"], c["to"], str(c["source"])) for c in row.get("confirmed", []))
        entries.append(LprEntry(row["from"], Decimal(str(row["rate"])), spans))
    entries.sort(key=lambda e: e.start)
    return raw["valid_until"], tuple(entries)


def lpr_on(date: dt.date) -> LprLookup | None:
    """The one-year LPR in force on ``date`` (None before the first fixing, 2019-08-20)."""
    valid_until, entries = lpr_table()
    current = None
    for entry in entries:
        if entry.start <= date:
            current = entry
    if current is None:
        return None
    source = next((s for lo, hi, s in current.confirmed if lo <= date <= hi), None)
    return LprLookup(date, current.rate, current.start, source is not None, source, date > valid_until)


def latest_lpr() -> LprLookup:
    """The most recent LPR in the table (stands in for "today" / "起诉时")."""
    valid_until, entries = lpr_table()
    found = lpr_on(max(valid_until, entries[-1].start))
    assert found is not None
    return found


def pct(rate: float | Decimal) -> str:
    return f"{float(rate) * 100:,.2f}%"


def assess(
    lender_type: LenderType,
    contract_date: dt.date,
    apr: float,
    *,
    principal: Decimal | None = None,
    received: Decimal | None = None,
) -> CapAssessment:
    """Choose the applicable line for ``lender_type`` and ``contract_date`` and test ``apr``."""
    checks: list[Check] = []
    lpr: LprLookup | None = None
    if lender_type.licensed:
        cap, rule = LICENSED_LINE, CapRule.LICENSED_24
        cites = ["lending_1", "fafa2017_22_2"]
        if lender_type is LenderType.MICROLOAN:
            cites.insert(1, "lending_reply_1")
        why_key = f"finance.caps.why.{lender_type.value}"
        why = {"cap": pct(cap)}
        exceeded = apr > cap
        checks.append(Check(rule, cap, exceeded,
                            "finance.caps.licensed.over" if exceeded else "finance.caps.licensed.under",
                            {"apr": pct(apr), "cap": pct(cap)}, cites))
        review = False
        if lender_type is LenderType.MICROLOAN:
            lpr = latest_lpr()
            line = float(lpr.rate * 4)
            checks.append(Check(CapRule.MICROLOAN_GUIDE, line, apr > line, "finance.caps.microloan_guide",
                                {"apr": pct(apr), "line": pct(line)}, ["smallloan_cost_guideline_4lpr"]))
    else:
        rule = CapRule.PRIVATE_4LPR
        review = lender_type is LenderType.UNKNOWN
        if contract_date < NEW_RULES_FROM:
            # 第三十一条第二款: interest from 2020-08-20 follows the rule in force when suing;
            # the latest LPR in the table stands in for "起诉时".
            lpr = latest_lpr()
            why_key = "finance.caps.why.private_old_contract"
            review = True
        else:
            lpr = lpr_on(contract_date)
            why_key = f"finance.caps.why.{lender_type.value}"
        assert lpr is not None
        cap = float(lpr.rate * 4)
        why = {"cap": pct(cap), "lpr": pct(lpr.rate), "lpr_from": lpr.effective_from.isoformat(),
               "date": contract_date.isoformat()}
        if not lpr.confirmed or lpr.stale:
            review = True
        cites = ["lending_25", "lending_29"]
        if contract_date < NEW_RULES_FROM:
            cites.append("lending_31")
        exceeded = apr > cap
        checks.append(Check(rule, cap, exceeded,
                            "finance.caps.private.over" if exceeded else "finance.caps.private.under",
                            {"apr": pct(apr), "cap": pct(cap), "lpr": pct(lpr.rate),
                             "lpr_from": lpr.effective_from.isoformat(),
                             "lpr_status": "confirmed" if lpr.confirmed and not lpr.stale else "unconfirmed"},
                            cites, needs_review=review))
        if lender_type in (LenderType.UNLICENSED, LenderType.UNKNOWN):
            over36 = apr > ILLEGAL_LENDING_LINE
            key = "finance.caps.illegal36.over" if over36 else "finance.caps.illegal36.under"
            checks.append(Check(CapRule.ILLEGAL_36, ILLEGAL_LENDING_LINE, over36, key,
                                {"apr": pct(apr), "line": pct(ILLEGAL_LENDING_LINE)},
                                ["illegal_lending_opinion_2"], needs_review=True))
    if principal is not None and received is not None and received < principal:
        cites = ["civil_670"]
        if not lender_type.licensed:
            cites.append("lending_26")
        checks.append(Check(CapRule.KANTOU, None, True, "finance.caps.kantou",
                            {"principal": f"{principal:,.2f}", "received": f"{received:,.2f}",
                             "kept": f"{principal - received:,.2f}"}, cites,
                            needs_review=contract_date < CIVIL_CODE_FROM))
    return CapAssessment(lender_type, contract_date, apr, cap, rule, why_key, why, lpr, checks, review)


__all__ = [
    "ILLEGAL_LENDING_LINE",
    "LICENSED_LINE",
    "CapAssessment",
    "CapRule",
    "Check",
    "Citation",
    "LprLookup",
    "assess",
    "citation",
    "citations",
    "latest_lpr",
    "lpr_on",
    "lpr_table",
    "pct",
]
