"""WeChat chats exported by WeChatMsg / 留痕 / MemoTrace: CSV and TXT.

CSV (``{remark}_utf8.csv``, UTF-8 with BOM)::

    localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender

``CreateTime`` is Unix seconds (exact); ``StrTime`` the same instant as local text.  Remark /
NickName / Sender describe the *author* of each row (the owner on sent rows).

TXT (``{remark}.txt``): blocks ``"{StrTime} {display name}\\n{content}\\n\\n"``; system
messages are one line ``"{StrTime} {text}"``; media become placeholders (``[图片]``,
``[语音]``, ...).  The TXT has no sender flag: a block whose name equals the file's name
(the chat's remark) is incoming; in a two-person file the other name is the owner's
(outgoing); otherwise the direction stays unknown.  Times are local, read in the case zone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record, read_head
from dunguard.ingest.generic_csv import CsvRow, head_text, iter_csv, open_text, parse_time, sniff_header
from dunguard.ingest.wechat_pywxdump import clean_system_text, split_quote
from dunguard.records import Direction, EventKind, EventRecord

__all__ = ["IMPORTER", "MemoTraceImporter"]

CSV_COLUMNS = frozenset({"localid", "talkerid", "type", "issender", "createtime", "strcontent", "strtime"})
_TXT_HEADER = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (.+)$")
PLACEHOLDERS = {
    3: "[图片]",
    34: "[语音]",
    42: "[名片]",
    43: "[视频]",
    47: "[表情包]",
    48: "[位置]",
    50: "[通话]",
}
MAX_NAMES = 1000


def _chat_name(path: Path) -> str:
    stem = path.stem
    return stem[: -len("_utf8")] if stem.endswith("_utf8") else stem


class MemoTraceImporter:
    name = "wechat_memotrace"
    description = "WeChat chat export from WeChatMsg / 留痕 / MemoTrace (CSV or TXT)"
    reads = (
        "CSV localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender; "
        "TXT blocks '{YYYY-MM-DD HH:MM:SS} {name}' + content"
    )
    samples: tuple[str, ...] = (
        "format from github:LC044/WeChatMsg app/util/exporter/exporter_csv.py and exporter_txt.py; "
        "files generated in tests/ingest/test_wechat_memotrace.py (no public real export found)",
    )
    quirks: tuple[str, ...] = (
        "CSV CreateTime is exact Unix seconds; StrTime is local text and only used as a fallback",
        "Type 49 rows hold XML (links, files, quoted replies); only SubType 57 quotes keep text",
        "TXT has no sender flag: direction is inferred from the file name when it is unambiguous",
        "TXT system lines ('撤回了一条消息') have no content line",
        "a TXT message whose own text contains a blank line followed by a timestamped line is split there",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        header = set(sniff_header(head))
        if header >= CSV_COLUMNS:
            return 0.95
        text = head_text(head)
        if not text:
            return 0.0
        lines = text.splitlines()[:200]
        hits = sum(1 for line in lines if _TXT_HEADER.match(line))
        if hits >= 2 and _TXT_HEADER.match(lines[0].lstrip("\ufeff")):
            return 0.75
        if hits >= 1 and _TXT_HEADER.match(lines[0].lstrip("\ufeff")):
            return 0.4
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        header = set(sniff_header(read_head(path)))
        if header >= CSV_COLUMNS:
            yield from self._parse_csv(path, ctx)
        else:
            yield from self._parse_txt(path, ctx)

    # ----------------------------------------------------------------- CSV

    def _parse_csv(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        chat = _chat_name(path)
        for row in iter_csv(path, ctx):
            record = self._csv_row(row, chat, ctx)
            if record is not None:
                yield record

    def _csv_row(self, row: CsvRow, chat: str, ctx: ParseContext) -> EventRecord | None:
        raw_time = row.get("createtime").strip()
        when = parse_time(raw_time, ctx) if raw_time.isdigit() else None
        if when is None:
            raw_time = row.get("strtime").strip()
            when = parse_time(raw_time, ctx)
        if when is None:
            ctx.skip(row.locator, "ingest_b.skip.bad_time", value=raw_time[:60])
            return None
        try:
            msg_type = int(row.get("type") or "0")
            sub_type = int(row.get("subtype") or "0")
        except ValueError:
            ctx.skip(row.locator, "ingest_b.skip.bad_field", field="Type", value=row.get("type")[:20])
            return None
        sender = row.get("issender").strip()
        direction = {"1": Direction.OUT, "0": Direction.IN}.get(sender, Direction.UNKNOWN)
        content = row.values.get("strcontent", "")
        extra: dict[str, Any] = {"msg_type": msg_type, "sub_type": sub_type, "time_precision": when.precision}
        if row.get("strtime"):
            extra["str_time"] = row.get("strtime")
        if row.get("localid"):
            extra["local_id"] = row.get("localid")
        author = row.get("remark", "nickname").strip()
        if row.get("sender"):
            extra["sender_wxid"] = row.get("sender").strip()
        text: str | None
        if msg_type == 1:
            text = content
        elif msg_type == 10000:
            text, marks = clean_system_text(content)
            extra.update(marks)
            direction = Direction.UNKNOWN
        elif msg_type == 49 and sub_type == 57:
            text, quoted = split_quote(
                _TAG_STRIP.sub("", content) if content.lstrip().startswith("<") else content
            )
            if quoted:
                extra["quoted"] = quoted
        elif msg_type in PLACEHOLDERS:
            text = PLACEHOLDERS[msg_type]
        else:
            text = f"[{msg_type}/{sub_type}]"
        return EventRecord(
            kind=EventKind.CHAT,
            time_utc=when.utc,
            utc_offset_minutes=when.offset_minutes,
            time_raw=raw_time,
            direction=direction,
            counterpart_name=(author or chat) if direction is Direction.IN else (chat or None),
            channel="wechat",
            text=text or None,
            locator=row.locator,
            thread=chat or None,
            extra=extra,
        )

    # ----------------------------------------------------------------- TXT

    def _blocks(self, path: Path, ctx: ParseContext) -> Iterator[tuple[int, str, str, list[str]]]:
        """(line, time text, header rest, content lines) for each block, streaming."""
        current: tuple[int, str, str] | None = None
        content: list[str] = []
        previous_blank = True
        with open_text(path, ctx) as fh:
            for lineno, raw in enumerate(iter(lambda: fh.readline(1 << 20), ""), start=1):
                line = raw.rstrip("\r\n").lstrip("\ufeff") if lineno == 1 else raw.rstrip("\r\n")
                m = _TXT_HEADER.match(line) if previous_blank else None
                if m is not None:
                    if current is not None:
                        yield (*current, content)
                    current = (lineno, m.group(1), m.group(2))
                    content = []
                elif current is not None:
                    content.append(line)
                elif line.strip():
                    raise ctx.format_error("ingest_b.memotrace.no_header", place=f"line {lineno}")
                previous_blank = not line.strip()
                if lineno % 5000 == 0:
                    ctx.advance(lineno)
        if current is not None:
            yield (*current, content)

    def _parse_txt(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        chat = _chat_name(path)
        names: Counter[str] = Counter()
        for _, _, rest, content in self._blocks(path, ctx):
            if _strip_blank(content) and len(names) < MAX_NAMES:
                names[rest.strip()] += 1
        incoming_name = chat if chat in names else None
        two_party = incoming_name is not None and len(names) == 2
        for lineno, time_text, rest, content in self._blocks(path, ctx):
            locator = f"line {lineno}"
            when = parse_time(time_text, ctx)
            if when is None:
                ctx.skip(locator, "ingest_b.skip.bad_time", value=time_text)
                continue
            body = _strip_blank(content)
            extra: dict[str, Any] = {"time_precision": when.precision, "zone_assumed": ctx.tz_name}
            name: str | None = rest.strip()
            if not body:
                text, marks = clean_system_text(rest)
                extra.update(marks)
                direction, name = Direction.UNKNOWN, None
            else:
                text = "\n".join(body)
                if name == incoming_name:
                    direction = Direction.IN
                elif two_party:
                    direction = Direction.OUT
                    extra["author"] = name
                    name = chat
                else:
                    direction = Direction.UNKNOWN
                reply, quoted = split_quote(text.replace("\n引用:", "\n[引用]", 1))
                if quoted:
                    text, extra["quoted"] = reply, quoted.replace("[引用]", "引用:", 1)
            yield EventRecord(
                kind=EventKind.CHAT,
                time_utc=when.utc,
                utc_offset_minutes=when.offset_minutes,
                time_raw=time_text,
                direction=direction,
                counterpart_name=name,
                channel="wechat",
                text=text or None,
                locator=locator,
                thread=chat or None,
                extra=extra,
            )


_TAG_STRIP = re.compile(r"<[^>]{1,200}>")


def _strip_blank(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


IMPORTER = MemoTraceImporter()
