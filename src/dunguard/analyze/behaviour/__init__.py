"""Behaviour detectors: deterministic, pure functions over the case's event rows.

The engine turns every stored Event into a compact :class:`Row` (times already in the case's
time zone, the counterpart's lender group and role resolved) and hands the list to each
detector.  A detector returns :class:`Hit` objects — one per rule × group (a lender, or a
number when no lender is known) — that the engine turns into findings.  Detectors never
touch the database, so they are tested table-driven (``tests/analyze/test_behaviour*.py``).

Detectors (one small module each):

=============  ======  =========================================================
module         rule    what it finds
=============  ======  =========================================================
night          T1      collection contact 22:00–08:00 local time
calls          T2      more than 3 answered collection calls a day, per lender
attempts       T3      more than 6 call attempts a day, per lender (the debtor's
                       number is the one dialled)
burst          —       many contacts from one lender in a short window (listed in
                       the analysis summary; a finding only where the rulebook
                       has a ``burst`` rule)
rotation       T14     one lender using several personal mobile numbers
stop           T8      contact after a request to stop
third_party    T7      collection that reached the debtor's contacts
repeated       T4      three or more insulting / threatening messages
=============  ======  =========================================================

Which events count as *collection contact*: events whose counterpart is a known collector
(``Row.collector``): a number that sent at least one message with collection content or a
text finding, a number the borrower logged in the diary, or a phone of a lender / collector
party.  Calls from numbers nothing links to collection are not counted — a lawyer must be
able to defend every event in a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COLLECTION_KINDS",
    "Hit",
    "Row",
    "day_iso",
]

# event kinds that are a contact by the counterpart (diary: the borrower's own log of one)
COLLECTION_KINDS = frozenset({"call", "sms", "mms", "chat", "diary", "ocr"})


@dataclass(slots=True)
class Row:
    """One event, reduced to what the detectors need."""

    id: int
    kind: str  # sms mms call chat diary ocr recording
    direction: str  # in out unknown
    ts: int  # epoch seconds (UTC)
    day: int  # local calendar day, proleptic ordinal (dt.date.toordinal)
    minute: int  # local minute of the day, 0..1439
    number: str | None = None  # counterpart key (E.164 or compact raw)
    group: str | None = None  # lender group key (see engine); None when not a collector
    call_status: str | None = None
    duration: int | None = None
    channel: str | None = None
    text: str | None = None
    collector: bool = False  # counterpart is a known collector
    contact: str | None = None  # name of the contact party the counterpart belongs to
    from_contact_device: bool = False  # the evidence came from a contact's phone
    labels: tuple[str, ...] = ()  # text labels found by the rules in this event

    @property
    def incoming(self) -> bool:
        return self.direction != "out"


@dataclass(slots=True)
class Hit:
    """What one detector found for one group: the engine turns it into a Finding."""

    rule_id: str
    label: str  # behaviour label, e.g. "night_contact"
    group: str  # lender group key (or contact key for third parties)
    event_ids: list[int]
    facts: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # None: the engine's default for the label


def day_iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def parse_hhmm(value: Any, default: int) -> int:
    """ "22:00" → minute of the day (1320)."""
    try:
        h, m = str(value).split(":", 1)
        return int(h) * 60 + int(m)
    except (ValueError, TypeError):
        return default
