"""Who is behind a message: lender / collector, amounts and days overdue, from the text alone.

``extract(text)`` reads one message and returns an :class:`Attribution`:

* ``signature``: the SMS signature ``【…】`` (or ``[…]``) at the start or end of the text,
  the strongest sign of the sending organisation.  Generic brackets (``【温馨提示】``,
  ``【最后通知】``) are ignored; brackets naming an authority (``【XX市人民法院】``) are kept
  apart in ``claimed_authority`` — a claim, never an attribution;
* ``platforms``: app / platform names written as ``XX平台``, ``XXAPP``, ``XX借款``;
* ``collector``: a named collection agency (``XX资产管理``, ``XX催收``, ``XX律师事务所``
  when not claimed in a signature);
* ``amounts``: money amounts (``1,280.00元``, ``¥500``), as strings exactly as written;
* ``days_overdue``: ``逾期3天`` / ``已逾期 45 日``;
* ``numbers``: phone numbers written in the text (a call-back number links the sender to
  the number it names).

``template_key(text)`` masks digits, amounts, dates and the addressee's name so that the
same lender template sent from different numbers gets the same key; the engine uses it
(with signatures and platform names) to link rotating numbers to one lender.

Everything here is a pure function of the text; no database, no network.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "Attribution",
    "extract",
    "template_key",
]

_SIG = re.compile(r"[【\[]\s*([^【】\[\]\s]{2,24})\s*[】\]]")
_GENERIC_SIG = re.compile(
    r"^(温馨)?(提示|提醒|通知|公告|重要|紧急|最后|警告|催收|还款|逾期|账单|告知|通告|函)+(通知|提醒|函)?$"
    r"|^(最后通牒|重要提醒|紧急通知|系统通知|温馨提示|特别提醒|官方通知)$"
)
_AUTHORITY = re.compile(r"(法院|公安|派出所|检察院|政府|仲裁|律师事务所|律所|司法|警|纪委|监察)")
_PLATFORM = re.compile(
    r"(?:在|从|于)([\u4e00-\u9fa5A-Za-z0-9]{2,8}?)(?:APP|App|app|平台)"
    r"|([\u4e00-\u9fa5A-Za-z0-9]{2,8}?)平台(?:的|上的)?(?:借款|贷款|欠款|账单)"
)
_PLATFORM_STOP = frozenset(
    {
        "其他", "别的", "其它", "我们", "我司", "本", "该", "贵", "网贷", "网络", "各大", "所有", "任何",
        "正规", "合法", "其他的", "别家", "多个", "这个", "那个", "你的", "您的", "此", "个人", "申请",
        "您在", "你在", "您", "你", "我", "借款", "贷款", "还款", "逾期", "相关", "官方", "手机", "下款",
    }
)
_COLLECTOR = re.compile(
    r"([\u4e00-\u9fa5]{2,10}?(?:资产管理|信息咨询|商务咨询|催收|法务|信息科技))(?:有限)?公司"
    r"|([\u4e00-\u9fa5]{2,10}?律师事务所)"
)
_AMOUNT = re.compile(r"(?:[¥￥]\s*[0-9][0-9,]*(?:\.[0-9]{1,2})?|[0-9][0-9,]*(?:\.[0-9]{1,2})?\s*(?:元|块))")
_NUMBER = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[48]00-?[0-9]{3}-?[0-9]{4}|95[0-9]{3,4}|0[1-9][0-9]{1,2}-?[0-9]{7,8})(?![0-9])")
_DAYS = re.compile(r"逾期\s*(?:已\s*)?(?:达\s*)?([0-9]{1,4})\s*(?:天|日)")

# masks for template linking: amounts/digits, dates, the greeting's name
_MASK_NUM = re.compile(r"[0-9０-９][0-9０-９,.:：/\-年月日号点时分]*")
_MASK_NAME = re.compile(
    r"^(?P<sig>[【\[][^】\]]*[】\]])?\s*(?:尊敬的)?[\u4e00-\u9fa5]{1,4}?(?:先生|女士|小姐|用户|客户)?(?:您好|你好)?[，,：:]"
)
_MASK_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Attribution:
    signature: str | None = None
    claimed_authority: str | None = None
    platforms: tuple[str, ...] = ()
    collector: str | None = None
    amounts: tuple[str, ...] = ()
    days_overdue: int | None = None
    numbers: tuple[str, ...] = ()  # phone numbers written in the text ("请致电4001234567")

    @property
    def lender(self) -> str | None:
        """The best single name for the organisation behind the text (None if unknown)."""
        if self.signature:
            return self.signature
        if self.platforms:
            return self.platforms[0]
        return self.collector

    def as_dict(self) -> dict[str, object]:
        return {
            "lender": self.lender,
            "signature": self.signature,
            "claimed_authority": self.claimed_authority,
            "platforms": list(self.platforms),
            "collector": self.collector,
            "amounts": list(self.amounts),
            "days_overdue": self.days_overdue,
            "numbers": list(self.numbers),
        }


def _signature(text: str) -> tuple[str | None, str | None]:
    """(organisation signature, claimed authority) from a bracket at the start or end."""
    stripped = text.strip()
    candidates: list[str] = []
    for m in _SIG.finditer(stripped):
        at_edge = m.start() <= 2 or m.end() >= len(stripped) - 2
        if at_edge:
            candidates.append(m.group(1))
    sig: str | None = None
    authority: str | None = None
    for c in candidates:
        if _GENERIC_SIG.match(c):
            continue
        if _AUTHORITY.search(c):
            authority = authority or c
            continue
        sig = sig or c
    return sig, authority


def _platforms(text: str, signature: str | None) -> tuple[str, ...]:
    found: list[str] = []
    for m in _PLATFORM.finditer(text):
        name = re.sub(r"^(?:您|你|贵方|我)?(?:在|从|于)", "", m.group(1) or m.group(2))
        if len(name) < 2 or name in _PLATFORM_STOP or any(name.startswith(s) for s in ("其他", "别的", "其它", "各")):
            continue
        if name.isdigit():
            continue
        if name not in found and name != signature:
            found.append(name)
    return tuple(found[:3])


def extract(text: str | None) -> Attribution:
    """Everything the text says about who is collecting and what."""
    if not text:
        return Attribution()
    sig, authority = _signature(text)
    collector_m = _COLLECTOR.search(text)
    collector = (collector_m.group(1) or collector_m.group(2)) if collector_m else None
    if collector:
        collector = re.sub(r"^(?:我司|本公司|本司|我们|现|已)?(?:受|由|被|经|委托)", "", collector) or None
    if collector and authority and collector in authority:
        collector = None
    days_m = _DAYS.search(text)
    return Attribution(
        signature=sig,
        claimed_authority=authority,
        platforms=_platforms(text, sig),
        collector=collector,
        amounts=tuple(m.group(0).strip() for m in _AMOUNT.finditer(text))[:5],
        days_overdue=int(days_m.group(1)) if days_m else None,
        numbers=tuple(dict.fromkeys(m.group(0).replace("-", "") for m in _NUMBER.finditer(text)))[:5],
    )


def template_key(text: str | None, min_chars: int = 10) -> str | None:
    """A key shared by messages of one template (digits, amounts, names masked).

    Short texts (fewer than ``min_chars`` characters after masking) get ``None``: "在吗"
    from two numbers says nothing about who sent it.
    """
    if not text:
        return None
    masked = _MASK_NAME.sub(lambda m: m.group("sig") or "", text.strip())
    masked = _MASK_NUM.sub("#", masked)
    masked = _MASK_SPACE.sub("", masked)
    if len(masked) < min_chars:
        return None
    return hashlib.blake2b(masked.encode("utf-8"), digest_size=8).hexdigest()
