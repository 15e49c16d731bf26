"""T2 effective calls: more than ``max_effective_calls_per_day`` answered calls a day, per lender.

An *effective* call is an incoming call from a collector that was answered
(``call_status == "answered"`` and a duration that is not zero), or a diary-logged call
with a duration.  Calls are counted per lender group (all its numbers, its agencies
included where attribution links them) per local calendar day.  One hit per group with
the calls of every day over the limit; facts: ``days`` over the limit, ``max_per_day``,
``worst_day``, ``limit``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import Hit, Row, day_iso

RULE = "T2"
LABEL = "call_frequency"


def is_effective_call(row: Row) -> bool:
    if not (row.collector and row.incoming and row.group is not None):
        return False
    if row.kind == "call":
        return row.call_status == "answered" and (row.duration is None or row.duration > 0)
    if row.kind == "diary" and (row.channel or "") == "diary:call":
        return bool(row.duration)
    return False


def over_limit_per_day(rows: Sequence[Row], limit: int, rule: str, label: str) -> list[Hit]:
    """Group ``rows`` by (group, local day); keep groups with days above ``limit``."""
    per: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        assert row.group is not None
        per[row.group][row.day].append(row.id)
    hits = []
    for group, days in sorted(per.items()):
        bad = {d: ids for d, ids in days.items() if len(ids) > limit}
        if not bad:
            continue
        worst = max(sorted(bad), key=lambda d: len(bad[d]))
        ids = [i for d in sorted(bad) for i in bad[d]]
        hits.append(
            Hit(
                rule,
                label,
                group,
                ids,
                {
                    "count": len(ids),
                    "days": len(bad),
                    "max_per_day": len(bad[worst]),
                    "worst_day": day_iso(worst),
                    "first_day": day_iso(min(bad)),
                    "last_day": day_iso(max(bad)),
                    "limit": limit,
                },
            )
        )
    return hits


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    limit = int(params.get("max_effective_calls_per_day", 3))
    return over_limit_per_day([r for r in rows if is_effective_call(r)], limit, RULE, LABEL)
