"""iOS Messages database ``sms.db`` (SMS and iMessage)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import (
    ParseContext,
    Record,
    apple_time,
    select_existing,
    sqlite_copy,
    sqlite_tables,
    table_columns,
)
from dunguard.records import Direction, EventKind, EventRecord


def decode_attributed_body(blob: bytes | None) -> str | None:
    """Text of an ``NSAttributedString`` typedstream (``message.attributedBody``, iOS 16+).

    Layout after the class name: ``NSString`` … ``+`` then a length (one byte; ``0x81`` +
    2 bytes little-endian; ``0x82`` + 4 bytes) and the UTF-8 text.
    """
    if not blob:
        return None
    i = blob.find(b"NSString")
    if i < 0:
        return None
    j = blob.find(b"+", i + 8, i + 16)
    if j < 0 or j + 1 >= len(blob):
        return None
    pos = j + 1
    n = blob[pos]
    pos += 1
    if n == 0x81:
        n = int.from_bytes(blob[pos : pos + 2], "little")
        pos += 2
    elif n == 0x82:
        n = int.from_bytes(blob[pos : pos + 4], "little")
        pos += 4
    text = blob[pos : pos + n]
    if len(text) < n:
        return None
    return text.decode("utf-8", "replace")


class IosSmsImporter:
    name = "ios_sms"
    description = "iPhone Messages database sms.db (SMS and iMessage)"
    reads = "sms.db: message, handle, chat, chat_message_join, chat_handle_join (+ -wal)"
    samples = (
        "tests build sms.db with the iOS message/handle/chat tables (FORMATS.md §2.3; "
        "ChatExportKnowledge notes)",
    )
    quirks = (
        "message.date is Apple time: seconds since 2001-01-01 in old backups, nanoseconds from iOS 11",
        "message.text is often NULL since iOS 16: the text is decoded from attributedBody",
        "tapbacks (associated_message_type 2000-3005) are reactions, not messages: skipped and reported",
        "item_type != 0 rows are system events (renames, members joining): skipped and reported",
        "group chats: handle_id is the sender for received messages and 0 for sent ones",
        "service tells SMS from iMessage: kept as the channel",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        tables = sqlite_tables(path, head)
        return 0.95 if {"message", "handle"} <= tables and "chat" in tables else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            handles = {int(r[0]): str(r[1]) for r in conn.execute("SELECT ROWID, id FROM handle")}
            chat_of, chat_info = self._chats(conn, handles)
            wanted = ("ROWID", "guid", "text", "attributedBody", "handle_id", "is_from_me", "date", "service",
                      "item_type", "associated_message_type", "cache_roomnames", "date_read", "date_delivered")
            for row in select_existing(conn, "message", wanted, "ORDER BY date, ROWID"):
                rid = int(row["ROWID"])
                locator = f"message ROWID={rid}"
                if row["item_type"] not in (None, 0):
                    ctx.skip(locator, "ingest.skip.system")
                    continue
                assoc = row["associated_message_type"]
                if assoc is not None and 2000 <= int(assoc) <= 3999:
                    ctx.skip(locator, "ingest.skip.tapback")
                    continue
                when = apple_time(row["date"])
                if when is None:
                    ctx.skip(locator, "ingest.skip.bad_time", value=row["date"])
                    continue
                text = row["text"]
                if text is None and row["attributedBody"] is not None:
                    text = decode_attributed_body(bytes(row["attributedBody"]))
                if text is not None:
                    text = text.replace("\ufffc", "").strip() or None  # attachment placeholder
                out = bool(row["is_from_me"])
                chat_id = chat_of.get(rid)
                chat = chat_info.get(chat_id) if chat_id is not None else None
                sender = handles.get(int(row["handle_id"] or 0))
                group = chat is not None and len(chat["members"]) > 1
                if group and chat is not None:
                    counterpart = sender if not out else "~".join(chat["members"])
                else:
                    counterpart = sender or (chat["members"][0] if chat and chat["members"] else None)
                extra: dict[str, Any] = {}
                if row["guid"]:
                    extra["guid"] = row["guid"]
                    # the message's own GUID, kept across backups and restores of the phone
                    extra["source_msg_id"] = f"ios:{row['guid']}"
                read = apple_time(row["date_read"])
                if read is not None:
                    extra["read_at"] = read.isoformat()
                if group and chat is not None:
                    extra["members"] = chat["members"]
                    if chat["name"]:
                        extra["chat_name"] = chat["name"]
                service = (row["service"] or "").lower() or None
                yield EventRecord(
                    kind=EventKind.SMS if service in (None, "sms") else EventKind.CHAT,
                    time_utc=when,
                    utc_offset_minutes=ctx.offset_minutes(when.timestamp()),
                    time_raw=str(row["date"]),
                    direction=Direction.OUT if out else Direction.IN,
                    counterpart_number=counterpart,
                    channel=service or "sms",
                    text=text,
                    locator=locator,
                    thread=chat["identifier"] if group and chat is not None else None,
                    extra=extra,
                )

    @staticmethod
    def _chats(
        conn: sqlite3.Connection, handles: dict[int, str]
    ) -> tuple[dict[int, int], dict[int, dict[str, Any]]]:
        chat_of: dict[int, int] = {}
        info: dict[int, dict[str, Any]] = {}
        if not table_columns(conn, "chat_message_join"):
            return chat_of, info
        chat_cols = table_columns(conn, "chat")
        name_col = "display_name" if "display_name" in chat_cols else "NULL"
        for cid, ident, name in conn.execute(f"SELECT ROWID, chat_identifier, {name_col} FROM chat"):
            info[int(cid)] = {"identifier": ident, "name": name or None, "members": []}
        if table_columns(conn, "chat_handle_join"):
            for cid, hid in conn.execute("SELECT chat_id, handle_id FROM chat_handle_join ORDER BY chat_id, handle_id"):
                if int(cid) in info and int(hid) in handles:
                    info[int(cid)]["members"].append(handles[int(hid)])
        for cid, mid in conn.execute("SELECT chat_id, message_id FROM chat_message_join"):
            chat_of.setdefault(int(mid), int(cid))
        return chat_of, info


IMPORTER = IosSmsImporter()
