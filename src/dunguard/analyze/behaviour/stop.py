"""T8 contact after a request to stop.

A *stop request* is

* the debtor's own outgoing message (SMS / chat / screenshot bubble) to a number that is
  not one of their contacts, asking to stop ("请立即停止联系我", "别再打电话了"), or
* a diary event (the borrower's log of a call, visit or letter) whose note records such a
  request, or a notice event: a diary entry of kind ``notice`` (``dunguard log --kind notice``,
  channel ``diary:notice``) or any event whose ``channel`` starts with ``notice``; a notice
  counts whatever its note says.

Its scope: a request sent to a collector's number covers that lender group; one without a
number, or to a number not yet linked to a lender, covers every collector.  A request that
asks to leave family, colleagues or contacts alone ("停止联系我的家人") covers contact with
third parties (see ``third_party.reached``) instead of contact with the debtor.

Every later collection contact in scope is counted, one hit per group, with the request
itself first among the evidence.  Facts: ``request_event``, ``request_day``, ``count``,
``scope`` (``debtor`` or ``third_parties``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dunguard.analyze.behaviour import Hit, Row, day_iso
from dunguard.analyze.behaviour.night import is_collection_contact
from dunguard.analyze.behaviour.third_party import contact_key, reached

RULE = "T8"
LABEL = "contact_after_stop"

_STOP = re.compile(
    r"(停止|不要再|不要|别再|别|不准再|不许再|勿再|不得再|请勿|拒绝)[^。！？!?\n，,]{0,10}?"
    r"(联系|来电|打电话|打给|致电|发短信|发信息|发消息|骚扰|催收|找)"
)
_NOT_REQUEST = re.compile(r"(不会停止|不能停止|无法停止|没有停止|别理|不要理|别管|不要管)")
_THIRD = re.compile(r"(家人|家里人|父母|爸妈|我妈|我爸|亲友|亲戚|朋友|同事|单位|公司|领导|通讯录|联系人|紧急联系人)")


@dataclass(frozen=True, slots=True)
class StopRequest:
    event_id: int
    ts: int
    day: int
    group: str | None  # None: every collector
    third_parties: bool


def is_stop_text(text: str | None) -> bool:
    if not text:
        return False
    return bool(_STOP.search(text)) and not _NOT_REQUEST.search(text)


def find_requests(rows: Sequence[Row]) -> list[StopRequest]:
    found = []
    for row in rows:
        channel = row.channel or ""
        is_notice = channel.startswith("notice") or channel == "diary:notice"
        if row.kind == "diary" or is_notice:
            if not (is_notice or is_stop_text(row.text)):
                continue
        elif row.direction == "out" and row.kind in ("sms", "mms", "chat", "ocr"):
            if row.contact is not None or not is_stop_text(row.text):
                continue
        else:
            continue
        third = bool(row.text and _THIRD.search(row.text))
        group = row.group if (row.collector and row.number is not None) else None
        found.append(StopRequest(row.id, row.ts, row.day, group, third))
    return found


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    grace = int(float(params.get("grace_hours", 0)) * 3600)
    requests = sorted(find_requests(rows), key=lambda r: (r.ts, r.event_id))
    if not requests:
        return []
    request_ids = {r.event_id for r in requests}
    per: dict[tuple[str, str], tuple[StopRequest, list[int]]] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row.direction == "out" or row.id in request_ids:
            continue
        debtor_side = is_collection_contact(row)
        third_side = reached(row)
        if not (debtor_side or third_side):
            continue
        for req in requests:
            if row.ts <= req.ts + grace:
                break
            if req.third_parties and third_side:
                key = (contact_key(row), "third_parties")
            elif not req.third_parties and debtor_side and (req.group is None or req.group == row.group):
                assert row.group is not None
                key = (row.group, "debtor")
            else:
                continue
            if key not in per:
                per[key] = (req, [req.event_id])
            per[key][1].append(row.id)
            counts[key] += 1
            break  # the earliest request in scope is the one that was ignored
    hits = []
    for (group, scope), (req, ids) in sorted(per.items()):
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                ids,
                {"request_event": req.event_id, "request_day": day_iso(req.day), "count": counts[(group, scope)],
                 "scope": scope},
            )
        )
    return hits
