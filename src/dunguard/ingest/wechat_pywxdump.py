"""WeChat PC chats exported to CSV by PyWxDump.

Header ``id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`` (the older
variant packs ``{"src": ..., "msg": ...}`` JSON into one ``content`` column instead of
``msg``/``src``).  ``CreateTime`` is the PC's local wall-clock time with minute precision
(``2024/10/4 11:42``): it is read in the case's phone zone and marked as minute-precise.
``is_sender`` 1 = sent by the phone's owner.  Every row becomes a CHAT event; system rows
(revoked messages, ...) keep their text without the XML tags and are marked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record
from dunguard.ingest.generic_csv import CsvRow, ParsedTime, iter_csv, parse_time, sniff_header
from dunguard.records import Direction, EventKind, EventRecord

__all__ = ["IMPORTER", "PyWxDumpCsvImporter", "clean_system_text", "split_quote"]

_TAG = re.compile(r"<[^>]{1,200}>")
_QUOTE = re.compile(r"\n*\[引用\]")
_SENDER = {"1": Direction.OUT, "0": Direction.IN, "true": Direction.OUT, "false": Direction.IN}
SYSTEM_TYPES = frozenset({"系统通知", "系统消息", "撤回消息"})


def clean_system_text(text: str) -> tuple[str, dict[str, Any]]:
    """Strip WeChat's XML wrapper from a system row; say if it is a revoke notice."""
    marks: dict[str, Any] = {"system": True}
    if "<revokemsg" in text or "撤回了一条消息" in text:
        marks["revoked"] = True
    cleaned = _TAG.sub("", text.replace("<![CDATA[", "").replace("]]>", "")).strip()
    return cleaned, marks


def split_quote(text: str) -> tuple[str, str | None]:
    """A quoted reply: (the reply itself, the quoted part) so analysis reads only the reply."""
    m = _QUOTE.search(text)
    if m is None:
        return text, None
    return text[: m.start()].rstrip(), text[m.start() :].strip()


class PyWxDumpCsvImporter:
    name = "wechat_pywxdump"
    description = "WeChat chat export from PyWxDump (CSV)"
    reads = "CSV with id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime (or a content JSON column)"
    samples: tuple[str, ...] = (
        "../shared/data/wechat/weclone_pywxdump_export_test_person.csv (96 rows, real one-to-one chat)",
        "../shared/data/wechat/weclone_pywxdump_pii_labeled.csv (62 rows)",
    )
    quirks: tuple[str, ...] = (
        "CreateTime is local time with minute precision and no zone: read in the case zone",
        "quoted replies span several lines inside one quoted CSV field; the quote is split off",
        "revoked messages are system rows '<revokemsg>你撤回了一条消息</revokemsg>'",
        "in one-to-one chats 'talker' is sometimes the owner's own id; room_name names the chat",
        "emoticons and images carry a CDN URL or a local .dat path in 'src' (kept in extra)",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        header = set(sniff_header(head))
        if {"type_name", "is_sender", "talker", "createtime"} <= header and header & {"msg", "content"}:
            return 0.95
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        times: dict[str, ParsedTime | None] = {}  # minute stamps repeat: parse each once
        for row in iter_csv(path, ctx):
            record = self._row(row, ctx, times)
            if record is not None:
                yield record

    def _row(self, row: CsvRow, ctx: ParseContext, times: dict[str, ParsedTime | None]) -> EventRecord | None:
        raw_time = row.get("createtime")
        if raw_time in times:
            when = times[raw_time]
        else:
            when = parse_time(raw_time, ctx)
            if len(times) > 4096:
                times.clear()
            times[raw_time] = when
        if when is None:
            ctx.skip(row.locator, "ingest_b.skip.bad_time", value=raw_time[:60])
            return None
        msg = row.values.get("msg", "")
        src = row.values.get("src", "")
        if "msg" not in row.values and "content" in row.values:
            msg, src = _unpack_content(row.values["content"])
        type_name = row.get("type_name").strip()
        sender = row.get("is_sender").strip()
        direction = _SENDER.get(sender.lower(), Direction.UNKNOWN)
        room = row.get("room_name").strip()
        talker = row.get("talker").strip()
        is_group = room.endswith("@chatroom")
        extra: dict[str, Any] = {"msg_type": type_name, "time_precision": when.precision}
        if when.zone_assumed:
            extra["zone_assumed"] = ctx.tz_name
        for key in ("id", "msgsvrid"):
            if row.get(key):
                extra[key] = row.get(key).strip()
        if extra.get("msgsvrid"):
            # WeChat's server-side message id: the same message in any later export has it.
            # CreateTime has minute precision, so two equal texts in one minute differ only here.
            extra["source_msg_id"] = "wechat:" + extra["msgsvrid"]
        if src.strip():
            extra["src"] = src.strip()[:1000]
        if talker:
            extra["talker"] = talker
        text: str | None = msg
        if type_name in SYSTEM_TYPES:
            text, marks = clean_system_text(msg)
            extra.update(marks)
            direction = Direction.UNKNOWN if not marks.get("revoked") else direction
        elif type_name == "引用回复" or "[引用]" in msg:
            text, quoted = split_quote(msg)
            if quoted:
                extra["quoted"] = quoted
        counterpart = (talker if direction is Direction.IN else None) if is_group else room or None
        return EventRecord(
            kind=EventKind.CHAT,
            time_utc=when.utc,
            utc_offset_minutes=when.offset_minutes,
            time_raw=raw_time,
            direction=direction,
            counterpart_number=None,
            counterpart_name=counterpart,
            channel="wechat",
            text=text or None,
            locator=row.locator,
            thread=room or None,
            extra=extra,
        )


def _unpack_content(content: str) -> tuple[str, str]:
    try:
        data = json.loads(content)
    except ValueError:
        return content, ""
    if isinstance(data, dict):
        return str(data.get("msg", "")), str(data.get("src", ""))
    return content, ""


IMPORTER = PyWxDumpCsvImporter()
