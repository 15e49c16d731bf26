"""What every document kind shares: its declaration and the helpers its template may call.

A template sees only facts of the case (:class:`~dunguard.act.facts.CaseFacts`) and these
helpers; there is no way for it to print a name, number, date or amount that is not in the
case or the answers.  ``f(key)`` prints a fact or the blank 【待填写：label】; ``cite(ids…)``
prints the citations of those statutes *in force on the dates of the events* (so 治安管理处罚法
第四十二条 for 2025 events, 第五十条 from 2026); ``cite_today`` uses today's date (for rights
exercised now, e.g. 个人信息保护法 第四十七条).  Unknown statute ids raise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dunguard.act.facts import CaseFacts, FindingView, LenderFact, group_findings, in_force_between
from dunguard.analyze.rulebook import Rulebook, Statute
from dunguard.home import Home

LENDER_TYPES = {
    "bank": "银行", "consumer_finance": "消费金融公司", "microloan": "小额贷款公司",
    "private": "个人或非金融企业", "unlicensed": "无放贷资质的机构", "unknown": "类型不明的机构",
}
LICENSED_NFRA = ("bank", "consumer_finance")


def blank(label: str) -> str:
    return f"【待填写：{label}】"


@dataclass(frozen=True, slots=True)
class DocumentKind:
    id: str
    title: dict[str, str]
    template: str  # file name in act/templates
    summary: dict[str, str]
    context: Callable[[DraftContext], dict[str, Any]] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str = "zh") -> str:
        return self.title.get(lang) or self.title["zh"]


class DraftContext:
    """The facts of one case and the helpers a template may call."""

    def __init__(self, facts: CaseFacts, book: Rulebook, *, lender: int = 0, today: dt.date | None = None,
                 labels: Callable[[str], str] | None = None, home: Home | None = None) -> None:
        self.facts = facts
        self.home = home
        self.book = book
        self.lender_index = lender
        self.today = today or dt.date.today()
        self._labels = labels or (lambda k: k)
        self.cited: list[str] = []  # every statute id printed (for tests and the report)
        self._grouped: list[FindingView] | None = None

    # -- facts -------------------------------------------------------------------
    def value(self, key: str) -> Any:
        return self.facts.fact(key, self.lender_index)

    def has(self, key: str) -> bool:
        return self.value(key) not in (None, "", [])

    def f(self, key: str, label: str | None = None) -> str:
        v = self.value(key)
        if v in (None, "", []):
            return blank(label or self._labels(key))
        if key == "lender.type":
            return LENDER_TYPES.get(str(v), str(v))
        if isinstance(v, list):
            return "、".join(str(x) for x in v)
        return str(v)

    @property
    def lender(self) -> LenderFact | None:
        lenders = self.facts.lenders()
        return lenders[self.lender_index] if self.lender_index < len(lenders) else None

    @property
    def findings(self) -> list[FindingView]:
        """Active findings, one entry per kind of conduct (see ``facts.group_findings``)."""
        if self._grouped is None:
            self._grouped = group_findings(self.facts.active_findings)
        return self._grouped

    def findings_where(self, *, police: bool | None = None, third_party: bool | None = None) -> list[FindingView]:
        out = self.findings
        if police is not None:
            out = [x for x in out if x.police_relevant == police]
        if third_party is not None:
            out = [x for x in out if x.third_party == third_party]
        return out

    # -- citations -----------------------------------------------------------------
    def _span(self) -> tuple[dt.date | None, dt.date | None]:
        span = self.facts.finding_span()
        return span if span else (self.today, self.today)

    def statutes(self, *ids: str, today: bool = False) -> list[Statute]:
        first, last = (self.today, self.today) if today else self._span()
        out: list[Statute] = []
        for sid in ids:
            st = self.book.statute(sid)  # raises on an unknown id
            if in_force_between(st, first, last) and st not in out:
                out.append(st)
                if sid not in self.cited:
                    self.cited.append(sid)
        return out

    def cite(self, *ids: str) -> str:
        return join_citations(self.statutes(*ids))

    def cite_today(self, *ids: str) -> str:
        return join_citations(self.statutes(*ids, today=True))

    def finding_statutes(self, finding: FindingView, strengths: str = "LRS") -> list[Statute]:
        out = [s for s in finding.statutes if s.strength in strengths]
        for s in out:
            if s.id not in self.cited:
                self.cited.append(s.id)
        return out

    def finding_cites(self, finding: FindingView, strengths: str = "LRS") -> str:
        return join_citations(self.finding_statutes(finding, strengths))

    def statutes_of(self, findings: list[FindingView], strengths: str = "LR") -> list[Statute]:
        """The distinct statutes behind ``findings`` (in force on their dates), in rulebook order."""
        wanted = {s.id for x in findings for s in self.finding_statutes(x, strengths)}
        return [s for sid, s in self.book.statutes.items() if sid in wanted]

    @staticmethod
    def quote(st: Statute) -> str:
        """A statute as quote lines: its citation, then its exact text line by line."""
        lines = [ln.strip() for ln in st.text.splitlines() if ln.strip()]
        tag = "" if st.strength != "S" else "（行业标准/自律规范，供参考）"
        return "\n".join([f"> {st.citation}{tag}：", *(f"> {ln}" for ln in lines)])

    # -- formatting ----------------------------------------------------------------
    @staticmethod
    def date(value: dt.date | dt.datetime | str | None, label: str = "日期") -> str:
        if value is None or value == "":
            return blank(label)
        if isinstance(value, str):
            try:
                day: dt.date = dt.date.fromisoformat(value)
            except ValueError:
                return str(value)
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{value.year}年{value.month}月{value.day}日"

    @staticmethod
    def when(value: dt.datetime | None) -> str:
        return "" if value is None else f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"

    def period(self, finding: FindingView | None = None) -> str:
        first, last = (finding.first, finding.last) if finding else (self.facts.first_event, self.facts.last_event)
        if first is None or last is None:
            return blank("时间")
        if first.date() == last.date():
            return self.date(first)
        return f"{self.date(first)}至{self.date(last)}"

    @staticmethod
    def cell(value: Any) -> str:
        return str(value if value is not None else "").replace("|", "｜").replace("\n", " ")

    @staticmethod
    def fname(name: Any) -> str:
        """A file's own name without the folders it was imported from."""
        return str(name or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def quoted(text: str, limit: int = 120) -> str:
        t = " ".join(text.split())
        return t if len(t) <= limit else t[: limit - 1] + "…"

    def helpers(self) -> dict[str, Any]:
        return {
            "facts": self.facts, "ctx": self, "f": self.f, "has": self.has, "value": self.value,
            "blank": blank, "cite": self.cite, "cite_today": self.cite_today, "statutes": self.statutes,
            "finding_cites": self.finding_cites, "finding_statutes": self.finding_statutes,
            "findings": self.findings, "lender": self.lender, "date": self.date, "when": self.when,
            "period": self.period, "cell": self.cell, "quoted": self.quoted, "fname": self.fname, "today": self.date(self.today),
            "lender_types": LENDER_TYPES, "licensed_nfra": LICENSED_NFRA, "quote": self.quote,
            "statutes_of": self.statutes_of, "join_citations": join_citations,
        }


def join_citations(statutes: list[Statute]) -> str:
    """《法》第一条、第二条、《另一法》第三条 — one law name per run of articles; a standard
    quoted without an article number is named once."""
    parts: list[str] = []
    laws: set[str] = set()
    last_law = None
    for s in statutes:
        if not s.article and s.law in laws:
            continue
        piece = s.article if s.article and last_law == s.law and parts else s.citation
        if piece not in parts or s.article:
            parts.append(piece)
        laws.add(s.law)
        last_law = s.law if s.article else None
    return "、".join(parts)
