"""Generic CSV: a documented column set for anything the other importers don't read.

Columns (header row required, names case-insensitive, order free; see
``docs/formats/generic_csv.md``)::

    time,direction,number,name,kind,text,duration

Only ``time`` and ``kind`` are required.  ``time`` is ISO 8601 (``2024-10-04T22:41:00+08:00``)
or local wall-clock time (``2024-10-04 22:41[:05]``, ``2024/10/4 22:41``) interpreted in the
case's phone zone.  ``kind`` is one of sms, mms, call, chat, diary, ocr, recording.
``direction`` is in/out (also incoming/outgoing, received/sent, 来电/去电, 收/发).
``duration`` is seconds, or ``m:ss`` / ``h:mm:ss``.

This module also holds the small CSV helpers the other text importers of part B share
(encoding detection, a streaming reader that survives BOMs, embedded newlines and
hostile field sizes, and a lenient local-time parser).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from dunguard.ingest.base import ParseContext, Record
from dunguard.records import Direction, EventKind, EventRecord

__all__ = [
    "IMPORTER",
    "CsvRow",
    "GenericCsvImporter",
    "ParsedTime",
    "detect_encoding",
    "iter_csv",
    "open_text",
    "parse_direction",
    "parse_duration",
    "parse_time",
    "sniff_header",
    "time_from_filename",
]

_ENCODING_SAMPLE = 1024 * 1024


# --------------------------------------------------------------------------- shared helpers


def detect_encoding(head: bytes) -> str | None:
    """The text encoding of a file from its first bytes: BOM, UTF-8, else GB18030.

    Returns ``None`` when the bytes look binary (NUL bytes) or fit neither encoding.
    GB18030 is a superset of GBK and GB2312, the encodings of older Chinese exports.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return None


def head_text(head: bytes) -> str:
    """The decoded start of a file for sniffing (empty when it is not text)."""
    enc = detect_encoding(head)
    if enc is None:
        return ""
    return codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=False)


def sniff_header(head: bytes) -> list[str]:
    """The first CSV row of ``head``, lower-cased and stripped (``[]`` if not CSV-like)."""
    text = head_text(head)
    if not text:
        return []
    first = text.splitlines()[0] if text.splitlines() else ""
    if "," not in first and "\t" not in first:
        return []
    delim = "\t" if first.count("\t") > first.count(",") else ","
    try:
        row = next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().strip("\ufeff").lower() for c in row]


def open_text(path: Path, ctx: ParseContext) -> TextIO:
    """Open a text file with its detected encoding (for streaming, not slurping)."""
    with path.open("rb") as fh:
        sample = fh.read(_ENCODING_SAMPLE)
    enc = detect_encoding(sample)
    if enc is None:
        raise ctx.format_error("ingest_b.csv.not_text", place="")
    return path.open("r", encoding=enc, newline="")


@dataclass(slots=True)
class CsvRow:
    """One data row: ``number`` counts data rows from 1, ``line`` is where it starts."""

    number: int
    line: int
    values: dict[str, str]

    @property
    def locator(self) -> str:
        return f"row {self.number}"

    def get(self, *names: str) -> str:
        for name in names:
            value = self.values.get(name)
            if value is not None and value.strip() != "":
                return value
        return ""


def iter_csv(path: Path, ctx: ParseContext, lower: bool = True) -> Iterator[CsvRow]:
    """Stream the rows of a CSV file as dicts keyed by (lower-cased) header names.

    Survives a BOM, GBK text, quoted fields with embedded newlines; a field larger than the
    csv module's limit (128 KiB) or undecodable bytes end in a FormatError naming the line;
    with ``ctx.salvage`` the rows before the break are kept and ``ctx.salvaged_at`` says where.
    Rows with more cells than the header keep the extras under ``"_extra"`` (joined).
    """
    with open_text(path, ctx) as fh:
        first = fh.readline(65536)
        fh.seek(0)
        delim = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(fh, delimiter=delim)
        try:
            header = next(reader)
        except StopIteration:
            raise ctx.format_error("ingest_b.csv.empty", place="") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ctx.format_error("ingest_b.csv.broken", place="line 1", detail=str(exc)) from None
        names: list[str] = []
        for raw_name in header:
            name = raw_name.strip().lstrip("\ufeff").strip()
            if lower:
                name = name.lower()
            base, n = name, 1
            while name in names:  # duplicate headers ("电话,电话") stay distinct
                n += 1
                name = f"{base}#{n}"
            names.append(name)
        number = 0
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                if ctx.salvage:  # keep the complete rows before the break, say where it broke
                    ctx.salvaged_at = {"line": line, "column": "-", "records": number, "detail": str(exc)}
                    return
                raise ctx.format_error("ingest_b.csv.broken", place=f"line {line}", detail=str(exc)) from None
            if not cells or all(c.strip() == "" for c in cells):
                continue
            number += 1
            values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
            if len(cells) > len(names):
                values["_extra"] = ",".join(cells[len(names) :])
            if number % 1000 == 0:
                ctx.advance(number)
            yield CsvRow(number, line, values)


_TIME_RE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:[.,](\d{1,6}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


@dataclass(slots=True, frozen=True)
class ParsedTime:
    utc: dt.datetime
    offset_minutes: int
    precision: str  # "second", "minute", "day"
    zone_assumed: bool  # True when the raw value had no offset and the phone zone was used


def parse_time(raw: str, ctx: ParseContext) -> ParsedTime | None:
    """Parse a date-time as found in exports; naive values are read in the phone's zone.

    Accepts ISO 8601 with or without offset, ``YYYY/M/D H:MM``, ``YYYY-MM-DD HH:MM:SS``,
    ``2024年10月4日 11:42`` and a bare Unix timestamp in seconds or milliseconds.
    Returns ``None`` when the value is not a time.
    """
    value = raw.strip()
    if not value:
        return None
    if value.isdigit() and len(value) in (10, 13):
        seconds = int(value) / 1000 if len(value) == 13 else int(value)
        utc = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
        return ParsedTime(utc, ctx.offset_minutes(seconds), "second", True)
    m = _TIME_RE.match(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        naive = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((frac or "0").ljust(6, "0")[:6]),
        )
    except ValueError:
        return None
    precision = "second" if second is not None else "minute" if hour is not None else "day"
    if zone:
        if zone == "Z":
            offset = 0
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        aware = naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
        return ParsedTime(aware.astimezone(dt.UTC), offset, precision, False)
    utc, offset = ctx.local_to_utc(naive)
    return ParsedTime(utc, offset, precision, True)


_DIRECTIONS = {
    "in": Direction.IN,
    "incoming": Direction.IN,
    "received": Direction.IN,
    "inbox": Direction.IN,
    "来电": Direction.IN,
    "收": Direction.IN,
    "接收": Direction.IN,
    "呼入": Direction.IN,
    "out": Direction.OUT,
    "outgoing": Direction.OUT,
    "sent": Direction.OUT,
    "去电": Direction.OUT,
    "发": Direction.OUT,
    "发送": Direction.OUT,
    "呼出": Direction.OUT,
    "unknown": Direction.UNKNOWN,
    "": Direction.UNKNOWN,
}


def parse_direction(raw: str) -> Direction | None:
    return _DIRECTIONS.get(raw.strip().lower())


def parse_duration(raw: str) -> int | None:
    """Seconds from ``"53"``, ``"0:53"``, ``"1:02:03"``; ``None`` if unreadable or negative."""
    value = raw.strip()
    if not value:
        return None
    parts = value.split(":")
    if not all(p.isdigit() for p in parts) or len(parts) > 3:
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number >= 0 and number == number and number < 1e9 else None
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total


# --------------------------------------------------------------------------- the importer

REQUIRED = ("time", "kind")
KNOWN = ("time", "direction", "number", "name", "kind", "text", "duration")


class GenericCsvImporter:
    name = "generic_csv"
    description = "Generic CSV with the documented columns time,direction,number,name,kind,text,duration"
    reads = "CSV (UTF-8 with or without BOM, or GBK), header row with at least time and kind"
    samples: tuple[str, ...] = ("docs/formats/generic_csv.md (example); generated files in tests",)
    quirks: tuple[str, ...] = (
        "times without an offset are read in the case's phone zone (default Asia/Shanghai)",
        "unknown kinds or unreadable times skip the row with a reason; the import goes on",
        "fields over 128 KiB are refused with the line number (hostile input)",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        header = set(sniff_header(head))
        if not header or not set(REQUIRED) <= header:
            return 0.0
        return 0.5 + 0.4 * len(header & set(KNOWN)) / len(KNOWN)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        for row in iter_csv(path, ctx):
            rec = self._row(row, ctx)
            if rec is not None:
                yield rec

    def _row(self, row: CsvRow, ctx: ParseContext) -> EventRecord | None:
        raw_time = row.get("time")
        when = parse_time(raw_time, ctx)
        if when is None:
            ctx.skip(row.locator, "ingest_b.skip.bad_time", value=raw_time[:60])
            return None
        raw_kind = row.get("kind").strip().lower()
        try:
            kind = EventKind(raw_kind)
        except ValueError:
            ctx.skip(row.locator, "ingest_b.skip.bad_kind", value=raw_kind[:40])
            return None
        raw_dir = row.get("direction")
        direction = parse_direction(raw_dir)
        if direction is None:
            ctx.skip(row.locator, "ingest_b.skip.bad_direction", value=raw_dir[:40])
            return None
        raw_duration = row.get("duration")
        duration = parse_duration(raw_duration)
        if raw_duration.strip() and duration is None:
            ctx.skip(row.locator, "ingest_b.skip.bad_duration", value=raw_duration[:40])
            return None
        extra: dict[str, object] = {"time_precision": when.precision}
        if when.zone_assumed:
            extra["zone_assumed"] = ctx.tz_name
        return EventRecord(
            kind=kind,
            time_utc=when.utc,
            utc_offset_minutes=when.offset_minutes,
            time_raw=raw_time,
            direction=direction,
            counterpart_number=row.get("number").strip() or None,
            counterpart_name=row.get("name").strip() or None,
            channel=kind.value,
            text=row.values.get("text") or None,
            duration_s=duration,
            locator=row.locator,
            extra=extra,
        )


IMPORTER = GenericCsvImporter()


_NAME_STAMP = re.compile(
    r"(?<!\d)(20\d{2})[-_.]?([01]\d)[-_.]?([0-3]\d)(?:[-_ T]|\s*at\s*)?([0-2]\d)[-_.:]?([0-5]\d)[-_.:]?([0-5]\d)(?!\d)"
)
_NAME_EPOCH_MS = re.compile(r"(?:mmexport|wx_camera_|IMG_|Screenshot_)?(?<!\d)(1[4-9]\d{11})(?!\d)")


def time_from_filename(name: str, ctx: ParseContext) -> tuple[dt.datetime, int] | None:
    """Capture time from names phones give screenshots and recordings → (UTC, offset).

    ``Screenshot_20241004-224512.png``, ``Screenshot_2024-10-04-22-45-12-123_com.tencent.mm.jpg``,
    ``截屏2024-10-04 22.45.12.png``, ``13812345678_20241004224512.amr``: local time in the
    phone's zone; ``mmexport1728053112345.jpg``: Unix milliseconds.
    """
    m = _NAME_STAMP.search(name)
    if m is not None:
        try:
            y, mo, d, h, mi, se = (int(g) for g in m.groups())
            naive = dt.datetime(y, mo, d, h, mi, se)
        except ValueError:
            naive = None
        if naive is not None:
            return ctx.local_to_utc(naive)
    e = _NAME_EPOCH_MS.search(name)
    if e is not None:
        ms = int(e.group(1))
        utc = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
        return utc, ctx.offset_minutes(ms / 1000)
    return None
