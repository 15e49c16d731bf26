"""Bursts: at least ``min_events`` collection contacts from one lender within ``window_minutes``.

A burst is a maximal run of one group's contacts (calls and messages, sorted by time) in
which every event lies within ``window_minutes`` of an event ``min_events - 1`` places
before or after it; overlapping windows merge.  Defaults: 5 contacts in 30 minutes (a tool
choice, not a legal number).  :func:`find_bursts` feeds the analysis summary's ``bursts``
list; the engine reports bursts as findings only where the rulebook defines a rule ``burst``
(none does yet: no statute sets a number for "a burst").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dunguard.analyze.behaviour import Hit, Row
from dunguard.analyze.behaviour.night import is_collection_contact

RULE = "burst"
LABEL = "burst"
MIN_EVENTS = 5
WINDOW_MINUTES = 30


@dataclass(frozen=True, slots=True)
class Burst:
    group: str
    start: int  # epoch seconds
    end: int
    event_ids: tuple[int, ...]


def find_bursts(rows: Sequence[Row], min_events: int = MIN_EVENTS, window_minutes: int = WINDOW_MINUTES) -> list[Burst]:
    window = window_minutes * 60
    per: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if is_collection_contact(row):
            assert row.group is not None
            per[row.group].append(row)
    bursts: list[Burst] = []
    for group in sorted(per):
        items = sorted(per[group], key=lambda r: (r.ts, r.id))
        marked = [False] * len(items)
        for j in range(min_events - 1, len(items)):
            i = j - min_events + 1
            if items[j].ts - items[i].ts <= window:
                for k in range(i, j + 1):
                    marked[k] = True
        run: list[Row] = []
        for k, item in enumerate(items):
            contiguous = run and marked[k] and marked[k - 1] and item.ts - run[-1].ts <= window
            if marked[k] and (not run or contiguous):
                run.append(item)
                continue
            if len(run) >= min_events:
                bursts.append(Burst(group, run[0].ts, run[-1].ts, tuple(r.id for r in run)))
            run = [item] if marked[k] else []
        if len(run) >= min_events:
            bursts.append(Burst(group, run[0].ts, run[-1].ts, tuple(r.id for r in run)))
    return bursts


def detect(rows: Sequence[Row], params: Mapping[str, Any]) -> list[Hit]:
    found = find_bursts(rows, int(params.get("min_events", MIN_EVENTS)),
                        int(params.get("window_minutes", WINDOW_MINUTES)))
    per: dict[str, list[Burst]] = defaultdict(list)
    for b in found:
        per[b.group].append(b)
    hits = []
    for group, items in sorted(per.items()):
        biggest = max(items, key=lambda b: (len(b.event_ids), -b.start))
        hits.append(
            Hit(
                RULE,
                LABEL,
                group,
                [i for b in items for i in b.event_ids],
                {
                    "bursts": len(items),
                    "count": sum(len(b.event_ids) for b in items),
                    "largest": len(biggest.event_ids),
                    "largest_minutes": max(1, (biggest.end - biggest.start + 59) // 60),
                    "largest_start_ts": biggest.start,
                },
            )
        )
    return hits
