"""SMS Backup & Restore XML: conformance on the real backups, hostile and broken input."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunguard.errors import FormatError, HostileInputError
from dunguard.ingest.base import ParseContext, detect
from dunguard.ingest.sms_backup_restore import IMPORTER, _fix_surrogates, _Reader
from dunguard.records import CallStatus, Direction, EventKind, EventRecord

SBR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sms_backup_restore"
# the anonymised backup was made on a phone in US Pacific time: readable_date is its local clock
PHONE_ZONE = ZoneInfo("America/Los_Angeles")


def real(name: str) -> Path:
    path = SBR / name
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def parse(path: Path, **kw: object) -> tuple[list[EventRecord], ParseContext]:
    ctx = ParseContext(display_name=path.name, **kw)  # type: ignore[arg-type]
    records = [r for r in IMPORTER.parse(path, ctx) if isinstance(r, EventRecord)]
    return records, ctx


def readable_dates(path: Path) -> list[str]:
    """readable_date of every sms/mms in file order (a plain regex: independent of the importer)."""
    import re

    text = path.read_text(encoding="utf-8")
    return re.findall(r'<(?:sms|mms|call) [^>]*?readable_date="([^"]+)"', text)


@pytest.mark.parametrize(
    ("name", "sms", "mms", "incoming", "outgoing"),
    [
        ("devadvance_sms_small.xml", 12, 0, 8, 4),
        ("devadvance_sample_small.xml", 5, 2, 4, 3),
        ("devadvance_sample_mms.xml", 0, 4, 4, 0),
        ("devadvance_corrupt_attachments.xml", 0, 2, 2, 0),
        ("devadvance_empty.xml", 0, 0, 0, 0),
    ],
)
def test_real_backups_counts_and_directions(name: str, sms: int, mms: int, incoming: int, outgoing: int) -> None:
    path = real(name)
    assert detect(path).name == "sms_backup_restore"
    records, ctx = parse(path)
    kinds = Counter(r.kind for r in records)
    assert kinds[EventKind.SMS] == sms
    assert kinds[EventKind.MMS] == mms
    dirs = Counter(r.direction for r in records)
    assert dirs[Direction.IN] == incoming
    assert dirs[Direction.OUT] == outgoing
    assert ctx.skipped_count == 0


@pytest.mark.parametrize(
    "name", ["devadvance_sms_small.xml", "devadvance_sample_small.xml", "devadvance_sample_mms.xml"]
)
def test_every_timestamp_matches_the_phones_own_clock_to_the_second(name: str) -> None:
    path = real(name)
    records, _ = parse(path)
    shown = readable_dates(path)
    assert len(shown) == len(records)
    for rec, text in zip(records, shown, strict=True):
        local = rec.time_utc.astimezone(PHONE_ZONE)
        assert f"{local:%b} {local.day}, {local:%Y %H:%M:%S}" == text
        assert rec.time_utc.utcoffset() == dt.timedelta(0)
        assert rec.utc_offset_minutes == 480  # interpreted in the default phone zone, Asia/Shanghai


def test_first_message_exact_values() -> None:
    records, _ = parse(real("devadvance_sms_small.xml"))
    first = records[0]
    assert first.time_utc == dt.datetime(2017, 12, 2, 14, 49, 27, 463000, tzinfo=dt.UTC)
    assert first.time_raw == "1512226167463"
    assert first.counterpart_number == "+15550000001"
    assert first.counterpart_name == "Contact A"
    assert first.text == "Body text 1"
    assert first.extra["date_sent_ms"] == 1512226166000
    # '&#10;' newlines inside a body are kept
    assert records[9].text == "Body text 10\nBody text 11\nBody text 12"
    # literal "null" never becomes text, sent messages have date_sent=0 → absent
    assert "subject" not in first.extra
    assert "date_sent_ms" not in records[4].extra


def test_truncated_real_backup_imports_nothing_and_names_the_place() -> None:
    path = real("devadvance_sms_and_mms.xml")
    with pytest.raises(FormatError) as err:
        parse(path)
    assert err.value.params["line"] == 136
    assert err.value.params["column"] == 7
    assert err.value.params["records"] == 49
    msg = err.value.message("zh")
    assert "devadvance_sms_and_mms.xml" in msg and "136" in msg and "--salvage" in msg


def test_truncated_real_backup_salvage_keeps_complete_records() -> None:
    path = real("devadvance_sms_and_mms.xml")
    records, ctx = parse(path, salvage=True)
    assert len(records) == 49
    assert ctx.salvaged_at is not None and ctx.salvaged_at["line"] == 136
    kinds = Counter(r.kind for r in records)
    assert kinds == {EventKind.SMS: 41, EventKind.MMS: 8}
    # mms@date is ms, mms@date_sent is seconds
    mms = [r for r in records if r.kind is EventKind.MMS]
    assert mms[0].time_utc == dt.datetime(2024, 7, 14, 22, 53, 13, tzinfo=dt.UTC)
    assert mms[0].extra["date_sent_ms"] == 1720997593000
    # group chat: received from the 137 (from) address, the group id is the thread
    group_in = mms[2]
    assert group_in.direction is Direction.IN
    assert group_in.counterpart_number == "+15550000009"
    assert group_in.thread == "group_8@rcs.google.com"
    assert group_in.extra["members"] == ["+15550000006", "+15550000007", "+15550000009", "+15550000010"]
    # sent to the group
    assert mms[3].direction is Direction.OUT
    # image part: recorded with its hash, not as text
    att = mms[6].extra["attachments"][0]
    assert att["ct"] == "image/png" and att["bytes"] == 70 and len(att["sha256"]) == 64
    assert mms[6].text == "Body text 54"


def test_corrupt_attachment_is_reported_not_fatal() -> None:
    records, ctx = parse(real("devadvance_corrupt_attachments.xml"))
    assert [r.text for r in records] == [
        "MMS with corrupted base64 image data",
        "MMS with unsupported attachment type",
    ]
    assert records[0].extra["attachments"][0]["error"] == "invalid_base64"
    assert [n["key"] for n in ctx.notes] == ["ingest.mms.bad_attachment"] * 2


# --------------------------------------------------------------------------- hostile input


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE smses [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<smses count="1"><sms address="1" date="1512226167463" type="1" body="&lol3;" /></smses>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE smses [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<smses count="1"><sms address="1" date="1512226167463" type="1" body="&xxe;" /></smses>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE])
def test_dtd_and_entities_are_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "sms-evil.xml", text)
    with pytest.raises(HostileInputError) as err:
        parse(path)
    assert err.value.params["line"] == 2
    assert "DOCTYPE" in err.value.message("en")


def test_undeclared_entity_is_a_format_error_not_expansion(tmp_path: Path) -> None:
    path = write(tmp_path, "sms.xml", '<smses count="1"><sms address="1" date="1" type="1" body="&xxe;" /></smses>')
    with pytest.raises(FormatError):
        parse(path)


def test_garbage_after_root_start_is_a_format_error(tmp_path: Path) -> None:
    path = write(tmp_path, "sms.xml", '<smses count="1">\n<sms address="1" date="1512226167463" type="1" body="a" /><<<')
    with pytest.raises(FormatError) as err:
        parse(path)
    assert err.value.params["line"] == 2


# --------------------------------------------------------------------------- "store emojis"


def test_surrogate_pair_references_are_recovered(tmp_path: Path) -> None:
    body = "还钱&#55357;&#56832;！&#xD83D;&#xDE21;"
    path = write(
        tmp_path,
        "sms.xml",
        f'<smses count="1"><sms address="10086" date="1512226167463" type="1" body="{body}" /></smses>',
    )
    records, ctx = parse(path)
    assert records[0].text == "还钱😀！😡"
    assert [n["key"] for n in ctx.notes] == ["ingest.sbr.emoji_repaired"]


def test_lone_surrogate_becomes_replacement_character() -> None:
    assert _fix_surrogates(b"a&#55357;b") == b"a&#65533;b"
    assert _fix_surrogates(b"&#55000;") == b"&#55000;"  # a real Hangul syllable is left alone


@given(st.integers(min_value=1, max_value=40))
def test_surrogate_pairs_split_across_read_chunks(cut: int) -> None:
    data = ("x" * cut + "&#55357;&#56832;y" * 3).encode()

    class Tiny(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            return super().read(7)

    reader = _Reader(Tiny(data), ParseContext(display_name="t"))
    out = b""
    while chunk := reader.read(7):
        out += chunk
    assert out == ("x" * cut + "&#128512;y" * 3).encode()


# --------------------------------------------------------------------------- generated backups


SMS = st.fixed_dictionaries(
    {
        "address": st.sampled_from(["13800138000", "+8617012345678", "95588", "1069012345", "-2"]),
        "date": st.integers(min_value=1_000_000_000_000, max_value=2_000_000_000_000),
        "type": st.sampled_from([1, 2]),
        "body": st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\n\t&<>\"'"),
            max_size=60,
        ),
    }
)
CALL = st.fixed_dictionaries(
    {
        "number": st.sampled_from(["13800138000", "", "-1", "400-800-8888"]),
        "date": st.integers(min_value=1_000_000_000_000, max_value=2_000_000_000_000),
        "type": st.sampled_from([1, 2, 3, 4, 5, 6, 7]),
        "duration": st.integers(min_value=0, max_value=100_000),
    }
)


def _xml_attr(value: str) -> str:
    return quoteattr(value, {"\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SMS, max_size=15), st.lists(CALL, max_size=15))
def test_generated_backups_round_trip(tmp_path: Path, smses: list[dict[str, object]], calls: list[dict[str, object]]) -> None:
    lines = [f'<smses count="{len(smses)}">']
    for m in smses:
        lines.append(
            f'<sms protocol="0" address="{m["address"]}" date="{m["date"]}" type="{m["type"]}" subject="null" '
            f'body={_xml_attr(str(m["body"]))} read="1" readable_date="x" contact_name="(Unknown)" />'
        )
    lines.append("</smses>")
    sms_path = write(tmp_path, "sms-gen.xml", "\n".join(lines))
    got, ctx = parse(sms_path)
    assert len(got) == len(smses) and ctx.notes == []
    for rec, m in zip(got, smses, strict=True):
        assert rec.kind is EventKind.SMS
        # the app writes an absent value as the literal text "null" (documented quirk)
        assert rec.text == (None if m["body"] == "null" else m["body"])
        assert rec.counterpart_number == m["address"]
        assert rec.time_utc == dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=int(str(m["date"])))
        assert rec.direction is (Direction.IN if m["type"] == 1 else Direction.OUT)

    clines = [f'<calls count="{len(calls)}">']
    for c in calls:
        clines.append(
            f'<call number="{c["number"]}" duration="{c["duration"]}" date="{c["date"]}" type="{c["type"]}" '
            f'presentation="1" readable_date="x" contact_name="(Unknown)" />'
        )
    clines.append("</calls>")
    calls_path = write(tmp_path, "calls-gen.xml", "\n".join(clines))
    got_calls, _ = parse(calls_path)
    assert len(got_calls) == len(calls)
    expected_status = {1: CallStatus.ANSWERED, 2: CallStatus.OUTGOING, 3: CallStatus.MISSED, 4: CallStatus.VOICEMAIL,
                       5: CallStatus.REJECTED, 6: CallStatus.BLOCKED, 7: CallStatus.ANSWERED}
    for rec, c in zip(got_calls, calls, strict=True):
        assert rec.kind is EventKind.CALL
        assert rec.duration_s == c["duration"]
        assert rec.call_status is expected_status[int(str(c["type"]))]
        assert rec.direction is (Direction.OUT if c["type"] == 2 else Direction.IN)


def test_drafts_are_skipped_with_a_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sms.xml",
        '<smses count="2"><sms address="1" date="1512226167463" type="3" body="draft" />'
        '<sms address="1" date="nonsense" type="1" body="x" /></smses>',
    )
    records, ctx = parse(path)
    assert records == []
    assert [s.reason for s in ctx.skipped] == ["ingest.skip.draft", "ingest.skip.bad_time"]
    assert ctx.skipped[0].locator.startswith("sms[1]")


def test_sniff_uses_content_not_extension(tmp_path: Path) -> None:
    real_backup = write(tmp_path, "backup.txt", '<?xml version="1.0"?>\n<smses count="0"></smses>')
    assert IMPORTER.sniff(real_backup, real_backup.read_bytes()) > 0.9
    impostor = write(tmp_path, "sms-2024.xml", "<html><body>smses</body></html>")
    assert IMPORTER.sniff(impostor, impostor.read_bytes()) == 0.0


def test_control_character_references_do_not_break_the_backup(tmp_path: Path) -> None:
    body = "验证码&#27;[1m1234&#0;&#x1F;&#10;end&#9;&#65535;"
    path = write(
        tmp_path,
        "sms.xml",
        f'<smses count="1"><sms address="10086" date="1512226167463" type="1" body="{body}" /></smses>',
    )
    records, _ = parse(path)
    assert records[0].text == "验证码\ufffd[1m1234\ufffd\ufffd\nend\t\ufffd"


def test_mms_attachments_become_derived_files() -> None:
    from dunguard.records import DerivedRecord

    path = real("devadvance_sample_mms.xml")
    ctx = ParseContext(display_name=path.name)
    out = list(IMPORTER.parse(path, ctx))
    files = [r for r in out if isinstance(r, DerivedRecord)]
    events = [r for r in out if isinstance(r, EventRecord)]
    assert [f.media_type for f in files] == ["image/png", "video/mp4", "audio/mp3", "application/pdf"]
    assert files[0].data.startswith(b"\x89PNG")
    assert files[3].data.startswith(b"%PDF")
    # each event names its attachment by the same hash as the derived file
    import hashlib

    for f, e in zip(files, events, strict=True):
        assert e.extra["attachments"][0]["sha256"] == hashlib.sha256(f.data).hexdigest()
        assert f.extra["locator"] == e.locator
