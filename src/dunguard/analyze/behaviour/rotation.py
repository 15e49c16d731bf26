"""Number rotation (T14): one lender contacting the debtor from several personal numbers.

Collectors rotate cheap mobile numbers (often virtual-operator ranges 170/171/165…) so that
blocking one does not help.  A group counts when the engine linked at least
``min_numbers`` (default 3) *personal* numbers (mobile or virtual mobile, not 106/95/400
service lines) to one named lender — by its 【签名】, a platform name, or the same message
template.  Groups without a name (a bare number) cannot rotate by definition.  The evidence
lists the first ``EVIDENCE_PER_NUMBER`` events of each number; ``count`` covers all.  The finding
cites T14 (collection from private phones, industry self-regulation) with "可能", and its
facts list the numbers, which is what a complaint to the lender needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from dunguard.analyze.behaviour import Hit, Row

RULE = "T14"
LABEL = "number_rotation"
MIN_NUMBERS = 3
EVIDENCE_PER_NUMBER = 20  # events listed per number (the count covers all of them)
PERSONAL_KINDS = frozenset({"mobile", "virtual_mobile"})


def detect(
    rows: Sequence[Row],
    params: Mapping[str, Any],
    number_kinds: Mapping[str, str | None],
    named_groups: set[str],
) -> list[Hit]:
    """``number_kinds``: number key → NumberKind value; ``named_groups``: groups with a lender name."""
    min_numbers = int(params.get("min_numbers", MIN_NUMBERS))
    per: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if not (row.collector and row.incoming and row.group in named_groups and row.number):
            continue
        if number_kinds.get(row.number) not in PERSONAL_KINDS:
            continue
        assert row.group is not None
        totals[row.group] += 1
        listed = per[row.group][row.number]
        if len(listed) < EVIDENCE_PER_NUMBER:
            listed.append(row.id)
    hits = []
    for group, numbers in sorted(per.items()):
        if len(numbers) < min_numbers:
            continue
        ordered = sorted(numbers)
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                sorted(i for n in ordered for i in numbers[n]),  # ids grow with import order, not time
                {
                    "numbers": ordered,
                    "number_count": len(ordered),
                    "virtual": sum(1 for n in ordered if number_kinds.get(n) == "virtual_mobile"),
                    "count": totals[group],
                },
            )
        )
    return hits
