"""APK audit: manifests the tests encode themselves, and hostile or broken archives."""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prevent_apkbuild import El, build_apk, encode_axml, loan_app_manifest, minimal_manifest

from dunguard.errors import DunGuardError, FormatError, HostileInputError, UnsupportedFormat
from dunguard.prevent.apk import ApkLimits, parse_axml, read_manifest
from dunguard.prevent.app_audit import audit_apk
from dunguard.prevent.citations import reference, statute


@pytest.fixture
def loan_apk(tmp_path: Path) -> Path:
    return build_apk(tmp_path / "kuaijie.apk", encode_axml(loan_app_manifest()))


def test_loan_app_permissions_are_explained_in_chinese(loan_apk: Path) -> None:
    audit = audit_apk(loan_apk, lang="zh")
    assert audit.package == "com.example.kuaijie"
    assert audit.version_name == "3.1.0"
    assert audit.version_code == "42"
    assert audit.min_sdk == "21" and audit.target_sdk == "30"
    cats = {f.category: f for f in audit.findings}
    assert {"contacts", "call_log", "sms", "camera", "background_location", "installed_apps"} <= set(cats)
    contacts = cats["contacts"]
    assert contacts.permissions == ["android.permission.READ_CONTACTS"]
    assert contacts.needed == "no"
    assert "通讯录" in contacts.title and "爆通讯录" in contacts.explain
    assert {"pipl_6", "pipl_14", "pipl_16"} <= set(contacts.basis)
    assert "app_necessary_info_rules" in contacts.see_also
    assert cats["camera"].needed == "conditional"
    # high-risk findings come first
    assert audit.findings[0].risk == "high"
    # INTERNET is not personal data
    assert audit.other_permissions == ["android.permission.INTERNET"]


def test_components_that_read_personal_data_are_listed(loan_apk: Path) -> None:
    cats = {f.category: f for f in audit_apk(loan_apk).findings}
    assert cats["sms_receiver"].components == ["receiver .SmsReceiver (exported)"]
    assert cats["accessibility"].components == ["service .Helper"]
    assert cats["package_queries"].components == ["queries com.other.loanapp"]


def test_english_output(loan_apk: Path) -> None:
    audit = audit_apk(loan_apk, lang="en")
    contacts = next(f for f in audit.findings if f.category == "contacts")
    assert contacts.title == "Contacts (address book)"
    assert audit.lang == "en"


def test_clean_app_has_no_findings(tmp_path: Path) -> None:
    audit = audit_apk(build_apk(tmp_path / "clean.apk", encode_axml(minimal_manifest())))
    assert audit.findings == []
    assert audit.permissions == ["android.permission.INTERNET"]
    assert len(audit.sha256) == 64


def test_utf8_string_pool_and_chinese_strings() -> None:
    root = El("manifest", {"package": "com.例子"}, [El("application", {"android:label": "借钱快" * 60})])
    parsed = parse_axml(encode_axml(root, utf8=True))
    assert parsed.get("package") == "com.例子"
    assert parsed.children[0].get("android:label") == "借钱快" * 60


def test_obfuscated_attribute_names_resolved_by_resource_id() -> None:
    parsed = parse_axml(encode_axml(loan_app_manifest(), blank_android_names=True))
    perms = [c.get("android:name") for c in parsed.children if c.tag == "uses-permission"]
    assert "android.permission.READ_CONTACTS" in perms


def test_plain_text_manifest_is_accepted(tmp_path: Path) -> None:
    xml = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.t">'
        b'<uses-permission android:name="android.permission.READ_SMS"/></manifest>'
    )
    audit = audit_apk(build_apk(tmp_path / "text.apk", xml))
    assert [f.category for f in audit.findings] == ["sms"]


def test_doctype_in_text_manifest_is_refused(tmp_path: Path) -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest>&a;</manifest>'
    with pytest.raises(HostileInputError):
        read_manifest(build_apk(tmp_path / "dtd.apk", xml))


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "合同.apk"
    p.write_text("这不是安装包" * 20, encoding="utf-8")
    with pytest.raises(UnsupportedFormat) as info:
        audit_apk(p)
    assert "合同.apk" in info.value.message("zh") and "不是 APK" in info.value.message("zh")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.apk"
    p.write_bytes(b"")
    with pytest.raises(UnsupportedFormat):
        audit_apk(p)


def test_zip_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat) as info:
        audit_apk(build_apk(tmp_path / "x.apk", None))
    assert info.value.key == "prevent.apk.no_manifest"


def test_xapk_bundle_gets_specific_advice(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat) as info:
        audit_apk(build_apk(tmp_path / "x.xapk", None, {"com.loan.apk": b"PK"}))
    assert info.value.key == "prevent.apk.bundle"


def test_truncated_archive(tmp_path: Path, loan_apk: Path) -> None:
    data = loan_apk.read_bytes()
    p = tmp_path / "cut.apk"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises((UnsupportedFormat, FormatError)):
        audit_apk(p)


@pytest.mark.parametrize("cut", [4, 8, 40, 100, 300])
def test_truncated_manifest_names_the_offset(tmp_path: Path, cut: int) -> None:
    axml = encode_axml(loan_app_manifest())
    with pytest.raises(FormatError) as info:
        read_manifest(build_apk(tmp_path / "bad.apk", axml[:cut]))
    msg = info.value.message("en")
    assert "bad.apk!AndroidManifest.xml" in msg


def test_manifest_declared_too_big_is_refused(tmp_path: Path) -> None:
    p = build_apk(tmp_path / "bomb.apk", b"\x03\x00\x08\x00" + b"\x00" * (9 * 1024 * 1024))
    with pytest.raises(HostileInputError) as info:
        read_manifest(p)
    assert info.value.key == "prevent.apk.manifest_too_big"


def test_compression_ratio_bomb_is_refused(tmp_path: Path) -> None:
    p = build_apk(tmp_path / "ratio.apk", b"\x03\x00\x08\x00" + b"\x00" * (2 * 1024 * 1024))
    with pytest.raises(HostileInputError) as info:
        read_manifest(p)
    assert info.value.key == "prevent.apk.bomb"


def _patch_sizes(data: bytes, name: bytes, new_size: int) -> bytes:
    """Make the zip lie: set the uncompressed size of ``name`` in both headers."""
    out = bytearray(data)
    lh = out.find(b"PK\x03\x04")
    while lh >= 0:
        nlen = struct.unpack_from("<H", out, lh + 26)[0]
        if out[lh + 30 : lh + 30 + nlen] == name:
            struct.pack_into("<I", out, lh + 22, new_size)
        lh = out.find(b"PK\x03\x04", lh + 4)
    cd = out.find(b"PK\x01\x02")
    while cd >= 0:
        nlen = struct.unpack_from("<H", out, cd + 28)[0]
        if out[cd + 46 : cd + 46 + nlen] == name:
            struct.pack_into("<I", out, cd + 24, new_size)
        cd = out.find(b"PK\x01\x02", cd + 4)
    return bytes(out)


def test_bomb_lying_about_its_size_stops_at_the_cap(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AndroidManifest.xml", b"\x00" * (20 * 1024 * 1024))
    p = tmp_path / "liar.apk"
    p.write_bytes(_patch_sizes(buf.getvalue(), b"AndroidManifest.xml", 1000))
    with pytest.raises((HostileInputError, FormatError)):
        read_manifest(p)


def test_too_many_entries(tmp_path: Path) -> None:
    p = build_apk(
        tmp_path / "many.apk", encode_axml(minimal_manifest()), {f"res/{i}.png": b"x" for i in range(30)}
    )
    with pytest.raises(HostileInputError) as info:
        read_manifest(p, ApkLimits(max_entries=10))
    assert info.value.key == "prevent.apk.too_many_entries"


def test_archive_too_big(tmp_path: Path, loan_apk: Path) -> None:
    with pytest.raises(HostileInputError) as info:
        read_manifest(loan_apk, ApkLimits(max_archive_bytes=100))
    assert info.value.key == "prevent.apk.too_big"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DunGuardError) as info:
        audit_apk(tmp_path / "nope.apk")
    assert "nope.apk" in info.value.message("zh")


def test_every_basis_and_reference_exists() -> None:
    from dunguard.prevent.app_audit import _rules

    rules = _rules()
    for cat in rules["categories"].values():
        for sid in cat["basis"]:
            assert statute(sid).text
        for rid in cat.get("see_also", []):
            assert reference(rid).title
    assert set(rules["permissions"].values()) <= set(rules["categories"])
    assert set(rules["receiver_actions"].values()) <= set(rules["categories"])


_VALID = encode_axml(loan_app_manifest())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), max_size=8),
    st.integers(8, len(_VALID)),
)
def test_mutated_manifests_never_crash(mutations: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_VALID[:cut])
    for pos, val in mutations:
        if pos < len(data):
            data[pos] = val
    with contextlib.suppress(DunGuardError):
        parse_axml(bytes(data))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(DunGuardError):
        parse_axml(b"\x03\x00\x08\x00" + data)


def test_directory_is_not_an_apk(tmp_path: Path) -> None:
    with pytest.raises(DunGuardError):
        audit_apk(tmp_path)
