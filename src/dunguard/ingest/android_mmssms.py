"""Android ``mmssms.db`` (com.android.providers.telephony): SMS and MMS.

Read from a private copy with its WAL (see :func:`dunguard.ingest.base.sqlite_copy`).
Columns are selected only if present, so vendor variants (Samsung, LG, Xiaomi) work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import (
    ParseContext,
    Record,
    epoch_ms_to_utc,
    select_existing,
    sqlite_copy,
    sqlite_tables,
    table_columns,
)
from dunguard.records import Direction, EventKind, EventRecord

_SMS_DIRECTION = {1: Direction.IN, 2: Direction.OUT, 4: Direction.OUT, 5: Direction.OUT, 6: Direction.OUT}
_SMS_BOX = {1: "inbox", 2: "sent", 3: "draft", 4: "outbox", 5: "failed", 6: "queued"}
_MMS_DIRECTION = {1: Direction.IN, 2: Direction.OUT, 4: Direction.OUT}
_ADDR_FROM, _ADDR_TO, _ADDR_CC, _ADDR_BCC = 137, 151, 130, 129


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _ms(v: Any) -> int | None:
    n = _int(v)
    if n is None or n <= 0:
        return None
    return n * 1000 if n < 100_000_000_000 else n


class AndroidMmsSmsImporter:
    name = "android_mmssms"
    description = "Android messages database mmssms.db (SMS and MMS)"
    reads = "mmssms.db: tables sms, pdu, part, addr (+ -wal)"
    samples = (
        "tests build mmssms.db with the AOSP TelephonyProvider schema (FORMATS.md §2.2); "
        "ALEAPP admin/test/cases/data/smsmms (public, not copied)",
    )
    quirks = (
        "sms.date and sms.date_sent are Unix ms; pdu.date is Unix seconds",
        "sms.type 1 inbox, 2 sent, 3 draft (skipped), 4 outbox, 5 failed, 6 queued",
        "MMS sender/recipients live in addr (type 137 from, 151 to, 130 cc); text in part (ct text/plain)",
        "vendor tables/columns vary: only columns that exist are read",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        tables = sqlite_tables(path, head)
        if "sms" not in tables:
            return 0.0
        if tables & {"pdu", "threads", "canonical_addresses"}:
            return 0.9
        return 0.6

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            yield from self._sms(conn, ctx)
            if table_columns(conn, "pdu"):
                yield from self._mms(conn, ctx)

    def _sms(self, conn: sqlite3.Connection, ctx: ParseContext) -> Iterator[Record]:
        wanted = ("_id", "thread_id", "address", "date", "date_sent", "type", "body", "subject",
                  "service_center", "sub_id", "read", "status")
        for row in select_existing(conn, "sms", wanted, "ORDER BY date, _id"):
            locator = f"sms _id={row['_id']}"
            ms = _ms(row["date"])
            if ms is None:
                ctx.skip(locator, "ingest.skip.bad_time", value=row["date"])
                continue
            typ = _int(row["type"])
            if typ == 3:
                ctx.skip(locator, "ingest.skip.draft")
                continue
            extra: dict[str, Any] = {"box": _SMS_BOX.get(typ or 0, typ)}
            sent = _ms(row["date_sent"])
            if sent:
                extra["date_sent_ms"] = sent
            if row["service_center"]:
                extra["service_center"] = row["service_center"]
            if row["subject"]:
                extra["subject"] = row["subject"]
            if row["sub_id"] not in (None, -1):
                extra["sim"] = row["sub_id"]
            yield EventRecord(
                kind=EventKind.SMS,
                time_utc=epoch_ms_to_utc(ms),
                utc_offset_minutes=ctx.offset_minutes(ms / 1000),
                time_raw=str(row["date"]),
                direction=_SMS_DIRECTION.get(typ or 0, Direction.UNKNOWN),
                counterpart_number=row["address"],
                channel="sms",
                text=row["body"],
                locator=locator,
                thread=f"thread {row['thread_id']}" if row["thread_id"] is not None else None,
                extra=extra,
            )

    def _mms(self, conn: sqlite3.Connection, ctx: ParseContext) -> Iterator[Record]:
        has_addr = bool(table_columns(conn, "addr"))
        has_part = bool(table_columns(conn, "part"))
        wanted = ("_id", "thread_id", "date", "date_sent", "msg_box", "m_type", "sub", "sub_id")
        for row in select_existing(conn, "pdu", wanted, "ORDER BY date, _id"):
            mid = row["_id"]
            locator = f"pdu _id={mid}"
            ms = _ms(row["date"])
            if ms is None:
                ctx.skip(locator, "ingest.skip.bad_time", value=row["date"])
                continue
            box = _int(row["msg_box"])
            if box == 3:
                ctx.skip(locator, "ingest.skip.draft")
                continue
            direction = _MMS_DIRECTION.get(box or 0)
            if direction is None:
                mtype = _int(row["m_type"])
                direction = Direction.OUT if mtype == 128 else Direction.IN if mtype in (130, 132) else Direction.UNKNOWN
            senders: list[str] = []
            recipients: list[str] = []
            if has_addr:
                for address, atype in conn.execute("SELECT address, type FROM addr WHERE msg_id = ?", (mid,)):
                    if not address or address == "insert-address-token":
                        continue
                    if atype == _ADDR_FROM:
                        senders.append(address)
                    elif atype in (_ADDR_TO, _ADDR_CC, _ADDR_BCC) and address not in recipients:
                        recipients.append(address)
            texts: list[str] = []
            attachments: list[dict[str, Any]] = []
            if has_part:
                for ct, text, name in conn.execute(
                    "SELECT ct, text, COALESCE(cl, name) FROM part WHERE mid = ? ORDER BY seq, _id", (mid,)
                ):
                    ctl = (ct or "").lower()
                    if ctl == "application/smil":
                        continue
                    if ctl.startswith("text/plain") and text:
                        texts.append(text)
                    else:
                        attachments.append({"ct": ctl, "name": name})
            if direction is Direction.IN:
                counterpart = senders[0] if senders else None
            else:
                counterpart = "~".join(recipients) if recipients else None
            members = sorted({*senders, *recipients})
            extra: dict[str, Any] = {"box": box}
            if attachments:
                extra["attachments"] = attachments
            if row["sub"]:
                extra["subject"] = row["sub"]
            if len(members) > 2:
                extra["members"] = members
            yield EventRecord(
                kind=EventKind.MMS,
                time_utc=epoch_ms_to_utc(ms),
                utc_offset_minutes=ctx.offset_minutes(ms / 1000),
                time_raw=str(row["date"]),
                direction=direction,
                counterpart_number=counterpart,
                channel="mms",
                text="\n".join(texts) if texts else None,
                locator=locator,
                thread=f"thread {row['thread_id']}" if row["thread_id"] is not None else None,
                extra=extra,
            )


IMPORTER = AndroidMmsSmsImporter()
