"""T3 call attempts: more than ``max_attempts_per_number_per_day`` dial attempts a day.

Every incoming call from a collector is an attempt, whatever its outcome (answered,
missed, rejected, blocked).  The debtor's number is the one dialled, so attempts are
counted per lender group (all the numbers it calls from) per local day — rotation between
numbers does not reset the count.  Facts as for T2 (``days``, ``max_per_day``,
``worst_day``, ``limit``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import Hit, Row
from dunguard.analyze.behaviour.calls import over_limit_per_day

RULE = "T3"
LABEL = "call_attempts"


def is_attempt(row: Row) -> bool:
    return row.kind == "call" and row.collector and row.incoming and row.group is not None


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    limit = int(params.get("max_attempts_per_number_per_day", 6))
    return over_limit_per_day([r for r in rows if is_attempt(r)], limit, RULE, LABEL)
