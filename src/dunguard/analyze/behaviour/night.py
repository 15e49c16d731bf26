"""T1 night contact: collection contact between ``night_start`` and ``night_end`` local time.

Params (rulebook T1): ``night_start`` "22:00", ``night_end`` "08:00"; the window is
[start, end) and wraps midnight.  Counted: incoming calls (any outcome: a ringing phone at
23:40 is the intrusion), messages and diary-logged calls/visits from a collector.  One hit
per lender group with every night event; facts: ``count``, ``nights`` (distinct local
days), ``latest`` example minute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import COLLECTION_KINDS, Hit, Row, day_iso, parse_hhmm

RULE = "T1"
LABEL = "night_contact"


def in_window(minute: int, start: int, end: int) -> bool:
    """True if ``minute`` of the day lies in [start, end), wrapping midnight when start > end."""
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def is_collection_contact(row: Row) -> bool:
    if not (row.collector and row.incoming and row.group is not None and row.kind in COLLECTION_KINDS):
        return False
    return not (row.kind == "diary" and (row.channel or "") == "diary:letter")


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    start = parse_hhmm(params.get("night_start"), 22 * 60)
    end = parse_hhmm(params.get("night_end"), 8 * 60)
    by_group: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if is_collection_contact(row) and in_window(row.minute, start, end):
            assert row.group is not None
            by_group[row.group].append(row)
    hits = []
    for group, found in sorted(by_group.items()):
        days = sorted({r.day for r in found})
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                [r.id for r in found],
                {
                    "count": len(found),
                    "nights": len(days),
                    "first_day": day_iso(days[0]),
                    "last_day": day_iso(days[-1]),
                    "calls": sum(1 for r in found if r.kind == "call"),
                    "messages": sum(1 for r in found if r.kind in ("sms", "mms", "chat", "ocr")),
                },
            )
        )
    return hits
