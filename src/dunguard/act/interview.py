"""The guided interview: questions as data, asked only when needed, answers kept per case.

``data/interview.yaml`` lists the questions, the sub-questions for each lender, the goals and
what each document and plan step *needs*.  :func:`pending` returns only the questions whose
fact a wanted document or step needs and the case does not hold yet (docassemble style);
:func:`defaults` proposes values from the case (debtor, SMS signatures, days overdue stated in
messages, recorded loans, findings); :func:`save_answers` validates and stores answers in the
``act_answers`` table and logs them in the ledger.  The terminal front end is
``dunguard interview``; ``--answers FILE.yaml`` feeds :func:`load_answers_file`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from dunguard.act.facts import CaseFacts, load_facts, suggest_lender_names, suggest_overdue_days
from dunguard.act.models import Answer
from dunguard.errors import FormatError, InputError, UsageError
from dunguard.home import Home
from dunguard.i18n import current_lang
from dunguard.timeutil import utcnow

TYPES = ("text", "choice", "multi", "money", "date", "int", "lenders")
SKIPPED = "_skipped"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    label: dict[str, str]
    ask: dict[str, str]
    topic: str = ""
    default: str | None = None
    choices: tuple[tuple[str, dict[str, str]], ...] = ()

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_lang()
        return self.ask.get(lang) or self.ask["zh"]

    def name(self, lang: str | None = None) -> str:
        lang = lang or current_lang()
        return self.label.get(lang) or self.label["zh"]

    def choice_name(self, choice: str, lang: str | None = None) -> str:
        lang = lang or current_lang()
        for cid, names in self.choices:
            if cid == choice:
                return names.get(lang) or names["zh"]
        return choice


@dataclass(frozen=True, slots=True)
class Definition:
    questions: tuple[Question, ...]
    lender_fields: tuple[Question, ...]
    goals: dict[str, tuple[str, ...]]
    needs: dict[str, tuple[str, ...]]

    def question(self, key: str) -> Question | None:
        for q in self.questions:
            if q.id == key:
                return q
        if key.startswith("lender."):
            sub = key.split(".", 1)[1]
            for q in self.lender_fields:
                if q.id == sub:
                    return q
        return None

    def label(self, key: str, lang: str | None = None) -> str:
        q = self.question(key)
        return q.name(lang) if q else key

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole definition (for the web wizard)."""
        def one(q: Question) -> dict[str, Any]:
            return {"id": q.id, "type": q.type, "topic": q.topic, "label": q.label, "ask": q.ask,
                    "default": q.default, "choices": [{"id": c, "label": n} for c, n in q.choices]}

        return {"questions": [one(q) for q in self.questions],
                "lender_fields": [one(q) for q in self.lender_fields],
                "goals": {k: list(v) for k, v in self.goals.items()},
                "needs": {k: list(v) for k, v in self.needs.items()}}


def _question(raw: dict[str, Any], where: str) -> Question:
    qtype = str(raw.get("type", "text"))
    if qtype not in TYPES or "id" not in raw or "ask" not in raw or "label" not in raw:
        raise FormatError("act.interview.bad_definition", file=where, id=raw.get("id", "?"))
    choices = tuple((str(k), dict(v)) for k, v in (raw.get("choices") or {}).items())
    return Question(id=str(raw["id"]), type=qtype, label=dict(raw["label"]), ask=dict(raw["ask"]),
                    topic=str(raw.get("topic", "")), default=raw.get("default"), choices=choices)


@cache
def definition() -> Definition:
    """The interview definition (``act/data/interview.yaml``), validated and cached."""
    where = "act/data/interview.yaml"
    text = (resources.files("dunguard.act") / "data" / "interview.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    questions = tuple(_question(q, where) for q in data["questions"])
    fields = tuple(_question(q, where) for q in data["lender_fields"])
    d = Definition(questions, fields,
                   {str(k): tuple(v) for k, v in data["goals"].items()},
                   {str(k): tuple(v) for k, v in data["needs"].items()})
    for target, keys in d.needs.items():
        for key in keys:
            if d.question(key) is None:
                raise FormatError("act.interview.bad_need", file=where, target=target, name=key)
    return d


def targets_for(goals: Iterable[str]) -> list[str]:
    """Documents (and, always, the plan steps) needed for the borrower's goals."""
    d = definition()
    out: list[str] = []
    for g in goals:
        for target in d.goals.get(g, ()):
            if target not in out:
                out.append(target)
    for step in ("notice_lender", "complain", "negotiate"):
        if step in d.needs and step not in out and (step != "negotiate" or "negotiate" in goals):
            out.append(step)
    return out


def needed_keys(targets: Iterable[str]) -> list[str]:
    d = definition()
    wanted: set[str] = set()
    for t in targets:
        wanted.update(d.needs.get(t, ()))
    if any(k.startswith("lender.") for k in wanted):
        wanted.add("lenders")
    return [q.id for q in d.questions if q.id in wanted]


def _goals(facts: CaseFacts) -> list[str]:
    g = facts.answers.get("goals")
    return [str(x) for x in g] if isinstance(g, list) else []


def pending(facts: CaseFacts, *, ask_all: bool = False) -> list[Question]:
    """The questions still to ask, in order: goals first, then what the wanted targets need."""
    d = definition()
    skipped = set(facts.answers.get(SKIPPED) or [])
    goals_q = d.question("goals")
    assert goals_q is not None
    out: list[Question] = []
    if ask_all or ("goals" not in facts.answers and "goals" not in skipped):
        out.append(goals_q)
    keys = needed_keys(targets_for(_goals(facts) or list(d.goals)))
    for key in keys:
        q = d.question(key)
        if q is None or key == "goals" or key.startswith("lender."):
            continue
        if key == "lenders":
            if ask_all or ("lenders" not in facts.answers and "lenders" not in skipped):
                out.append(q)
            continue
        if ask_all or (facts.fact(key) is None and key not in skipped):
            out.append(q)
    return out


def missing_for(facts: CaseFacts, target: str, lender: int = 0) -> list[str]:
    """Fact keys ``target`` needs that are still unknown (they become 【待填写】 blanks)."""
    return [k for k in definition().needs.get(target, ()) if facts.fact(k, lender) is None]


def defaults(home: Home, facts: CaseFacts) -> dict[str, Any]:
    """Proposed answers from the case (shown as the default; stored only when confirmed)."""
    out: dict[str, Any] = {}
    if facts.debtor_name:
        out["user.name"] = facts.debtor_name
    if facts.debtor_phone:
        out["user.phone"] = facts.debtor_phone
    goals = []
    if any(f.third_party for f in facts.active_findings):
        goals.append("stop_third_party")
    if facts.active_findings:
        goals.append("complain")
    if facts.has_police_findings():
        goals.append("police")
    if goals:
        out["goals"] = goals
    lenders = [lf.as_dict() for lf in facts.lenders()]
    if not lenders:
        names = suggest_lender_names(home, facts.case_id)
        days = suggest_overdue_days(home, facts.case_id)
        if names:
            lenders = [{"name": names[0], "overdue_days": str(days) if days is not None else None}]
    if lenders:
        out["lenders"] = lenders
    return out


def coerce(q: Question, value: Any, *, where: str = "") -> Any:
    """Validate one answer for question ``q``; raise InputError naming the question."""
    if value is None or value == "":
        return None
    try:
        if q.type == "text":
            return str(value).strip() or None
        if q.type == "choice":
            v = str(value).strip()
            ids = [c for c, _ in q.choices]
            if v.isdigit() and 1 <= int(v) <= len(ids):
                v = ids[int(v) - 1]
            if v not in ids:
                raise ValueError(v)
            return v
        if q.type == "multi":
            items = value if isinstance(value, list) else [x for x in str(value).replace("，", ",").split(",")]
            out = []
            for item in items:
                v = coerce(Question(q.id, "choice", q.label, q.ask, choices=q.choices), item)
                if v is not None and v not in out:
                    out.append(v)
            return out
        if q.type == "money":
            amount = Decimal(str(value).replace(",", "").replace("元", "").strip())
            if amount < 0 or not amount.is_finite():
                raise ValueError(value)
            return f"{amount.quantize(Decimal('0.01'))}"
        if q.type == "date":
            if isinstance(value, dt.date):
                return value.isoformat()
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        if q.type == "int":
            n = int(str(value).strip())
            if n < 0:
                raise ValueError(value)
            return str(n)
        if q.type == "lenders":
            if not isinstance(value, list):
                raise ValueError(value)
            fields = {f.id: f for f in definition().lender_fields}
            lenders = []
            for i, raw in enumerate(value, start=1):
                if not isinstance(raw, dict):
                    raise ValueError(raw)
                unknown = set(raw) - set(fields) - {"source"}
                if unknown:
                    raise ValueError(", ".join(sorted(map(str, unknown))))
                lenders.append({k: coerce(f, raw.get(k), where=f"{where}lenders[{i}].") for k, f in fields.items()})
            return lenders
    except InputError:
        raise
    except (ValueError, InvalidOperation, TypeError):
        raise InputError("act.interview.bad_answer", question=where + q.id, label=q.name(),
                         value=str(value)[:80]) from None
    raise UsageError("act.interview.bad_definition", file="interview.yaml", id=q.id)  # pragma: no cover


class _AnswersLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date is our clear error, not PyYAML's."""


_AnswersLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_answers_file(path: Path) -> dict[str, Any]:
    """Read a YAML answers file (``key: value``; ``lenders:`` a list of mappings)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("error.path.missing", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise FormatError("act.interview.bad_file", file=str(path), place=f"byte {exc.start}",
                          reason="not UTF-8") from None
    try:
        data = yaml.load(text, Loader=_AnswersLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "?"
        raise FormatError("act.interview.bad_file", file=str(path), place=place,
                          reason=str(getattr(exc, "problem", exc))) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError("act.interview.bad_file", file=str(path), place="top level", reason="not a mapping")
    d = definition()
    out: dict[str, Any] = {}
    for key, value in data.items():
        q = d.question(str(key))
        if q is None or str(key).startswith("lender."):
            raise FormatError("act.interview.unknown_key", file=str(path), name=str(key))
        out[str(key)] = coerce(q, value, where=f"{path.name}: ")
    return out


def load_answers(home: Home, case_id: str) -> dict[str, Any]:
    with home.store.session() as s:
        return {a.key: a.value for a in s.scalars(select(Answer).where(Answer.case_id == case_id))}


def save_answers(home: Home, case_id: str, answers: dict[str, Any], *, skipped: Iterable[str] = (),
                 actor: str = "cli") -> dict[str, Any]:
    """Validate and store answers (upsert) and log them; returns the stored values."""
    d = definition()
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        q = d.question(key)
        if q is None or key.startswith("lender."):
            raise UsageError("act.interview.unknown_key", file="-", name=key)
        clean[key] = coerce(q, value)
    skip = sorted(set(skipped))
    if not clean and not skip:
        return {}
    now = utcnow()
    with home.transaction(case_id, actor=actor) as tx:
        s = tx.session
        for key, value in clean.items():
            row = s.get(Answer, (case_id, key))
            if row is None:
                s.add(Answer(case_id=case_id, key=key, value=value, updated_at=now))
            else:
                row.value = value
                row.updated_at = now
        if skip:
            row = s.get(Answer, (case_id, SKIPPED))
            merged = sorted(set(row.value or []) | set(skip)) if row is not None else skip
            merged = [k for k in merged if k not in clean]
            if row is None:
                s.add(Answer(case_id=case_id, key=SKIPPED, value=merged, updated_at=now))
            else:
                row.value = merged
                row.updated_at = now
        canon = json.dumps({"answers": clean, "skipped": skip}, ensure_ascii=False, sort_keys=True)
        tx.log("act.answers", hashlib.sha256(canon.encode("utf-8")).hexdigest(),
               {"keys": sorted(clean), "skipped": skip})
    return clean


def review(home: Home, case_id: str, lang: str | None = None) -> list[tuple[str, str, str]]:
    """(key, label, value shown) for every question: the review screen before documents."""
    facts = load_facts(home, case_id)
    d = definition()
    rows: list[tuple[str, str, str]] = []
    for q in d.questions:
        value = facts.fact(q.id)
        rows.append((q.id, q.name(lang), show_value(q, value, lang)))
    return rows


def show_value(q: Question, value: Any, lang: str | None = None) -> str:
    if value in (None, "", []):
        return "—"
    if q.type == "choice":
        return q.choice_name(str(value), lang)
    if q.type == "multi" and isinstance(value, list):
        return "、".join(q.choice_name(str(v), lang) for v in value)
    if q.type == "lenders" and isinstance(value, list):
        fields = {f.id: f for f in definition().lender_fields}
        parts = []
        for lf in value:
            bits = [show_value(fields[k], lf.get(k), lang) for k in ("name", "type", "amount") if k in fields]
            parts.append("/".join(b for b in bits if b != "—") or "—")
        return "；".join(parts)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
