"""Read an APK's AndroidManifest.xml safely: a bounded zip reader and a small binary-XML parser.

Why not androguard: it pulls in a large dependency tree (GUI, networking, plotting libraries)
for what DunGuard needs, which is one file out of the archive.  The Android binary XML
("AXML") format is small and stable; the parser below checks every offset against the
buffer, so a hostile file can only produce a ``FormatError``, never an out-of-bounds read,
unbounded memory or unbounded time.

Limits (``ApkLimits``): archive size, central-directory size and entry count are checked
from the zip's end-of-central-directory record *before* ``zipfile`` reads anything; the
manifest entry is refused if its declared size or compression ratio is implausible, and it is
decompressed with a hard cap, so a zip bomb that lies about its size stops at the cap.

Sources checked: the AOSP ``ResourceTypes.h`` chunk layout (ResChunk_header,
ResStringPool_header, ResXMLTree_node, ResXMLTree_attrExt, Res_value).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from dunguard.errors import FormatError, HostileInputError, InputError, UnsupportedFormat

ANDROID_NS = "http://schemas.android.com/apk/res/android"
MANIFEST_NAME = "AndroidManifest.xml"

# Chunk types (ResourceTypes.h)
RES_STRING_POOL_TYPE = 0x0001
RES_XML_TYPE = 0x0003
RES_XML_START_NAMESPACE_TYPE = 0x0100
RES_XML_END_NAMESPACE_TYPE = 0x0101
RES_XML_START_ELEMENT_TYPE = 0x0102
RES_XML_END_ELEMENT_TYPE = 0x0103
RES_XML_CDATA_TYPE = 0x0104
RES_XML_RESOURCE_MAP_TYPE = 0x0180
UTF8_FLAG = 0x100

# Res_value data types
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
TYPE_INT_BOOLEAN = 0x12

NO_INDEX = 0xFFFFFFFF

# android:* attribute resource ids; obfuscated APKs blank the attribute name strings and
# rely on these ids (public.xml of the Android framework).
ANDROID_ATTR_IDS: dict[int, str] = {
    0x01010001: "label",
    0x01010003: "name",
    0x01010006: "permission",
    0x0101000E: "enabled",
    0x01010010: "exported",
    0x01010018: "authorities",
    0x0101020C: "minSdkVersion",
    0x0101021B: "versionCode",
    0x0101021C: "versionName",
    0x01010270: "targetSdkVersion",
    0x01010271: "maxSdkVersion",
}


@dataclass(frozen=True, slots=True)
class ApkLimits:
    """Bounds that keep reading a hostile file cheap.  Real APKs are far below all of them."""

    max_archive_bytes: int = 2 * 1024**3
    max_central_directory_bytes: int = 64 * 1024**2
    max_entries: int = 200_000
    max_manifest_bytes: int = 8 * 1024**2
    max_compression_ratio: int = 100
    max_depth: int = 128
    max_elements: int = 200_000


@dataclass(slots=True)
class Element:
    """One manifest element; android:* attributes are keyed ``android:<name>``."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> list[Element]:
        out: list[Element] = []
        stack = [self]
        while stack:
            node = stack.pop()
            if tag is None or node.tag == tag:
                out.append(node)
            stack.extend(reversed(node.children))
        return out

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


# ---------------------------------------------------------------------------------------------
# Zip layer


def _eocd(fh: BinaryIO, size: int, source: str, limits: ApkLimits) -> tuple[int, int]:
    """Return (entry count, central directory size) from the end-of-central-directory record."""
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise UnsupportedFormat("prevent.apk.not_zip", file=source)
    (_, _, _, _, entries, cd_size, _, _) = struct.unpack_from("<IHHHHIIH", tail, pos)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and tail[loc : loc + 4] == b"PK\x06\x07":
            (zip64_off,) = struct.unpack_from("<Q", tail, loc + 8)
            if zip64_off + 56 <= size:
                fh.seek(zip64_off)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    entries, cd_size = struct.unpack_from("<QQ", rec, 32)
    if entries > limits.max_entries:
        raise HostileInputError(
            "prevent.apk.too_many_entries", file=source, count=entries, limit=limits.max_entries
        )
    if cd_size > limits.max_central_directory_bytes:
        raise HostileInputError(
            "prevent.apk.directory_too_big",
            file=source,
            size=cd_size,
            limit=limits.max_central_directory_bytes,
        )
    return entries, cd_size


def read_manifest_bytes(path: Path, limits: ApkLimits | None = None) -> bytes:
    """Return the raw AndroidManifest.xml of the APK at ``path``, within ``limits``."""
    limits = limits or ApkLimits()
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError("prevent.file.unreadable", file=source, reason=exc.strerror or str(exc)) from exc
    if not path.is_file():
        raise InputError("prevent.file.not_a_file", file=source)
    if size > limits.max_archive_bytes:
        raise HostileInputError("prevent.apk.too_big", file=source, size=size, limit=limits.max_archive_bytes)
    if size < 22:
        raise UnsupportedFormat("prevent.apk.not_zip", file=source)
    try:
        with path.open("rb") as fh:
            _eocd(fh, size, source, limits)
            with zipfile.ZipFile(fh) as zf:
                return _read_entry(zf, source, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error) as exc:
        raise FormatError("prevent.apk.corrupt", file=source, reason=str(exc)) from exc
    except NotImplementedError as exc:  # unsupported compression method
        raise FormatError("prevent.apk.corrupt", file=source, reason=str(exc)) from exc
    except OSError as exc:
        raise InputError("prevent.file.unreadable", file=source, reason=exc.strerror or str(exc)) from exc


def _read_entry(zf: zipfile.ZipFile, source: str, limits: ApkLimits) -> bytes:
    infos = [i for i in zf.infolist() if i.filename == MANIFEST_NAME]
    if not infos:
        names = zf.namelist()
        if any(n.lower().endswith(".apk") for n in names) or any(
            n.endswith("/manifest/AndroidManifest.xml") for n in names
        ):
            raise UnsupportedFormat("prevent.apk.bundle", file=source)
        raise UnsupportedFormat("prevent.apk.no_manifest", file=source)
    info = infos[0]
    if info.flag_bits & 0x1:
        raise FormatError("prevent.apk.encrypted", file=source, entry=MANIFEST_NAME)
    if info.file_size > limits.max_manifest_bytes:
        raise HostileInputError(
            "prevent.apk.manifest_too_big", file=source, size=info.file_size, limit=limits.max_manifest_bytes
        )
    if info.file_size > 64 * 1024 and info.file_size > limits.max_compression_ratio * max(
        info.compress_size, 1
    ):
        raise HostileInputError(
            "prevent.apk.bomb",
            file=source,
            entry=MANIFEST_NAME,
            ratio=info.file_size // max(info.compress_size, 1),
        )
    # The declared size can lie: decompress with a hard cap.
    with zf.open(info) as entry:
        data = entry.read(limits.max_manifest_bytes + 1)
    if len(data) > limits.max_manifest_bytes:
        raise HostileInputError("prevent.apk.bomb", file=source, entry=MANIFEST_NAME, ratio="?")
    return data


# ---------------------------------------------------------------------------------------------
# Binary XML layer


class _Axml:
    def __init__(self, data: bytes, source: str, limits: ApkLimits) -> None:
        self.data = data
        self.source = source
        self.limits = limits
        self.string_offsets: list[int] = []
        self.strings_base = 0
        self.strings_end = 0
        self.utf8 = False
        self.cache: dict[int, str] = {}
        self.resource_ids: list[int] = []

    def fail(self, offset: int, reason: str) -> FormatError:
        return FormatError("prevent.apk.bad_manifest", file=self.source, offset=offset, reason=reason)

    def u16(self, off: int) -> int:
        if off < 0 or off + 2 > len(self.data):
            raise self.fail(off, "read past end")
        return int.from_bytes(self.data[off : off + 2], "little")

    def u32(self, off: int) -> int:
        if off < 0 or off + 4 > len(self.data):
            raise self.fail(off, "read past end")
        return int.from_bytes(self.data[off : off + 4], "little")

    # -- string pool
    def read_string_pool(self, off: int, header_size: int, size: int) -> None:
        if header_size < 28:
            raise self.fail(off, "string pool header too small")
        count = self.u32(off + 8)
        flags = self.u32(off + 16)
        strings_start = self.u32(off + 20)
        if count > (size - header_size) // 4:
            raise self.fail(off, "string count larger than the pool")
        self.utf8 = bool(flags & UTF8_FLAG)
        idx_base = off + header_size
        self.string_offsets = [self.u32(idx_base + 4 * i) for i in range(count)]
        self.strings_base = off + strings_start
        self.strings_end = off + size
        if self.strings_base > self.strings_end:
            raise self.fail(off, "string data outside the pool")

    def string(self, index: int) -> str:
        if index == NO_INDEX:
            return ""
        if index >= len(self.string_offsets):
            raise self.fail(0, f"string index {index} out of range")
        cached = self.cache.get(index)
        if cached is not None:
            return cached
        pos = self.strings_base + self.string_offsets[index]
        end = self.strings_end
        if pos >= end:
            raise self.fail(pos, "string offset outside the pool")
        if self.utf8:
            pos = self._skip_len8(pos)
            nbytes, pos = self._len8(pos)
            raw = self.data[pos : pos + nbytes]
            if pos + nbytes > end:
                raise self.fail(pos, "string runs past the pool")
            text = raw.decode("utf-8", errors="replace")
        else:
            nchars = self.u16(pos)
            pos += 2
            if nchars & 0x8000:
                nchars = ((nchars & 0x7FFF) << 16) | self.u16(pos)
                pos += 2
            if pos + 2 * nchars > end:
                raise self.fail(pos, "string runs past the pool")
            text = self.data[pos : pos + 2 * nchars].decode("utf-16-le", errors="replace")
        self.cache[index] = text
        return text

    def _len8(self, pos: int) -> tuple[int, int]:
        if pos >= self.strings_end:
            raise self.fail(pos, "string length outside the pool")
        n = self.data[pos]
        if n & 0x80:
            if pos + 1 >= self.strings_end:
                raise self.fail(pos, "string length outside the pool")
            return ((n & 0x7F) << 8) | self.data[pos + 1], pos + 2
        return n, pos + 1

    def _skip_len8(self, pos: int) -> int:
        return self._len8(pos)[1]

    # -- tree
    def parse(self) -> Element:
        data = self.data
        if len(data) < 8:
            raise self.fail(0, "file too short")
        if self.u16(0) != RES_XML_TYPE:
            raise self.fail(0, "not an Android binary XML file")
        header_size = self.u16(2)
        total = self.u32(4)
        if total > len(data) or total < 8 or header_size < 8:
            raise self.fail(4, "bad file header size")
        off = header_size
        root: Element | None = None
        stack: list[tuple[str, Element]] = []  # (tag, element)
        namespaces: dict[str, str] = {}
        elements = 0
        while off + 8 <= total:
            ctype = self.u16(off)
            chdr = self.u16(off + 2)
            csize = self.u32(off + 4)
            if csize < 8 or chdr < 8 or chdr > csize or off + csize > total:
                raise self.fail(off, "bad chunk size")
            if ctype == RES_STRING_POOL_TYPE:
                self.read_string_pool(off, chdr, csize)
            elif ctype == RES_XML_RESOURCE_MAP_TYPE:
                self.resource_ids = [self.u32(off + chdr + 4 * i) for i in range((csize - chdr) // 4)]
            elif ctype == RES_XML_START_NAMESPACE_TYPE:
                prefix = self.string(self.u32(off + chdr))
                uri = self.string(self.u32(off + chdr + 4))
                namespaces[uri] = prefix
            elif ctype == RES_XML_START_ELEMENT_TYPE:
                elements += 1
                if elements > self.limits.max_elements:
                    raise self.fail(off, "too many elements")
                if len(stack) >= self.limits.max_depth:
                    raise self.fail(off, "elements nested too deeply")
                el = self._element(off, chdr, csize)
                if stack:
                    stack[-1][1].children.append(el)
                elif root is None:
                    root = el
                else:
                    raise self.fail(off, "more than one root element")
                stack.append((el.tag, el))
            elif ctype == RES_XML_END_ELEMENT_TYPE:
                if not stack:
                    raise self.fail(off, "end tag without start tag")
                stack.pop()
            # END_NAMESPACE, CDATA and unknown chunks are skipped.
            off += csize
        if root is None:
            raise self.fail(off, "no root element")
        if stack:
            raise self.fail(off, "file ends inside an element")
        return root

    def _element(self, off: int, chdr: int, csize: int) -> Element:
        ext = off + chdr
        name = self.string(self.u32(ext + 4))
        attr_start = self.u16(ext + 8)
        attr_size = self.u16(ext + 10)
        attr_count = self.u16(ext + 12)
        if attr_size < 20:
            raise self.fail(ext, "attribute record too small")
        first = ext + attr_start
        if first + attr_count * attr_size > off + csize:
            raise self.fail(ext, "attributes run past the element chunk")
        el = Element(tag=name)
        for i in range(attr_count):
            a = first + i * attr_size
            ns = self.string(self.u32(a))
            name_idx = self.u32(a + 4)
            aname = self.string(name_idx)
            res_id = self.resource_ids[name_idx] if name_idx < len(self.resource_ids) else 0
            if res_id in ANDROID_ATTR_IDS and (not aname or ns == ANDROID_NS or not ns):
                aname = ANDROID_ATTR_IDS[res_id]
                ns = ANDROID_NS
            raw = self.u32(a + 8)
            dtype = self.data[a + 15]
            value_data = self.u32(a + 16)
            value = self._value(raw, dtype, value_data)
            key = f"android:{aname}" if ns == ANDROID_NS else (f"{{{ns}}}{aname}" if ns else aname)
            el.attrs[key] = value
        return el

    def _value(self, raw: int, dtype: int, value: int) -> str:
        if raw != NO_INDEX:
            return self.string(raw)
        if dtype == TYPE_STRING:
            return self.string(value)
        if dtype == TYPE_INT_BOOLEAN:
            return "true" if value else "false"
        if dtype == TYPE_INT_DEC:
            return str(value - (1 << 32) if value & 0x80000000 else value)
        if dtype == TYPE_INT_HEX:
            return f"0x{value:08x}"
        if dtype == TYPE_REFERENCE:
            return f"@0x{value:08x}"
        return f"0x{value:x}"


def parse_axml(data: bytes, source: str = "AndroidManifest.xml", limits: ApkLimits | None = None) -> Element:
    """Parse Android binary XML (or a plain-text manifest) into an ``Element`` tree."""
    limits = limits or ApkLimits()
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _parse_text_manifest(data, source)
    return _Axml(data, source, limits).parse()


def _parse_text_manifest(data: bytes, source: str) -> Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise HostileInputError("prevent.apk.doctype", file=source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(
            "prevent.apk.bad_manifest", file=source, offset=f"line {exc.lineno}", reason=str(exc.msg)
        ) from exc

    def convert(node: etree._Element) -> Element:
        attrs: dict[str, str] = {}
        for k, v in node.attrib.items():
            key = str(k)
            if key.startswith("{" + ANDROID_NS + "}"):
                key = "android:" + key[len(ANDROID_NS) + 2 :]
            attrs[key] = str(v)
        el = Element(tag=etree.QName(node).localname, attrs=attrs)
        el.children = [convert(c) for c in node if isinstance(c.tag, str)]
        return el

    return convert(root)


def read_manifest(path: Path, limits: ApkLimits | None = None) -> Element:
    """The parsed manifest of the APK at ``path``; errors name the file and the place."""
    limits = limits or ApkLimits()
    raw = read_manifest_bytes(path, limits)
    root = parse_axml(raw, source=f"{path}!{MANIFEST_NAME}", limits=limits)
    if root.tag != "manifest":
        raise FormatError(
            "prevent.apk.bad_manifest",
            file=f"{path}!{MANIFEST_NAME}",
            offset=0,
            reason=f"root is <{root.tag}>",
        )
    return root
