"""T7 third parties reached: collection that reached the debtor's contacts.

An event shows that collection reached a third party when

* it comes from a known contact (``Row.contact``: the counterpart is a contact party's
  number) and its text reports being contacted about the debt ("有个陌生人打电话给我，说你
  借网贷不还"), or is itself a collection message with a text finding (the contact forwarded
  what they received); or
* it comes from evidence taken from a contact's phone (``Row.from_contact_device``: a
  screenshot or chat export of what the contact received) and has a text finding.

One hit per contact (group ``contact:<name or number>``).  The reporting cue tables below
are deliberately narrow: a relative asking "你欠我的钱什么时候还" is not a report of collection.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import Hit, Row

RULE = "T7"
LABEL = "third_party_reached"

# someone (a stranger, the collector, "they") contacted me …
_WHO_CONTACTED = re.compile(
    r"(有人|有个人|陌生人|陌生号码|陌生电话|催收|催债|要债|讨债|他们|一个人|一个男的|一个女的|对方|自称|网贷|平台|贷款公司|"
    r"借贷公司|律师|法务|客服)[^。！？!?\n]{0,20}?"
    r"(打电话|打了电话|打到|打来|来电|打给|发短信|发信息|发消息|发了短信|发了信息|短信|微信|找到|找过|找我|找了|联系|加我|问我|说)"
)
# … about the debtor's debt
_ABOUT_DEBT = re.compile(r"(欠|还钱|还款|网贷|贷款|借款|催收|逾期|债|不还)")


def reports_collection(text: str | None) -> bool:
    """A contact's message that says they were contacted about the debtor's debt."""
    if not text:
        return False
    m = _WHO_CONTACTED.search(text)
    return bool(m and _ABOUT_DEBT.search(text, m.start()))


def reached(row: Row) -> bool:
    if not row.incoming:
        return False
    if row.from_contact_device and row.labels:
        return True
    return row.contact is not None and (bool(row.labels) or reports_collection(row.text))


def contact_key(row: Row) -> str:
    return f"contact:{row.contact or row.number or '?'}"


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    per: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if reached(row):
            per[contact_key(row)].append(row)
    hits = []
    for group, found in sorted(per.items()):
        first = found[0]
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                [r.id for r in found],
                {
                    "contact": first.contact or first.number or "",
                    "number": first.number or "",
                    "count": len(found),
                    "from_contact_device": any(r.from_contact_device for r in found),
                },
            )
        )
    return hits
