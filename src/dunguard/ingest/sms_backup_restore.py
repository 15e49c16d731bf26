"""SMS Backup & Restore (SyncTech, Android) XML: ``<smses>`` (sms, mms) and ``<calls>``.

Streaming: ``lxml.etree.iterparse`` over ``end`` events of ``sms``/``mms``/``call`` only,
clearing each element and deleting its finished siblings, so memory stays flat whatever
the file size.  Secure: a DTD or entity declaration is refused up front, and the parser
runs with ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``.
The element stream (:meth:`SmsBackupRestoreImporter.elements`) is shared with the import's
fast path for big backups (``dunguard.ingest._fast_sbr``), which builds rows from it directly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from dunguard.errors import HostileInputError
from dunguard.ingest.base import ParseContext, Record, epoch_ms_to_utc
from dunguard.records import CallStatus, DerivedRecord, Direction, EventKind, EventRecord

_ROOT_RE = re.compile(rb"<(smses|calls)(\s[^>]*)?>", re.S)
_COUNT_RE = re.compile(rb'\scount\s*=\s*["\'](\d+)["\']')
_HOSTILE_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
# surrogate halves written as character references: invalid XML, produced by the app's
# "store emojis" option (&#55357;&#56832; or &#xD83D;&#xDE00;).
# Only references that can be invalid XML: surrogate halves (pairs are joined, see
# _fix_surrogates), C0 control characters other than tab/newline/CR (SMS with escape
# codes: "&#27;") and U+FFFE/U+FFFF.  Valid ones that the pattern also catches are kept.
_REF_RE = re.compile(
    rb"&#(?:0*([0-8]|1[124-9]|2\d|3[01]|5\d{4}|6553[45])"
    rb"|[xX]0*([0-8bBcCeEfF]|1[0-9a-fA-F]|[dD][0-9a-fA-F]{3}|[fF]{3}[eEfF]));"
)
_HIGH_BEFORE_RE = re.compile(rb"&#(?:5[56]\d{3}|[xX][dD][89abAB][0-9a-fA-F]{2});$")

_NULLS = frozenset({"null", "(Unknown)", ""})

_SMS_DIRECTION = {
    "1": Direction.IN,
    "2": Direction.OUT,
    "4": Direction.OUT,  # outbox
    "5": Direction.OUT,  # failed
    "6": Direction.OUT,  # queued
}
_SMS_BOX = {"1": "inbox", "2": "sent", "3": "draft", "4": "outbox", "5": "failed", "6": "queued"}
_MMS_DIRECTION = {"1": Direction.IN, "2": Direction.OUT, "4": Direction.OUT}
_MMS_MTYPE_DIRECTION = {"132": Direction.IN, "130": Direction.IN, "128": Direction.OUT}
_CALL_TYPE: dict[str, tuple[Direction, CallStatus]] = {
    "1": (Direction.IN, CallStatus.ANSWERED),
    "2": (Direction.OUT, CallStatus.OUTGOING),
    "3": (Direction.IN, CallStatus.MISSED),
    "4": (Direction.IN, CallStatus.VOICEMAIL),
    "5": (Direction.IN, CallStatus.REJECTED),
    "6": (Direction.IN, CallStatus.BLOCKED),
    "7": (Direction.IN, CallStatus.ANSWERED),  # answered on another device
}
_PRESENTATION = {"1": "allowed", "2": "restricted", "3": "unknown", "4": "payphone"}
_ADDR_FROM, _ADDR_TO, _ADDR_CC, _ADDR_BCC = "137", "151", "130", "129"


def check_not_hostile(head: bytes, ctx: ParseContext) -> None:
    """Refuse XML that declares a DTD or entities (billion laughs, external entities)."""
    m = _HOSTILE_RE.search(head)
    if m is not None:
        line = head.count(b"\n", 0, m.start()) + 1
        raise HostileInputError(
            "ingest.xml.hostile", file=ctx.display_name, line=line, what=m.group(1).decode().upper()
        )


def _ref_value(m: re.Match[bytes]) -> int:
    return int(m.group(1)) if m.group(1) else int(m.group(2), 16)


def _valid_xml_char(v: int) -> bool:
    return v in (0x9, 0xA, 0xD) or 0x20 <= v <= 0xD7FF or 0xE000 <= v <= 0xFFFD or 0x10000 <= v <= 0x10FFFF


def _fix_surrogates(chunk: bytes) -> bytes:
    """Repair character references the app writes but XML forbids.

    Surrogate pairs (the "store emojis" option) are joined into one reference; lone
    surrogate halves and control characters become U+FFFD (the replacement character),
    so one odd message cannot make a whole backup unreadable.
    """
    out: list[bytes] = []
    pos = 0
    for m in _REF_RE.finditer(chunk):
        if m.start() < pos:
            continue  # the low half of a pair already joined
        v = _ref_value(m)
        if 0xD800 <= v <= 0xDBFF:
            nxt = _REF_RE.match(chunk, m.end())
            if nxt is not None and 0xDC00 <= _ref_value(nxt) <= 0xDFFF:
                code = 0x10000 + ((v - 0xD800) << 10) + (_ref_value(nxt) - 0xDC00)
                out += (chunk[pos : m.start()], b"&#%d;" % code)
                pos = nxt.end()
                continue
        if not _valid_xml_char(v):
            out += (chunk[pos : m.start()], b"&#65533;")
            pos = m.end()
    if not out:
        return chunk
    out.append(chunk[pos:])
    return b"".join(out)


class _Reader:
    """File wrapper for iterparse: repairs surrogate-pair references and reports progress."""

    def __init__(self, fh: IO[bytes], ctx: ParseContext) -> None:
        self._fh = fh
        self._ctx = ctx
        self._pending = b""
        self._done = 0
        self.repaired = 0

    def read(self, size: int = -1) -> bytes:
        n = 1 << 20 if size is None or size < 0 else max(size, 1 << 16)
        while True:
            data = self._fh.read(n)
            self._done += len(data)
            self._ctx.advance(self._done)
            buf = self._pending + data if self._pending else data
            self._pending = b""
            if not buf:
                return b""
            cut = buf.rfind(b"&", max(0, len(buf) - 16)) if data else -1
            if cut != -1:
                # hold back a reference that may be incomplete or the first half of a pair
                prev = _HIGH_BEFORE_RE.search(buf, max(0, cut - 12), cut)
                if prev is not None:
                    cut = prev.start()
                self._pending = buf[cut:]
                buf = buf[:cut]
                if not buf:
                    continue
            if b"&#" in buf:
                fixed = _fix_surrogates(buf)
                if len(fixed) != len(buf):
                    self.repaired += 1
                buf = fixed
            return buf


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _ms(value: str | None) -> int | None:
    """Timestamp attribute → Unix ms (accepts the seconds some app versions write)."""
    n = _int(value)
    if n is None or n <= 0:
        return None
    return n * 1000 if n < 100_000_000_000 else n


def _clean(value: str | None) -> str | None:
    return None if value is None or value in _NULLS else value


class SmsBackupRestoreImporter:
    name = "sms_backup_restore"
    description = "SMS Backup & Restore (Android) XML backups of messages and call logs"
    reads = "sms-*.xml (<smses> with <sms>/<mms>), calls-*.xml (<calls> with <call>)"
    samples = (
        "shared/data/sms_backup_restore/devadvance_sms_and_mms.xml (real, anonymised; truncated)",
        "shared/data/sms_backup_restore/devadvance_sms_small.xml",
        "shared/data/sms_backup_restore/devadvance_sample_small.xml",
        "shared/data/sms_backup_restore/devadvance_sample_mms.xml",
        "shared/data/sms_backup_restore/devadvance_corrupt_attachments.xml",
        "shared/data/sms_backup_restore/devadvance_empty.xml",
    )
    quirks = (
        "sms@date/date_sent are Unix ms (date_sent=0 on sent messages); mms@date is ms but "
        "mms@date_sent is seconds; values below 1e11 are taken as seconds",
        "readable_date is locale text and is never parsed",
        "literal 'null' and '(Unknown)' mean absent",
        "'store emojis' writes surrogate-pair character references (&#55357;&#56832;), invalid "
        "XML; they are repaired into the real character before parsing; control-character "
        "references (&#27;) and lone surrogates become U+FFFD instead of breaking the file",
        "group MMS: address joins members with '~'; addr@type 137=from, 151=to, 130=cc",
        "MMS attachments (base64 data=) become derived files (kind 'attachment'), their sha256 in the "
        "event; invalid base64 is reported, never fatal",
        "drafts (sms type 3, mms msg_box 3) were never sent: skipped and reported",
        "a backup cut off while copying: nothing is imported and the break is named "
        "(line, column); with salvage, the complete records before the break are imported",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                head = head.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                return 0.0
        m = _ROOT_RE.search(head[:8192])
        if m is None:
            return 0.0
        before = head[: m.start()].lstrip(b"\xef\xbb\xbf \t\r\n")
        if before and not before.startswith(b"<"):
            return 0.0
        return 0.95

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        offset = ctx.offset_minutes
        for tag, n, el in self.elements(path, ctx):
            if tag == "sms":
                rec = self._sms(el, n, ctx, offset)
            elif tag == "mms":
                rec, files = self._mms(el, n, ctx, offset)
                yield from files
            else:
                rec = self._call(el, n, ctx, offset)
            if rec is not None:
                yield rec

    def elements(self, path: Path, ctx: ParseContext) -> Iterator[tuple[str, int, Any]]:
        """The file's ``sms``/``mms``/``call`` elements as (tag, number of that tag, element).

        Shared by :meth:`parse` and the import's fast path (``dunguard.ingest._fast_sbr``):
        the hostile-input check, the emoji repair, the break in a truncated file (error or
        salvage) and the notes are the same for both.  An element is valid until the next
        one is asked for (it is cleared then, so memory stays flat).
        """
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
            check_not_hostile(head[: head.find(b"<sms") if b"<sms" in head else len(head)], ctx)
            m = _ROOT_RE.search(head)
            if m is not None:
                count = _COUNT_RE.search(m.group(0))
                declared = int(count.group(1)) if count else None
            else:
                declared = None
            fh.seek(0)
            reader = _Reader(fh, ctx)
            found = yield from self._elements(reader, ctx)
        if reader.repaired:
            ctx.note("ingest.sbr.emoji_repaired")
        if declared is not None and declared != found and ctx.salvaged_at is None:
            ctx.note("ingest.sbr.count_mismatch", declared=declared, found=found)

    def _elements(self, reader: _Reader, ctx: ParseContext) -> Generator[tuple[str, int, Any], None, int]:
        parser = etree.iterparse(
            reader,
            events=("end",),
            tag=("sms", "mms", "call"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        found = 0
        n_sms = n_mms = n_call = 0
        try:
            for _event, el in parser:
                tag = el.tag
                if tag == "sms":
                    n_sms += 1
                    yield tag, n_sms, el
                elif tag == "mms":
                    n_mms += 1
                    yield tag, n_mms, el
                else:
                    n_call += 1
                    yield tag, n_call, el
                found += 1
                el.clear()
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (exc.lineno, 0)
            if ctx.salvage:
                ctx.salvaged_at = {"line": line, "column": column, "records": found, "detail": exc.msg}
                return found
            raise ctx.format_error(
                "ingest.xml.broken",
                place=f"line {line}, column {column}",
                line=line,
                column=column,
                detail=exc.msg,
                records=found,
            ) from None
        return found

    # -- records ----------------------------------------------------------------------

    def _sms(self, el: Any, n: int, ctx: ParseContext, offset: Any) -> EventRecord | None:
        get = el.get
        locator = f"sms[{n}] line {el.sourceline}"
        date = get("date")
        ms = _ms(date)
        if ms is None:
            ctx.skip(locator, "ingest.skip.bad_time", value=date)
            return None
        typ = get("type")
        direction = _SMS_DIRECTION.get(typ or "")
        if direction is None:
            if typ == "3":
                ctx.skip(locator, "ingest.skip.draft")
                return None
            direction = Direction.UNKNOWN
        # the box is only worth keeping when the direction does not already say it
        extra: dict[str, Any] = {} if typ in ("1", "2") else {"box": _SMS_BOX.get(typ or "", typ)}
        sent = _ms(get("date_sent"))
        if sent:
            extra["date_sent_ms"] = sent
        sc = get("service_center")
        if sc and sc != "null":
            extra["service_center"] = sc
        sub_id = get("sub_id")
        if sub_id and sub_id != "-1":
            extra["sim"] = sub_id
        subject = get("subject")
        if subject and subject != "null":
            extra["subject"] = subject
        body = get("body")
        return EventRecord(
            kind=EventKind.SMS,
            time_utc=epoch_ms_to_utc(ms),
            utc_offset_minutes=offset(ms / 1000),
            time_raw=date or "",
            direction=direction,
            counterpart_number=get("address"),
            counterpart_name=_clean(get("contact_name")),
            channel="sms",
            text=None if body is None or body == "null" else body,
            locator=locator,
            extra=extra,
        )

    def _mms(
        self, el: Any, n: int, ctx: ParseContext, offset: Any
    ) -> tuple[EventRecord | None, list[DerivedRecord]]:
        get = el.get
        locator = f"mms[{n}] line {el.sourceline}"
        date = get("date")
        ms = _ms(date)
        if ms is None:
            ctx.skip(locator, "ingest.skip.bad_time", value=date)
            return None, []
        box = get("msg_box")
        direction = _MMS_DIRECTION.get(box or "") or _MMS_MTYPE_DIRECTION.get(get("m_type") or "")
        if box == "3":
            ctx.skip(locator, "ingest.skip.draft")
            return None, []
        if direction is None:
            direction = Direction.UNKNOWN
        address = _clean(get("address"))
        senders: list[str] = []
        recipients: list[str] = []
        for addr in el.iter("addr"):
            a = _clean(addr.get("address"))
            if a is None or a == "insert-address-token":
                continue
            t = addr.get("type")
            if t == _ADDR_FROM:
                senders.append(a)
            elif t in (_ADDR_TO, _ADDR_CC, _ADDR_BCC) and a not in recipients:
                recipients.append(a)
        texts: list[str] = []
        attachments: list[dict[str, Any]] = []
        files: list[DerivedRecord] = []
        for part in el.iter("part"):
            ct = (part.get("ct") or "").lower()
            if ct == "application/smil":
                continue
            text = _clean(part.get("text"))
            data = part.get("data")
            if ct.startswith("text/plain") and text is not None and data is None:
                texts.append(text)
                continue
            att: dict[str, Any] = {"ct": ct, "name": _clean(part.get("cl")) or _clean(part.get("name"))}
            if data is not None:
                try:
                    blob = base64.b64decode(data, validate=True)
                except (binascii.Error, ValueError):
                    att["error"] = "invalid_base64"
                    ctx.note("ingest.mms.bad_attachment", locator=locator, name=att["name"], ct=ct)
                else:
                    att["bytes"] = len(blob)
                    att["sha256"] = hashlib.sha256(blob).hexdigest()
                    if blob:
                        files.append(
                            DerivedRecord(
                                kind="attachment",
                                media_type=ct or "application/octet-stream",
                                data=blob,
                                producer="dunguard sms_backup_restore",
                                extra={"locator": locator, "name": att["name"], "time_raw": date},
                            )
                        )
            attachments.append(att)
        if direction is Direction.IN:
            counterpart = senders[0] if senders else address
        else:
            counterpart = address or ("~".join(recipients) if recipients else None)
        group = address is not None and ("~" in address or "@" in address)
        extra: dict[str, Any] = {"box": box}
        sent = _ms(get("date_sent"))
        if sent:
            extra["date_sent_ms"] = sent
        if attachments:
            extra["attachments"] = attachments
        subject = _clean(get("sub"))
        if subject:
            extra["subject"] = subject
        if group:
            extra["members"] = sorted({*senders, *recipients})
        sub_id = get("sub_id")
        if sub_id and sub_id != "-1":
            extra["sim"] = sub_id
        rcs = address is not None and "@rcs" in address
        event = EventRecord(
            kind=EventKind.MMS,
            time_utc=epoch_ms_to_utc(ms),
            utc_offset_minutes=offset(ms / 1000),
            time_raw=date or "",
            direction=direction,
            counterpart_number=counterpart,
            counterpart_name=_clean(get("contact_name")),
            channel="rcs" if rcs else "mms",
            text="\n".join(texts) if texts else None,
            locator=locator,
            thread=address if group else None,
            extra=extra,
        )
        return event, files

    def _call(self, el: Any, n: int, ctx: ParseContext, offset: Any) -> EventRecord | None:
        get = el.get
        locator = f"call[{n}] line {el.sourceline}"
        date = get("date")
        ms = _ms(date)
        if ms is None:
            ctx.skip(locator, "ingest.skip.bad_time", value=date)
            return None
        typ = get("type") or ""
        direction, status = _CALL_TYPE.get(typ, (Direction.UNKNOWN, CallStatus.UNKNOWN))
        duration = _int(get("duration"))
        extra: dict[str, Any] = {}
        pres = get("presentation")
        if pres and pres != "1":
            extra["presentation"] = _PRESENTATION.get(pres, pres)
        if typ == "7":
            extra["answered_elsewhere"] = True
        sub = _clean(get("subscription_id"))
        if sub and sub != "-1":
            extra["sim"] = sub
        post = _clean(get("post_dial_digits"))
        if post:
            extra["post_dial_digits"] = post
        number = get("number")
        return EventRecord(
            kind=EventKind.CALL,
            time_utc=epoch_ms_to_utc(ms),
            utc_offset_minutes=offset(ms / 1000),
            time_raw=date or "",
            direction=direction,
            counterpart_number=number,
            counterpart_name=_clean(get("contact_name")),
            channel="call",
            duration_s=duration if duration is None or duration >= 0 else None,
            call_status=status,
            locator=locator,
            extra=extra,
        )


IMPORTER = SmsBackupRestoreImporter()
