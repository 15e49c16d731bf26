"""vCard 2.1 / 3.0 / 4.0 contacts (``.vcf``): every card becomes a ContactRecord.

A small parser of our own (vobject is unmaintained and rejects much of 2.1).  It works on
bytes, line by line, so a raw ``CHARSET=GBK``/``SHIFT_JIS`` value is decoded with the
charset the card declares, and memory stays flat for address books of any size.

Handled: folded lines (leading space/tab), QUOTED-PRINTABLE soft line breaks (``=`` at the
end of a line), ``CHARSET`` params, bare 2.1 params (``TEL;WORK;VOICE``), quoted 3.0/4.0
params containing ``:`` ``;`` ``,``, ``item1.`` groups with ``X-ABLabel``, base64 photos
(not decoded, not kept), ``tel:`` URIs (4.0), nested cards, comment lines, values continued
after a trailing backslash (Windows Mobile / old 2.1 writers).  A card with neither a name
nor a phone number is skipped with a reason; nothing in a card can crash the import.
"""

from __future__ import annotations

import binascii
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from dunguard.errors import HostileInputError
from dunguard.ingest.base import ParseContext, Record
from dunguard.records import ContactRecord

__all__ = ["IMPORTER", "VCardImporter", "iter_cards"]

MAX_LINE_BYTES = 8 * 1024 * 1024  # one physical line; longer = hostile
MAX_VALUES_PER_CARD = 500  # TEL / EMAIL entries kept per card
_BINARY_PROPS = frozenset({b"PHOTO", b"LOGO", b"KEY"})
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_CHARSET_ALIASES = {
    "GBK": "gb18030",
    "GB2312": "gb18030",
    "GB-2312": "gb18030",
    "CP936": "gb18030",
    "GB18030": "gb18030",
    "SHIFT_JIS": "cp932",
    "SHIFT-JIS": "cp932",
    "SJIS": "cp932",
    "BIG5": "big5hkscs",
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_ABLABEL = re.compile(r"^_\$!<(.*)>!\$_$")


@dataclass(slots=True)
class _Prop:
    line: int
    group: str
    name: str
    params: dict[str, list[str]]
    value: bytes


@dataclass(slots=True)
class _Card:
    index: int
    line: int
    version: str = "2.1"
    props: list[_Prop] = field(default_factory=list)
    dropped: int = 0


def _physical_lines(fh: BinaryIO, display: str) -> Iterator[tuple[int, bytes]]:
    lineno = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE_BYTES:
            raise HostileInputError("ingest_b.vcard.line_too_long", file=display, place=f"line {lineno}")
        yield lineno, raw.rstrip(b"\r\n")


def _split_unquoted(data: bytes, sep: int, maxsplit: int = -1) -> list[bytes]:
    """Split on byte ``sep`` outside double quotes."""
    if b'"' not in data:  # the common case: no quoted parameter values
        return data.split(bytes((sep,)), maxsplit)
    out: list[bytes] = []
    start = 0
    quoted = False
    for i, byte in enumerate(data):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == sep and not quoted:
            out.append(data[start:i])
            start = i + 1
            if maxsplit > 0 and len(out) == maxsplit:
                break
    out.append(data[start:])
    return out


def _logical_lines(fh: BinaryIO, display: str) -> Iterator[tuple[int, bytes]]:
    """Unfold: folded lines, QP soft breaks, backslash continuations; drop comments."""
    pending: list[bytes] | None = None
    pending_line = 0
    pending_qp = False
    for lineno, line in _physical_lines(fh, display):
        if pending is not None:
            last = pending[-1]
            if pending_qp and last.endswith(b"=") and line.strip().upper() != b"END:VCARD":
                pending[-1] = last[:-1]
                pending.append(line)
                continue
            first = line[:1]
            if first == b" " or first == b"\t":
                pending.append(line[1:])
                continue
            if line and last.endswith(b"\\") and b":" not in line and first != b"#":
                pending.append(b"\n" + line)
                continue
            yield pending_line, pending[0] if len(pending) == 1 else b"".join(pending)
            pending = None
        colon = line.find(b":")
        if colon < 0 or line[:1] == b"#" or not line.strip():
            continue  # blank, comment, or stray text: nothing to keep
        pending = [line]
        pending_line = lineno
        pending_qp = b"QUOTED-PRINTABLE" in line[:colon].upper()
    if pending is not None:
        yield pending_line, b"".join(pending)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _parse_prop(lineno: int, logical: bytes) -> _Prop:
    halves = _split_unquoted(logical, 0x3A, 1)
    value = halves[1] if len(halves) > 1 else b""
    group, name, params = _parse_name(halves[0])
    return _Prop(lineno, group, name, params, value)


@lru_cache(maxsize=4096)
def _parse_name(name_part: bytes) -> tuple[str, str, dict[str, list[str]]]:
    """``[group.]NAME;params`` → (group, NAME, params).  Cached: address books repeat a few
    dozen distinct name parts; the returned dict is shared and must not be modified."""
    pieces = _split_unquoted(name_part, 0x3B)
    full = pieces[0].strip()
    group, _, name = full.rpartition(b".")
    params: dict[str, list[str]] = {}
    for raw in pieces[1:]:
        text = _text(raw).strip()
        if not text:
            continue
        key, eq, val = text.partition("=")
        if not eq:
            upper = key.upper()
            key, val = ("ENCODING", upper) if upper in _BARE_ENCODINGS else ("TYPE", key)
        values = [v.strip().strip('"') for v in _split_text_params(val)]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return _text(group), _text(name).upper(), params


def _split_text_params(val: str) -> list[str]:
    out: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in val:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            out.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    out.append("".join(buf))
    return out


def iter_cards(fh: BinaryIO, display: str) -> Iterator[_Card]:
    """Raw cards (properties still undecoded); unterminated cards come out at the end."""
    stack: list[_Card] = []
    index = 0
    for lineno, logical in _logical_lines(fh, display):
        upper = logical.strip().upper()
        if upper == b"BEGIN:VCARD":
            index += 1
            stack.append(_Card(index, lineno))
            continue
        if upper == b"END:VCARD":
            if stack:
                yield stack.pop()
            continue
        if not stack:
            continue
        card = stack[-1]
        prop = _parse_prop(lineno, logical)
        if prop.name == "VERSION":
            card.version = _text(prop.value).strip() or card.version
            continue
        if prop.name.encode() in _BINARY_PROPS:
            prop.value = b""  # photos are not contact facts; don't hold them in memory
        if len(card.props) >= MAX_VALUES_PER_CARD * 4:
            card.dropped += 1
            continue
        card.props.append(prop)
    while stack:
        card = stack.pop()
        card.index = -card.index  # marks "not closed"
        yield card


def _decode_value(prop: _Prop) -> str:
    data = prop.value
    encoding = (prop.params.get("ENCODING") or [""])[0].upper()
    if encoding in ("QUOTED-PRINTABLE", "QP"):
        with contextlib.suppress(binascii.Error, ValueError):
            data = binascii.a2b_qp(data)
    charset = (prop.params.get("CHARSET") or [""])[0].upper()
    if charset:
        codec = _CHARSET_ALIASES.get(charset, charset.lower())
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    return _text(data)


def _unescape_components(value: str, version: str) -> list[str]:
    """Split a structured value on unescaped ``;`` and undo the escapes of the version."""
    if "\\" not in value:
        return value.split(";")
    parts: list[str] = []
    buf: list[str] = []
    modern = not version.startswith("2")
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt == ";" or (modern and nxt in "\\,"):
                buf.append(nxt)
                i += 2
                continue
            if modern and nxt in "nN":
                buf.append("\n")
                i += 2
                continue
        if ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _unescape(value: str, version: str) -> str:
    return ";".join(_unescape_components(value, version))


def _compose_name(parts: list[str]) -> str:
    family, given, middle, prefix, suffix = ([*[p.strip() for p in parts], "", "", "", "", ""])[:5]
    if _CJK.search(family + given + middle):
        return "".join(p for p in (family, middle, given) if p)
    return " ".join(p for p in (prefix, given, middle, family, suffix) if p)


def _label(card: _Card, group: str) -> str | None:
    if not group:
        return None
    for prop in card.props:
        if prop.group == group and prop.name == "X-ABLABEL":
            text = _decode_value(prop).strip()
            m = _ABLABEL.match(text)
            return m.group(1) if m else text
    return None


def card_to_record(card: _Card) -> ContactRecord | None:
    """The contact facts of one card; ``None`` when it has neither name nor number."""
    fn = ""
    n_parts: list[str] = []
    org = ""
    notes: list[str] = []
    numbers: list[str] = []
    tels: list[dict[str, Any]] = []
    emails: list[str] = []
    sips: list[str] = []
    has_photo = False
    for prop in card.props:
        name = prop.name
        if name == "PHOTO":
            has_photo = True
            continue
        if name not in ("FN", "N", "ORG", "NOTE", "TEL", "EMAIL"):
            continue
        value = _decode_value(prop)
        if name == "FN" and not fn:
            fn = _unescape(value, card.version).strip()
        elif name == "N" and not n_parts:
            n_parts = _unescape_components(value, card.version)
        elif name == "ORG" and not org:
            org = " ".join(p.strip() for p in _unescape_components(value, card.version) if p.strip())
        elif name == "NOTE":
            note = _unescape(value, card.version).strip()
            if note:
                notes.append(note)
        elif name == "TEL" and len(tels) < MAX_VALUES_PER_CARD:
            raw = _unescape(value, card.version).strip()
            lowered = raw.lower()
            if lowered.startswith("tel:"):
                raw = raw[4:].split(";")[0].strip()
            elif lowered.startswith("sip:"):
                sips.append(raw)
                continue
            if not raw:
                continue
            types = [t.upper() for t in prop.params.get("TYPE", [])]
            label = _label(card, prop.group)
            entry: dict[str, Any] = {"value": raw, "types": types}
            if label:
                entry["label"] = label
            tels.append(entry)
            if raw not in numbers:
                numbers.append(raw)
        elif name == "EMAIL" and len(emails) < MAX_VALUES_PER_CARD:
            email = _unescape(value, card.version).strip()
            if email:
                emails.append(email)
    display = fn or (_compose_name(n_parts) if n_parts else "") or org
    if not display and not numbers:
        return None
    extra: dict[str, Any] = {"vcard_version": card.version, "tel": tels}
    if emails:
        extra["emails"] = emails
    if sips:
        extra["sip"] = sips
    if has_photo:
        extra["has_photo"] = True
    if card.dropped:
        extra["properties_dropped"] = card.dropped
    if not fn and not n_parts and org:
        extra["name_from"] = "ORG"
    return ContactRecord(
        name=display,
        numbers=numbers,
        locator=f"card {abs(card.index)} (line {card.line})",
        organization=org or None,
        note="\n".join(notes) or None,
        extra=extra,
    )


class VCardImporter:
    name = "vcard"
    description = "vCard 2.1 / 3.0 / 4.0 address book (.vcf)"
    reads = "vCard files with one or many cards: names, phone numbers (TEL), organisation, notes, e-mail"
    samples: tuple[str, ...] = (
        "../shared/data/vcard/aosp_vcard_tests/*.vcf (35 AOSP vCard fixtures: 2.1/3.0/4.0, "
        "SHIFT_JIS, QUOTED-PRINTABLE, iOS 6 folded export, Windows Mobile, malformed photos)",
    )
    quirks: tuple[str, ...] = (
        "Chinese Android phones write 2.1 with CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE and '=' soft breaks",
        "older phones write raw GBK bytes with CHARSET=GBK: decoded with the declared charset (GB18030)",
        "no CHARSET: UTF-8, falling back to GB18030",
        "iOS writes \\r\\r\\n line ends, folded lines and item1. groups with X-ABLabel",
        "base64 photos are skipped without decoding; a malformed photo cannot break the card",
        "cards with neither a name nor a number are skipped with a reason",
        "nested cards are read as separate contacts",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:11].upper()
        if start == b"BEGIN:VCARD":
            return 0.95
        if b"BEGIN:VCARD" in head.upper() and b"END:VCARD" in head.upper():
            return 0.6
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        found = 0
        with path.open("rb") as fh:
            for card in iter_cards(fh, ctx.display_name):
                found += 1
                locator = f"card {abs(card.index)} (line {card.line})"
                if card.index < 0:
                    ctx.skip(locator, "ingest_b.skip.vcard_unclosed")
                    continue
                record = card_to_record(card)
                if record is None:
                    ctx.skip(locator, "ingest_b.skip.vcard_empty")
                    continue
                if found % 200 == 0:
                    ctx.advance(fh.tell())
                yield record
        if found == 0:
            raise ctx.format_error("ingest_b.vcard.no_cards", place="")


IMPORTER = VCardImporter()
