"""vCard import: conformance on the AOSP fixtures, Chinese phone exports, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunguard.errors import FormatError, HostileInputError
from dunguard.ingest.base import ParseContext, detect
from dunguard.ingest.vcard import IMPORTER, MAX_LINE_BYTES
from dunguard.records import ContactRecord

AOSP = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vcard" / "aosp_vcard_tests"

# file -> [(name, [TEL values])] for every card that has a name or a number
EXPECTED: dict[str, list[tuple[str, list[str]]]] = {
    "v21_adr_multiple_line.vcf": [("bogus", [])],
    "v21_android_custom_prop.vcf": [],
    "v21_backslash.vcf": [("A;B\\C;D:E\\\\", [])],
    "v21_base64_no_2_crlf.vcf": [("fullname", [])],
    "v21_blackberry_photo.vcf": [("boogie", ["+5555555", "+5555556"])],
    "v21_complicated.vcf": [
        ("Joe Due", ["(111) 555-1212", "(404) 555-1212", "0311111111", "0322222222", "0333333333"])
    ],
    "v21_im.vcf": [],
    "v21_invalid_comment_line.vcf": [("Conference Call", [])],
    "v21_invalid_multiple_line.vcf": [("Omega", [])],
    "v21_japanese_1.vcf": [("安藤ロイド", ["0300000000"])],
    "v21_japanese_2.vcf": [("安藤 ロイド 1", [])],
    "v21_japanese_3.vcf": [("伊能 圭一 伊予", [])],
    "v21_malformed_photo.vcf": [("fullname", [])],
    "v21_multiple_entry.vcf": [
        ("安藤ロイド3", ["9", "10", "11", "12"]),
        ("安藤ロイド4", ["13", "14", "15", "16"]),
        ("安藤ロイド5", ["17", "18", "19", "20"]),
    ],
    "v21_nest.vcf": [("nest1", []), ("nest2", []), ("parent", ["1"])],
    "v21_org_before_title.vcf": [("Normal Guy", [])],
    "v21_pref_handling.vcf": [("Smith", ["1", "2", "3"])],
    "v21_simple_1.vcf": [("Roid Ando", [])],
    "v21_simple_2.vcf": [("Ando Roid", [])],
    "v21_simple_3.vcf": [("Ando Roid", [])],
    "v21_sip.vcf": [("Android", [])],
    "v21_title_before_org.vcf": [("Nice Guy", [])],
    "v21_winmo_65.vcf": [("Example", [])],
    "v21_x_android_custom_after_photo.vcf": [("Roid Ando", [])],
    "v21_x_param.vcf": [("Roid Ando", ["1", "2"])],
    "v30_comma_separated.vcf": [("G M F", ["1"])],
    "v30_ios_613_multiline.vcf": [("Bob Smith", ["(650) 555-1212"])],
    "v30_japanese.vcf": [("伊能 圭一 伊予", [])],
    "v30_multibyte_param.vcf": [("G M F", ["1"])],
    "v30_pager.vcf": [("G M F", ["6101231234@pagersample.com"])],
    "v30_pause_wait.vcf": [("Pause Wait", ["p1234p5678w9"])],
    "v30_simple.vcf": [("And Roid", ["0300000000"])],
    "v30_sip.vcf": [("Android", [])],
    "v40_sip.vcf": [("安藤 ロイド", ["1"])],
    "v40_sort_as.vcf": [("安藤 ロイド", [])],
}


def _parse(path: Path) -> tuple[list[ContactRecord], ParseContext]:
    ctx = ParseContext(display_name=path.name)
    records = [r for r in IMPORTER.parse(path, ctx) if isinstance(r, ContactRecord)]
    return records, ctx


def _aosp(name: str) -> Path:
    path = AOSP / name
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def test_every_aosp_fixture_is_covered() -> None:
    if not AOSP.exists():
        pytest.skip(f"shared test data not available: {AOSP}")
    assert sorted(p.name for p in AOSP.glob("*.vcf")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_aosp_conformance_names_and_numbers(name: str) -> None:
    path = _aosp(name)
    assert detect(path).name == "vcard"
    records, ctx = _parse(path)
    assert [(r.name, r.numbers) for r in records] == EXPECTED[name]
    # a card without name and number is reported, never silently dropped
    assert ctx.skipped_count == (1 if not EXPECTED[name] else 0)


def test_aosp_tel_types_notes_and_org() -> None:
    (card,), _ = _parse(_aosp("v21_complicated.vcf"))
    assert card.organization == "Gump Shrimp Co. Sales Dept.;Manager Fish keeper"
    assert (
        card.note is not None
        and "Now's the time for all folk to come to the aid of their country." in card.note
    )
    assert card.extra["tel"][0] == {"value": "(111) 555-1212", "types": ["WORK", "VOICE"]}
    assert card.extra["has_photo"] is True


def test_aosp_ios_groups_and_sip_uri() -> None:
    (card,), _ = _parse(_aosp("v30_ios_613_multiline.vcf"))
    assert card.extra["emails"] == ["bob@smithauto.com"]
    (sip,), _ = _parse(_aosp("v40_sip.vcf"))
    assert sip.numbers == ["1"] and sip.extra["sip"] == ["sip:example@example.com"]


def test_chinese_android_quoted_printable_export(tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=B8=89;;;\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=B8=89\r\n"
        b"TEL;CELL:138 1234 5678\r\nTEL;HOME:010-12345678\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=88=91=E7=9A=84=\r\n=E5=A6=88=E5=A6=88\r\n"
        b"END:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9D=8E;=E5=9B=9B;;;\r\n"
        b"TEL;CELL:+86 139 0000 1111\r\nEND:VCARD\r\n"
    )
    records, _ = _parse(path)
    assert [(r.name, r.numbers) for r in records] == [
        ("张三", ["138 1234 5678", "010-12345678"]),
        ("李四", ["+86 139 0000 1111"]),
    ]
    assert records[0].note == "我的妈妈"


def test_gbk_raw_bytes_decoded_with_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "old_phone.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=GBK:" + "王;小明".encode("gbk") + b";;;\r\n"
        b"TEL;CELL:13700001111\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:" + "赵六".encode("gbk") + b"\r\nTEL:13700002222\r\nEND:VCARD\r\n"
    )
    records, _ = _parse(path)
    assert [(r.name, r.numbers) for r in records] == [("王小明", ["13700001111"]), ("赵六", ["13700002222"])]


def test_truncated_file_keeps_complete_cards_and_reports_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_bytes(b"BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\nBEGIN:VCARD\nFN:B\nTEL:2")
    records, ctx = _parse(path)
    assert [r.name for r in records] == ["A"]
    assert [(s.locator, s.reason) for s in ctx.skipped] == [
        ("card 2 (line 5)", "ingest_b.skip.vcard_unclosed")
    ]


def test_no_cards_is_a_format_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf"
    path.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        _parse(path)
    assert "notes.vcf" in str(err.value)


def test_hostile_endless_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.vcf"
    with path.open("wb") as fh:
        fh.write(b"BEGIN:VCARD\nNOTE:")
        fh.write(b"A" * (MAX_LINE_BYTES + 10))
    with pytest.raises(HostileInputError) as err:
        _parse(path)
    assert "line 2" in str(err.value)


_name = (
    st.text(alphabet=st.sampled_from(list("张王李赵小明红伟芳AbcXyz ")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
_number = st.from_regex(r"\+?[0-9]{3,15}", fullmatch=True)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cards=st.lists(
        st.tuples(_name, st.lists(_number, min_size=0, max_size=3, unique=True)), min_size=1, max_size=5
    ),
    qp=st.booleans(),
)
def test_generated_cards_round_trip(tmp_path: Path, cards: list[tuple[str, list[str]]], qp: bool) -> None:
    import binascii

    out = bytearray()
    for name, numbers in cards:
        out += b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        if qp:
            encoded = binascii.b2a_qp(name.encode("utf-8"), istext=False).replace(b"=\n", b"")
            # force soft line breaks every 20 bytes, as phones do
            chunks = [encoded[i : i + 20] for i in range(0, len(encoded), 20)]
            out += b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + b"=\r\n".join(chunks) + b"\r\n"
        else:
            out += b"FN:" + name.encode("utf-8") + b"\r\n"
        for number in numbers:
            out += b"TEL;CELL:" + number.encode() + b"\r\n"
        out += b"END:VCARD\r\n"
    path = tmp_path / "gen.vcf"
    path.write_bytes(bytes(out))
    records, _ = _parse(path)
    assert [(r.name, r.numbers) for r in records] == [(n, nums) for n, nums in cards]
