"""Family checks for ``third_party_contact`` and ``debt_disclosure`` (rule T7).

These two labels depend on *who reads the message*, not only on its words: a plain
reminder becomes third-party contact when it is sent to the debtor's sister.  The reader
is known from ``addressee`` (scan input, or the event's party in a case) or from wording
that addresses a third party (the ``third_party_address`` cue: 请转告, 您是X的紧急联系人,
贵单位员工 …).  The lexicon entries ``tp.addressee`` and ``dd.to_third_party`` name these
functions in their ``check`` field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunguard.analyze.text.scanner import MessageContext

# Addressee roles that are not the debtor (or a guarantor, who may lawfully be asked).
THIRD_PARTY_ROLES = frozenset({"contact", "third_party", "family", "friend", "colleague", "employer",
                               "group", "public", "emergency_contact"})
DEBTOR_ROLES = frozenset({"debtor", "guarantor", "self"})

# Something that tells the reader the debtor owes: owing / overdue / an amount.
_DEBT_DETAIL = re.compile(
    r"(?:欠(?:款|钱|债|了|我|着)?|逾期|借了|借款(?:已|逾期|未|金额|\d)|未还|不还|没还|拖欠|款子|有笔账|账没|借的钱|"
    r"\d[\d,.]*\s*(?:元|块|万)|[一二三四五六七八九十两百千万]+(?:元|块|万))"
)

# Without debt talk, a relay request is collection only if it asks to reach the debtor: call
# us back, where is he, we cannot reach him, his number, an urgent matter.
_COLLECTION_ASK = re.compile(
    r"(?:回电|回个电话|回电话|回我们|联系我们|给我们|找(?:他|她)|在哪|住哪|下落|行踪|联系不上|联系不到|"
    r"换号|号码|联系方式|急事|处理|账户|账单|业务|平台|本人|打不通|关机|接电话|联系一下|联系人|认识|"
    r"在(?:宿舍|家|单位|公司|学校)(?:吗|没)|在不在|找一下|通过您|通过你)"
)


def addressed_to_third_party(ctx: MessageContext) -> tuple[int, int] | None:
    """Span (normalised offsets) showing the message reaches a third party, or None."""
    if ctx.addressee in THIRD_PARTY_ROLES:
        span: tuple[int, int] | None = (0, len(ctx.norm))
    else:
        span = ctx.get("third_party_address")  # cheap checks first: most messages stop here
    if span is None or ctx.blocked():
        return None
    if not ctx.has("debt"):
        # Without debt talk, only a message known to go to a third party that asks them to
        # relay, locate or pass on (the third_party_address cue) counts: 麻烦您转告他回电.
        if ctx.addressee not in THIRD_PARTY_ROLES or not ctx.has("third_party_address"):
            return None
        if _COLLECTION_ASK.search(ctx.norm) is None:
            return None  # 请转告小李，明天开会改到九点: a relay, but not about reaching the debtor
        return ctx.get("third_party_address")
    return span


def discloses_debt_to_third_party(ctx: MessageContext) -> tuple[int, int] | None:
    if addressed_to_third_party(ctx) is None:
        return None
    m = _DEBT_DETAIL.search(ctx.norm)
    return (m.start(), m.end()) if m else None


CHECKS = {
    "addressed_to_third_party": addressed_to_third_party,
    "discloses_debt_to_third_party": discloses_debt_to_third_party,
}
