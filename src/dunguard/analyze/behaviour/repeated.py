"""T4 repeated insulting / threatening messages: at least ``min_messages`` from one lender.

Counts messages whose text findings include a T4 label (insult, threat_violence,
threat_contacts, threat_visit; the list comes from the rulebook).  "多次" has no number in
the law; the threshold (3) is the rulebook's parameter, a tool choice.  One hit per group;
the hit is ``high`` severity when any of the messages threatens violence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import Hit, Row

RULE = "T4"
LABEL = "repeated_abuse"


def detect(rows: Sequence[Row], params: Mapping[str, Any], labels: Sequence[str]) -> list[Hit]:
    wanted = frozenset(labels)
    minimum = int(params.get("min_messages", 3))
    per: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.incoming and row.group is not None and wanted.intersection(row.labels):
            per[row.group].append(row)
    hits = []
    for group, found in sorted(per.items()):
        if len(found) < minimum:
            continue
        violent = any("threat_violence" in r.labels for r in found)
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                [r.id for r in found],
                {"count": len(found), "min_messages": minimum,
                 "labels": sorted({lab for r in found for lab in r.labels if lab in wanted})},
                severity="high" if violent else None,
            )
        )
    return hits
