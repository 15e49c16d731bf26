"""Fast path of the import for SMS Backup & Restore XML: elements straight to insert rows.

The ordinary path turns every ``<sms>``/``<call>`` element into an
:class:`~dunguard.records.EventRecord` (:mod:`dunguard.ingest.sms_backup_restore`) and the
pipeline turns the record into an insert row (``_RowBuilder.event``).  For a backup of a
million messages that double handling is most of the import's CPU time, so this module
reads the same elements (``SmsBackupRestoreImporter.elements``: the same hostile-input
check, emoji repair, truncation error or salvage, skips and notes) and builds the very same
row tuples directly.  MMS elements (rare, with attachments) go the ordinary way.

``tests/ingest/test_fast_sbr.py`` proves row for row that both paths store the same events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunguard.ingest.base import ParseContext, Record, epoch_ms_to_utc
from dunguard.ingest.sms_backup_restore import (
    _CALL_TYPE,
    _NULLS,
    _PRESENTATION,
    _SMS_BOX,
    _SMS_DIRECTION,
    IMPORTER,
)
from dunguard.records import CallStatus, Direction

if TYPE_CHECKING:
    from dunguard.ingest.pipeline import _RowBuilder

__all__ = ["FAST_FORMATS", "rows"]

FAST_FORMATS = frozenset({IMPORTER.name})

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# the last millisecond a datetime can hold: later times fail the file as the ordinary path does
_MAX_MS = (dt.datetime.max.replace(tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(milliseconds=1)
_SMS_DIR_V = {k: v.value for k, v in _SMS_DIRECTION.items()}
_UNKNOWN = Direction.UNKNOWN.value
_CALL_V = {k: (d.value, s.value) for k, (d, s) in _CALL_TYPE.items()}
_CALL_UNKNOWN = (Direction.UNKNOWN.value, CallStatus.UNKNOWN.value)
_NO_EXTRA: dict[str, Any] = {}  # marker: the common SMS, whose stored extra is made directly


def _ms(value: str | None) -> int | None:
    """As ``sms_backup_restore._ms``: Unix ms, or seconds that some app versions write."""
    if value is None:
        return None
    try:
        n = int(value)
    except ValueError:
        return None
    if n <= 0:
        return None
    return n * 1000 if n < 100_000_000_000 else n


def rows(path: Path, ctx: ParseContext, builder: _RowBuilder) -> Iterator[Record | None]:
    """Parse ``path``; SMS and calls go straight into ``builder.rows``.

    Yields the records that are not such rows (MMS attachments as DerivedRecords), and
    ``None`` whenever ``builder.rows`` holds a batch worth inserting (the caller takes it).
    """
    from dunguard.ingest.pipeline import BATCH

    b = builder
    out = b.rows
    parsed = b.parsed
    number_cache = b._number_cache
    number_of = b._number
    contacts = b.contacts
    case_id = b.case_id
    evidence_id = b.evidence_id
    sqlite = b.sqlite
    owner_src = f"\x1e{b.owner_tag}" if b.owner_tag is not None else ""
    days = b._days
    clock: dict[int, str] = {}  # second of the day -> 'HH:MM:SS.'
    to_json = b._json
    blake2b = hashlib.blake2b
    offset = ctx.offset_minutes
    hours: dict[int, int] = {}
    skip = ctx.skip
    first_us = b._first_us
    last_us = b._last_us
    try:
        for tag, n, el in IMPORTER.elements(path, ctx):
            if tag == "mms":
                rec, files = IMPORTER._mms(el, n, ctx, offset)
                yield from files
                out = b.rows
                if rec is not None:
                    b._first_us, b._last_us = first_us, last_us
                    b.event(rec)
                    first_us, last_us = b._first_us, b._last_us
                continue
            get = el.get
            date = get("date")
            try:  # _ms, inlined: this loop runs once per record
                ms = int(date)
            except (TypeError, ValueError):
                ms = 0
            if ms < 100_000_000_000:
                ms *= 1000
            if ms <= 0:
                skip(f"{tag}[{n}] line {el.sourceline}", "ingest.skip.bad_time", value=date)
                continue
            if tag == "sms":
                typ = get("type")
                direction = _SMS_DIR_V.get(typ or "")
                if direction is None:
                    if typ == "3":
                        skip(f"sms[{n}] line {el.sourceline}", "ingest.skip.draft")
                        continue
                    direction = _UNKNOWN
                sent = _ms(get("date_sent"))
                sc = get("service_center")
                sub_id = get("sub_id")
                subject = get("subject")
                if (
                    (typ == "1" or typ == "2")
                    and (not sc or sc == "null")
                    and (not sub_id or sub_id == "-1")
                    and (not subject or subject == "null")
                ):
                    # the common message: nothing or only the sending time to keep
                    extra = _NO_EXTRA
                    common: str | None = f'{{"date_sent_ms":{sent}}}' if sent else None
                else:
                    common = None
                    extra = {} if typ in ("1", "2") else {"box": _SMS_BOX.get(typ or "", typ)}
                    if sent:
                        extra["date_sent_ms"] = sent
                    if sc and sc != "null":
                        extra["service_center"] = sc
                    if sub_id and sub_id != "-1":
                        extra["sim"] = sub_id
                    if subject and subject != "null":
                        extra["subject"] = subject
                body = get("body")
                text = None if body is None or body == "null" else body
                raw = get("address")
                duration = None
                status = None
                channel = "sms"
            else:
                typ = get("type") or ""
                direction, status = _CALL_V.get(typ, _CALL_UNKNOWN)
                d = get("duration")
                try:
                    duration = int(d) if d is not None else None
                except ValueError:
                    duration = None
                if duration is not None and duration < 0:
                    duration = None
                extra = {}
                common = None
                pres = get("presentation")
                if pres and pres != "1":
                    extra["presentation"] = _PRESENTATION.get(pres, pres)
                if typ == "7":
                    extra["answered_elsewhere"] = True
                sub = get("subscription_id")
                if sub and sub not in _NULLS and sub != "-1":
                    extra["sim"] = sub
                post = get("post_dial_digits")
                if post and post not in _NULLS:
                    extra["post_dial_digits"] = post
                raw = get("number")
                text = None
                channel = "call"
            parsed[channel] += 1
            if ms > _MAX_MS:
                epoch_ms_to_utc(ms)  # raises OverflowError, as the ordinary path does
            time_us = ms * 1000
            hour = ms // 3_600_000
            off = hours.get(hour)
            if off is None:
                off = hours[hour] = offset(hour * 3600)
            if first_us is None or time_us < first_us:
                first_us = time_us
            if last_us is None or time_us > last_us:
                last_us = time_us
            key: str | None = None
            nkind: str | None = None
            if raw is not None:
                hit = number_cache.get(raw)
                if hit is None:
                    hit = number_cache[raw] = number_of(raw)
                key, nkind = hit
            name = get("contact_name")
            if name in _NULLS:
                name = None
            if name is None and key is not None:
                name = contacts.get(key)
            src = (
                f"{channel}\x1f{time_us}\x1f{direction}\x1f{key or raw or ''}"
                f"\x1f{text or ''}\x1f{'' if duration is None else duration}{owner_src}"
            )
            sec = time_us // 1_000_000
            ident = f"{sec:08x}{blake2b(src.encode('utf-8', 'surrogatepass'), digest_size=8).hexdigest()}"
            if sqlite:
                day, rem = divmod(sec, 86_400)
                prefix = days.get(day)
                if prefix is None:
                    prefix = days[day] = (_EPOCH + dt.timedelta(days=day)).date().isoformat() + " "
                hms = clock.get(rem)
                if hms is None:
                    hms = clock[rem] = f"{rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}."
                when: Any = f"{prefix}{hms}{time_us % 1_000_000:06d}"
                stored_extra: Any = common if extra is _NO_EXTRA else to_json(extra) if extra else None
            else:
                when = epoch_ms_to_utc(ms)
                if extra is _NO_EXTRA:
                    extra = {"date_sent_ms": sent} if sent else {}
                stored_extra = extra or None
            out.append(
                (
                    case_id,
                    evidence_id,
                    channel,
                    direction,
                    when,
                    off,
                    (date or "")[:100],
                    raw[:400] if raw is not None else None,
                    key,
                    name[:200] if name is not None else None,
                    nkind,
                    channel,
                    text,
                    duration,
                    status,
                    f"{tag}[{n}] line {el.sourceline}"[:200],
                    None,
                    stored_extra,
                    ident,
                )
            )
            if len(out) >= BATCH:
                b._first_us, b._last_us = first_us, last_us
                yield None
                out = b.rows  # the caller took the batch
    finally:
        b._first_us, b._last_us = first_us, last_us

