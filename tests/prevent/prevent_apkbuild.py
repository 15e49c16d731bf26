"""Build Android binary XML manifests and APK zips for the tests (a tiny AXML encoder).

Layout per AOSP ResourceTypes.h: RES_XML_TYPE header, string pool, resource map,
namespace start, element chunks, namespace end.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ANDROID_NS = "http://schemas.android.com/apk/res/android"
NO_INDEX = 0xFFFFFFFF
ATTR_IDS = {
    "label": 0x01010001,
    "name": 0x01010003,
    "permission": 0x01010006,
    "enabled": 0x0101000E,
    "exported": 0x01010010,
    "minSdkVersion": 0x0101020C,
    "versionCode": 0x0101021B,
    "versionName": 0x0101021C,
    "targetSdkVersion": 0x01010270,
    "maxSdkVersion": 0x01010271,
}


@dataclass
class El:
    tag: str
    attrs: dict[str, str | int | bool] = field(default_factory=dict)
    children: list[El] = field(default_factory=list)


def _walk(el: El) -> list[El]:
    out = [el]
    for c in el.children:
        out.extend(_walk(c))
    return out


def _pool(strings: list[str], utf8: bool) -> bytes:
    data = bytearray()
    offsets = []
    for s in strings:
        offsets.append(len(data))
        if utf8:
            b = s.encode("utf-8")
            for n in (len(s), len(b)):
                if n > 0x7F:
                    data += bytes([0x80 | (n >> 8), n & 0xFF])
                else:
                    data.append(n)
            data += b + b"\x00"
        else:
            u = s.encode("utf-16-le")
            n = len(u) // 2
            if n > 0x7FFF:
                data += struct.pack("<HH", 0x8000 | (n >> 16), n & 0xFFFF)
            else:
                data += struct.pack("<H", n)
            data += u + b"\x00\x00"
    while len(data) % 4:
        data.append(0)
    header_size = 28
    strings_start = header_size + 4 * len(strings)
    size = strings_start + len(data)
    flags = 0x100 if utf8 else 0
    head = struct.pack("<HHIIIIII", 0x0001, header_size, size, len(strings), 0, flags, strings_start, 0)
    return head + b"".join(struct.pack("<I", o) for o in offsets) + bytes(data)


def encode_axml(root: El, *, utf8: bool = False, blank_android_names: bool = False) -> bytes:
    """Encode ``root`` as Android binary XML.

    ``blank_android_names`` writes empty strings for android:* attribute names (as obfuscators
    do), so only the resource map says what they are.
    """
    android_attrs: list[str] = []
    for el in _walk(root):
        for key in el.attrs:
            if key.startswith("android:") and key[8:] not in android_attrs:
                android_attrs.append(key[8:])
    strings: list[str] = []
    index: dict[str, int] = {}

    def sid(s: str) -> int:
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    attr_name_idx: dict[str, int] = {}
    for name in android_attrs:  # resource-mapped names must come first in the pool
        placeholder = f"\x00attr:{name}"
        attr_name_idx[name] = len(strings)
        strings.append("" if blank_android_names else name)
        index[placeholder] = attr_name_idx[name]
    res_map = [ATTR_IDS.get(n, 0) for n in android_attrs]
    sid("android")
    sid(ANDROID_NS)

    body = bytearray()
    body += struct.pack("<HHIIIII", 0x0100, 16, 24, 1, NO_INDEX, sid("android"), sid(ANDROID_NS))

    def emit(el: El) -> None:
        attrs = b""
        for key, value in el.attrs.items():
            if key.startswith("android:"):
                ns, name_i = sid(ANDROID_NS), attr_name_idx[key[8:]]
            else:
                ns, name_i = NO_INDEX, sid(key)
            if isinstance(value, bool):
                raw, typ, data = NO_INDEX, 0x12, 0xFFFFFFFF if value else 0
            elif isinstance(value, int):
                raw, typ, data = NO_INDEX, 0x10, value & 0xFFFFFFFF
            else:
                s = sid(value)
                raw, typ, data = s, 0x03, s
            attrs += struct.pack("<IIIHBBI", ns, name_i, raw, 8, 0, typ, data)
        n_attrs = len(el.attrs)
        size = 16 + 20 + len(attrs)
        body.extend(
            struct.pack("<HHIII", 0x0102, 16, size, 1, NO_INDEX)
            + struct.pack("<IIHHHHHH", NO_INDEX, sid(el.tag), 20, 20, n_attrs, 0, 0, 0)
            + attrs
        )
        for c in el.children:
            emit(c)
        body.extend(struct.pack("<HHIIIII", 0x0103, 16, 24, 1, NO_INDEX, NO_INDEX, sid(el.tag)))

    emit(root)
    body += struct.pack("<HHIIIII", 0x0101, 16, 24, 1, NO_INDEX, sid("android"), sid(ANDROID_NS))

    pool = _pool(strings, utf8)
    resmap = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(res_map)) + b"".join(
        struct.pack("<I", r) for r in res_map
    )
    content = pool + resmap + bytes(body)
    return struct.pack("<HHI", 0x0003, 8, 8 + len(content)) + content


def loan_app_manifest() -> El:
    """A manifest shaped like a typical over-reaching loan app."""
    return El(
        "manifest",
        {"android:versionCode": 42, "android:versionName": "3.1.0", "package": "com.example.kuaijie"},
        [
            El("uses-sdk", {"android:minSdkVersion": 21, "android:targetSdkVersion": 30}),
            El("uses-permission", {"android:name": "android.permission.INTERNET"}),
            El("uses-permission", {"android:name": "android.permission.READ_CONTACTS"}),
            El("uses-permission", {"android:name": "android.permission.READ_CALL_LOG"}),
            El("uses-permission", {"android:name": "android.permission.READ_SMS"}),
            El("uses-permission", {"android:name": "android.permission.CAMERA"}),
            El("uses-permission", {"android:name": "android.permission.ACCESS_BACKGROUND_LOCATION"}),
            El("uses-permission", {"android:name": "android.permission.QUERY_ALL_PACKAGES"}),
            El("queries", {}, [El("package", {"android:name": "com.other.loanapp"})]),
            El(
                "application",
                {"android:label": "快捷借"},
                [
                    El("activity", {"android:name": ".MainActivity", "android:exported": True}),
                    El(
                        "receiver",
                        {"android:name": ".SmsReceiver", "android:exported": True},
                        [
                            El(
                                "intent-filter",
                                {},
                                [El("action", {"android:name": "android.provider.Telephony.SMS_RECEIVED"})],
                            )
                        ],
                    ),
                    El(
                        "service",
                        {
                            "android:name": ".Helper",
                            "android:permission": "android.permission.BIND_ACCESSIBILITY_SERVICE",
                            "android:exported": False,
                        },
                    ),
                ],
            ),
        ],
    )


def minimal_manifest() -> El:
    return El(
        "manifest",
        {"package": "com.example.clean"},
        [
            El("uses-permission", {"android:name": "android.permission.INTERNET"}),
            El("application", {"android:label": "Clean"}, [El("activity", {"android:name": ".Main"})]),
        ],
    )


def build_apk(path: Path, manifest: bytes | None, extra: dict[str, bytes] | None = None) -> Path:
    """Write a zip with ``AndroidManifest.xml`` (unless None) and a few APK-like entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if manifest is not None:
            zf.writestr("AndroidManifest.xml", manifest)
        zf.writestr("classes.dex", b"dex\n035\x00" + b"\x00" * 100)
        zf.writestr("resources.arsc", b"\x02\x00\x0c\x00" + b"\x00" * 32)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path
