"""``dunguard lender NAME``: is this a licensed consumer finance company, a bank, or unknown?

The list is data (``prevent/data/lenders.yaml``, dated, with its source and a "check the
regulator's register" note).  Matching is deliberately simple and explainable:

1. exact match of the normalised query against a name or alias  → score 1.0
2. a known alias (4+ characters) appears inside the query       → score 0.9
   (e.g. "【马上消费金融】客服" or a contract header)
3. the query is a distinctive part of one name (e.g. "锦程")     → score 0.7
4. similar spelling (difflib ratio ≥ 0.75), e.g. a typo         → listed as a suggestion only,
   never as a match: a near-miss name may just as well be an impostor brand

Normalisation folds full-width characters, drops spaces and punctuation and the legal suffix
(有限公司, 股份有限公司, …).  Aliases are derived automatically: the place-name prefix dropped
(四川锦程消费金融 → 锦程消费金融) and 消费金融 shortened to 消金 / 金融 (马上金融).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from dunguard.errors import UsageError
from dunguard.i18n import current_lang, normalize_lang
from dunguard.prevent.citations import load_data

_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|股份公司|公司)$")
_PUNCT = re.compile(r"[\s\u3000·・,，.。、:：;；!！?？()（）\[\]【】《》<>{}\"'“”‘’_\-—/\\|]+")
_PLACES = (
    "内蒙古", "四川省", "哈尔滨", "北京", "天津", "上海", "重庆", "四川", "浙江", "湖南", "湖北",
    "陕西", "河南", "河北", "厦门", "深圳前海", "深圳", "江苏", "山东", "广东", "福建",
)  # fmt: skip
SIMILAR_MIN = 0.75
_GENERIC_CORES = {"中国", "中银", "中信", "平安", "兴业", "建信", "中邮", "阳光", "幸福", "中原"}


@dataclass(frozen=True, slots=True)
class Institution:
    name: str
    kind: str  # consumer_finance | bank
    code: str | None
    aliases: tuple[str, ...]  # normalised
    core: str  # distinctive short part, e.g. 马上


@dataclass(slots=True)
class Candidate:
    name: str
    kind: str
    code: str | None
    score: float
    how: str  # exact | alias_in_query | part_of_name | similar


@dataclass(slots=True)
class Channel:
    id: str
    name: str
    scope: str


@dataclass(slots=True)
class LenderCheck:
    query: str
    kind: str  # consumer_finance | bank | small_loan | guarantee | unknown
    match: Candidate | None
    candidates: list[Candidate]
    channels: list[Channel]
    notes: list[str] = field(default_factory=list)
    as_of: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def licensed(self) -> bool:
        return self.match is not None and self.match.kind in ("consumer_finance", "bank")


def normalize_name(name: str) -> str:
    """Fold width, drop punctuation/spaces and the legal-form suffix."""
    s = unicodedata.normalize("NFKC", name)
    s = _PUNCT.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _LEGAL_SUFFIX.sub("", s)
    return s


def _strip_place(s: str) -> str:
    for place in _PLACES:
        rest = s[len(place) :]
        if s.startswith(place) and rest.removesuffix("消费金融").removesuffix("银行"):
            return rest
    return s


def _derive(name: str, kind: str, extra: list[str]) -> tuple[tuple[str, ...], str]:
    base = normalize_name(name)
    forms = {base, _strip_place(base)}
    core = ""
    if kind == "consumer_finance":
        for f in list(forms):
            stem = f.removesuffix("消费金融")
            if stem != f and stem:
                forms.update({stem + "消金", stem + "消费金融"})
                if stem not in _GENERIC_CORES:
                    forms.add(stem + "金融")
        core = _strip_place(base).removesuffix("消费金融")
    else:
        stem = _strip_place(base)
        forms.add(stem)
        core = stem.removesuffix("银行")
    forms.update(normalize_name(a) for a in extra)
    return tuple(sorted(f for f in forms if f)), core


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("lenders.yaml")
    return data


@cache
def institutions() -> tuple[Institution, ...]:
    data = _data()
    extra_aliases: dict[str, list[str]] = data.get("aliases") or {}
    out: list[Institution] = []
    for row in data["consumer_finance"]:
        aliases, core = _derive(row["name"], "consumer_finance", extra_aliases.get(row["name"], []))
        out.append(Institution(row["name"], "consumer_finance", row.get("code"), aliases, core))
    for row in data["banks"]:
        aliases, core = _derive(row["name"], "bank", list(row.get("aliases") or []))
        out.append(Institution(row["name"], "bank", None, aliases, core))
    return tuple(out)


def _score(q: str, inst: Institution) -> tuple[float, str] | None:
    if q in inst.aliases:
        return 1.0, "exact"
    if any(len(a) >= 4 and a in q for a in inst.aliases):
        return 0.9, "alias_in_query"
    if len(inst.core) >= 2 and q in (inst.core, inst.core + "银行"):
        # "兴业", "平安", "中信" name a bank, a consumer finance company and more: never a match
        return (0.5 if inst.core in _GENERIC_CORES else 0.7), "part_of_name"
    best = max(SequenceMatcher(None, q, a).ratio() for a in inst.aliases)
    if best >= SIMILAR_MIN:
        return round(min(best, 0.69), 2), "similar"  # a suggestion, never a match
    return None


def _kind_from_name(q: str) -> str:
    if "小额贷款" in q or "小贷" in q:
        return "small_loan"
    if "融资担保" in q:
        return "guarantee"
    if q.endswith("银行"):
        return "bank_unlisted"
    return "unknown"


def check_lender(name: str, lang: str | None = None) -> LenderCheck:
    """Match ``name`` against the licensed-lender list and say which channels apply."""
    lang = normalize_lang(lang) if lang else current_lang()
    q = normalize_name(name)
    if not q:
        raise UsageError("prevent.lender.empty")
    data = _data()
    cands: list[Candidate] = []
    for inst in institutions():
        scored = _score(q, inst)
        if scored:
            cands.append(Candidate(inst.name, inst.kind, inst.code, scored[0], scored[1]))
    cands.sort(key=lambda c: (-c.score, c.kind != "consumer_finance", c.name))
    match: Candidate | None = None
    notes: list[str] = []
    if cands and cands[0].score >= 0.9 and (len(cands) == 1 or cands[1].score < cands[0].score):
        match = cands[0]
    elif cands and cands[0].score >= 0.7 and (len(cands) == 1 or cands[1].score < 0.7):
        match = cands[0]
        notes.append(_note("probable", lang, name=match.name))
    if match is not None:
        kind = match.kind
        cands = [c for c in cands if c.score >= match.score]
    else:
        guessed = _kind_from_name(q)
        if guessed == "bank_unlisted":
            kind = "bank"
            notes.append(_note("bank_unlisted", lang))
        else:
            kind = guessed
        if "消费金融" in q or "消金" in q:
            notes.append(_note("cf_not_listed", lang))
        if kind in ("small_loan", "guarantee"):
            notes.append(_note(kind, lang))
        if kind == "unknown" and not cands:
            notes.append(_note("unknown", lang))
        if cands and all(c.how == "similar" for c in cands):
            notes.append(_note("did_you_mean", lang, names="、".join(c.name for c in cands[:3])))
        elif cands:
            notes.append(_note("ambiguous", lang))
    notes.append(data[f"check_note_{lang}"])
    channels = [
        Channel(cid, data["channels"][cid][f"name_{lang}"], data["channels"][cid][f"scope_{lang}"])
        for cid in data["channels_by_type"][kind]
    ]
    return LenderCheck(
        query=name,
        kind=kind,
        match=match,
        candidates=cands[:5],
        channels=channels,
        notes=notes,
        as_of=str(data["as_of"]),
        source=str(data["source"]),
    )


_NOTES = {
    "probable": {
        "zh": "按简称匹配到“{name}”，请核对全称。",
        "en": "Matched “{name}” by its short name; check the full name.",
    },
    "bank_unlisted": {
        "zh": "名称是银行，但不在 DunGuard 收录的大型银行名单里（地方银行未收录），请查询监管名单核实。",
        "en": "The name is a bank but not among the large banks DunGuard lists (local banks are not listed); check the register.",
    },
    "cf_not_listed": {
        "zh": "名称里有“消费金融”，但不在持牌消费金融公司名单里：可能是名单过时，也可能是冒用名义，请务必核实。",
        "en": "The name says 'consumer finance' but is not on the licensed list: the list may be out of date or the name may be misused. Check it.",
    },
    "small_loan": {
        "zh": "看起来是小额贷款公司，由地方金融管理部门监管，不在本名单范围内。",
        "en": "Looks like a small-loan company, supervised by the local financial regulator and outside this list.",
    },
    "guarantee": {
        "zh": "看起来是融资担保公司，由地方金融管理部门监管，不在本名单范围内。",
        "en": "Looks like a financing guarantee company, supervised by the local financial regulator and outside this list.",
    },
    "unknown": {
        "zh": "没有找到这个名称。很多App用的是品牌名，请在合同或借款凭证上找放款机构的全称再查。查不到不等于一定无牌照。",
        "en": "Name not found. Many apps use a brand name: look up the lending institution's full name in the contract or loan receipt. Not found does not prove it is unlicensed.",
    },
    "did_you_mean": {
        "zh": "名称和“{names}”相近但不相同。可能是输错了，也可能是冒用相近名称，请核对全称。",
        "en": "The name is close to, but not the same as, “{names}”. It may be a typo or an impostor using a similar name; check the full name.",
    },
    "ambiguous": {
        "zh": "这个名称只是部分匹配（可能对应多家机构），请输入更完整的名称。",
        "en": "The name matches only part of a name (possibly several institutions); enter a fuller name.",
    },
}


def _note(key: str, lang: str, **params: str) -> str:
    return _NOTES[key]["en" if lang == "en" else "zh"].format(**params)
