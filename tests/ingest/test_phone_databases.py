"""Android and iOS databases: built here with the real schemas, plus the real iOS AddressBooks."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunguard.errors import FormatError
from dunguard.ingest.android_calllog import IMPORTER as CALLLOG
from dunguard.ingest.android_contacts import IMPORTER as CONTACTS2
from dunguard.ingest.android_mmssms import IMPORTER as MMSSMS
from dunguard.ingest.base import ParseContext, companions_of, detect
from dunguard.ingest.ios_addressbook import IMPORTER as ADDRESSBOOK
from dunguard.ingest.ios_callhistory import IMPORTER as CALLHISTORY
from dunguard.ingest.ios_sms import IMPORTER as IOS_SMS
from dunguard.ingest.ios_sms import decode_attributed_body
from dunguard.records import CallStatus, ContactRecord, Direction, EventKind, EventRecord

IOS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ios"
APPLE = 978_307_200


def ctx_for(path: Path, **kw: object) -> ParseContext:
    return ParseContext(display_name=path.name, companions=companions_of(path), **kw)  # type: ignore[arg-type]


def events(importer: object, path: Path) -> list[EventRecord]:
    return [r for r in importer.parse(path, ctx_for(path)) if isinstance(r, EventRecord)]  # type: ignore[attr-defined]


Rows = list[tuple[str, tuple[object, ...]]]


def build(path: Path, script: str, rows: Rows, wal_rows: Rows | None = None) -> Path:
    """Create a database; ``wal_rows`` are written after a checkpoint and left only in the WAL."""
    conn = sqlite3.connect(path)
    conn.executescript(script)
    for sql, params in rows:
        conn.execute(sql, params)
    conn.commit()
    if wal_rows:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for sql, params in wal_rows:
            conn.execute(sql, params)
        conn.commit()
        # keep the WAL: copy the three files while the writer is still open (as on a live phone)
        snap = path.parent / "snapshot"
        snap.mkdir()
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(str(path) + suffix, snap / (path.name + suffix))
        conn.close()
        return snap / path.name
    conn.close()
    return path


# --------------------------------------------------------------------------- Android mmssms.db

MMSSMS_SCHEMA = """
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER,
  reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0,
  sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0, creator TEXT, seen INTEGER DEFAULT 0);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0,
  msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, ct_l TEXT, exp INTEGER,
  m_cls TEXT, m_type INTEGER, v INTEGER, m_size INTEGER, pri INTEGER, rr INTEGER, rpt_a INTEGER, resp_st INTEGER,
  st INTEGER, tr_id TEXT, retr_st INTEGER, retr_txt TEXT, retr_txt_cs INTEGER, read_status INTEGER, ct_cls INTEGER,
  resp_txt TEXT, d_tm INTEGER, d_rpt INTEGER, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1,
  seen INTEGER DEFAULT 0, creator TEXT, text_only INTEGER DEFAULT 0);
CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT, chset INTEGER,
  cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
  charset INTEGER);
CREATE TABLE threads (_id INTEGER PRIMARY KEY, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0,
  recipient_ids TEXT, snippet TEXT);
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY, address TEXT);
"""

SMS_INSERT = "INSERT INTO sms (_id, thread_id, address, date, date_sent, type, body, service_center) VALUES (?,?,?,?,?,?,?,?)"


@pytest.fixture
def mmssms(tmp_path: Path) -> Path:
    rows = [
        (SMS_INSERT, (1, 1, "17012345678", 1714521600123, 1714521599000, 1, "【某贷】今天18点前不还款就通知你全部联系人", "+8613800100500")),
        (SMS_INSERT, (2, 1, "17012345678", 1714521700000, 0, 2, "我在筹钱", None)),
        (SMS_INSERT, (3, 2, "1069000000", 1714521800000, 0, 3, "草稿", None)),
        ("INSERT INTO pdu (_id, thread_id, date, date_sent, msg_box, m_type, sub) VALUES (?,?,?,?,?,?,?)",
         (10, 3, 1714522000, 1714521990, 1, 132, None)),
        ("INSERT INTO part (mid, seq, ct, text) VALUES (?,?,?,?)", (10, -1, "application/smil", "<smil/>")),
        ("INSERT INTO part (mid, seq, ct, text) VALUES (?,?,?,?)", (10, 0, "text/plain", "看看你的照片")),
        ("INSERT INTO part (mid, seq, ct, cl) VALUES (?,?,?,?)", (10, 1, "image/jpeg", "img.jpg")),
        ("INSERT INTO addr (msg_id, address, type) VALUES (?,?,?)", (10, "16512345678", 137)),
        ("INSERT INTO addr (msg_id, address, type) VALUES (?,?,?)", (10, "insert-address-token", 151)),
    ]
    wal = [(SMS_INSERT, (4, 1, "17012345678", 1714600000000, 1714599999000, 1, "只在WAL里的短信", None))]
    return build(tmp_path / "mmssms.db", MMSSMS_SCHEMA, rows, wal)


def test_mmssms_sms_mms_and_wal_only_rows(mmssms: Path) -> None:
    assert detect(mmssms).name == "android_mmssms"
    ctx = ctx_for(mmssms)
    recs = [r for r in MMSSMS.parse(mmssms, ctx) if isinstance(r, EventRecord)]
    assert [(r.kind, r.direction, r.text) for r in recs] == [
        (EventKind.SMS, Direction.IN, "【某贷】今天18点前不还款就通知你全部联系人"),
        (EventKind.SMS, Direction.OUT, "我在筹钱"),
        (EventKind.SMS, Direction.IN, "只在WAL里的短信"),  # found only because the WAL was read
        (EventKind.MMS, Direction.IN, "看看你的照片"),
    ]
    first = recs[0]
    assert first.time_utc == dt.datetime(2024, 5, 1, 0, 0, 0, 123000, tzinfo=dt.UTC)
    assert first.counterpart_number == "17012345678"
    assert first.extra["date_sent_ms"] == 1714521599000
    mms = recs[3]
    assert mms.time_utc == dt.datetime(2024, 5, 1, 0, 6, 40, tzinfo=dt.UTC)  # pdu.date is seconds
    assert mms.counterpart_number == "16512345678"
    assert mms.extra["attachments"] == [{"ct": "image/jpeg", "name": "img.jpg"}]
    assert [s.reason for s in ctx.skipped] == ["ingest.skip.draft"]


def test_mmssms_original_files_are_not_modified(mmssms: Path) -> None:
    before = {p.name: p.read_bytes() for p in mmssms.parent.iterdir()}
    list(MMSSMS.parse(mmssms, ctx_for(mmssms)))
    after = {p.name: p.read_bytes() for p in mmssms.parent.iterdir()}
    assert before == after


def test_vendor_variant_without_optional_columns(tmp_path: Path) -> None:
    path = build(
        tmp_path / "mmssms.db",
        "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT);"
        "CREATE TABLE threads (_id INTEGER PRIMARY KEY);",
        [("INSERT INTO sms VALUES (?,?,?,?,?)", (1, "95588", 1714521600000, 1, "您的账户"))],
    )
    recs = events(MMSSMS, path)
    assert len(recs) == 1 and recs[0].counterpart_number == "95588"


# --------------------------------------------------------------------------- Android calllog.db

CALLS_SCHEMA = """
CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, presentation INTEGER NOT NULL DEFAULT 1,
  post_dial_digits TEXT NOT NULL DEFAULT '', via_number TEXT NOT NULL DEFAULT '', date INTEGER, duration INTEGER,
  data_usage INTEGER, type INTEGER, features INTEGER NOT NULL DEFAULT 0, subscription_component_name TEXT,
  subscription_id TEXT, phone_account_address TEXT, phone_account_hidden INTEGER NOT NULL DEFAULT 0,
  sub_id INTEGER DEFAULT -1, new INTEGER, name TEXT, numbertype INTEGER, numberlabel TEXT, countryiso TEXT,
  voicemail_uri TEXT, is_read INTEGER, geocoded_location TEXT, lookup_uri TEXT, matched_number TEXT,
  normalized_number TEXT, photo_id INTEGER NOT NULL DEFAULT 0, photo_uri TEXT, formatted_number TEXT,
  block_reason INTEGER NOT NULL DEFAULT 0, missed_reason INTEGER NOT NULL DEFAULT 0);
"""
CALL_INSERT = ("INSERT INTO calls (number, presentation, date, duration, type, subscription_id, name, countryiso, "
               "geocoded_location, normalized_number) VALUES (?,?,?,?,?,?,?,?,?,?)")


def test_calllog_types_and_the_real_row(tmp_path: Path) -> None:
    rows = [
        # the real row quoted in FORMATS.md §2.2
        (CALL_INSERT, ("+916382372387", 1, 1768411227699, 53, 1, "1", "BEN", "IN", "India", None)),
        (CALL_INSERT, ("17012345678", 1, 1768411300000, 0, 3, "1", None, "CN", "中国", "+8617012345678")),
        (CALL_INSERT, ("17012345678", 1, 1768411400000, 0, 5, "1", None, "CN", None, None)),
        (CALL_INSERT, ("13800138000", 1, 1768411500000, 12, 2, "1", "妈妈", "CN", None, None)),
        (CALL_INSERT, ("", 2, 1768411600000, 0, 6, "1", None, "CN", None, None)),
    ]
    path = build(tmp_path / "calllog.db", CALLS_SCHEMA, rows)
    assert detect(path).name == "android_calllog"
    recs = events(CALLLOG, path)
    assert [(r.direction, r.call_status, r.duration_s) for r in recs] == [
        (Direction.IN, CallStatus.ANSWERED, 53),
        (Direction.IN, CallStatus.MISSED, 0),
        (Direction.IN, CallStatus.REJECTED, 0),
        (Direction.OUT, CallStatus.OUTGOING, 12),
        (Direction.IN, CallStatus.BLOCKED, 0),
    ]
    ben = recs[0]
    assert ben.time_utc == dt.datetime(2026, 1, 14, 17, 20, 27, 699000, tzinfo=dt.UTC)
    assert ben.counterpart_name == "BEN" and ben.counterpart_number == "+916382372387"
    assert ben.extra["geocoded_location"] == "India"
    assert recs[4].extra["presentation"] == "restricted"


# --------------------------------------------------------------------------- Android contacts2.db

CONTACTS2_SCHEMA = """
CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY AUTOINCREMENT, mimetype TEXT NOT NULL);
CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, deleted INTEGER NOT NULL DEFAULT 0,
  display_name TEXT, display_name_alt TEXT, contact_id INTEGER);
CREATE TABLE data (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER, mimetype_id INTEGER NOT NULL,
  raw_contact_id INTEGER NOT NULL, is_primary INTEGER NOT NULL DEFAULT 0, data1 TEXT, data2 TEXT, data3 TEXT,
  data4 TEXT, data5 TEXT);
INSERT INTO mimetypes (_id, mimetype) VALUES (1, 'vnd.android.cursor.item/name'),
  (5, 'vnd.android.cursor.item/phone_v2'), (6, 'vnd.android.cursor.item/organization');
"""


def test_contacts2_people_with_numbers(tmp_path: Path) -> None:
    data = "INSERT INTO data (mimetype_id, raw_contact_id, data1, data2, data3) VALUES (?,?,?,?,?)"
    rows = [
        ("INSERT INTO raw_contacts (_id, display_name) VALUES (?, ?)", (1, "妈妈")),
        ("INSERT INTO raw_contacts (_id, display_name, deleted) VALUES (?, ?, ?)", (2, "张三", 1)),
        (data, (1, 1, "妈妈", None, None)),
        (data, (5, 1, "138 0013 8000", "2", None)),
        (data, (5, 1, "010-12345678", "1", None)),
        (data, (5, 2, "+86 139 1234 5678", "0", "老同学")),
        (data, (6, 2, "某某公司", None, None)),
    ]
    path = build(tmp_path / "contacts2.db", CONTACTS2_SCHEMA, rows)
    assert detect(path).name == "android_contacts"
    recs = [r for r in CONTACTS2.parse(path, ctx_for(path)) if isinstance(r, ContactRecord)]
    assert [(r.name, r.numbers) for r in recs] == [
        ("妈妈", ["138 0013 8000", "010-12345678"]),
        ("张三", ["+86 139 1234 5678"]),
    ]
    assert recs[0].extra["labels"] == ["mobile", "home"]
    assert recs[1].extra == {"labels": ["老同学"], "deleted": True}
    assert recs[1].organization == "某某公司"


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "mmssms.db"
    good = build(tmp_path / "g.db", MMSSMS_SCHEMA, [(SMS_INSERT, (1, 1, "1", 1, 0, 1, "x", None))])
    data = bytearray(good.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(FormatError) as err:
        list(MMSSMS.parse(path, ctx_for(path)))
    assert err.value.key == "ingest.db.corrupt" and "mmssms.db" in err.value.message("zh")


# --------------------------------------------------------------------------- iOS sms.db

IOS_SMS_SCHEMA = """
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER,
  account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, display_name TEXT);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT,
  attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT,
  error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
  is_finished INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0,
  cache_roomnames TEXT, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
  PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, filename TEXT);
"""


def typedstream(text: str) -> bytes:
    """An attributedBody blob as iOS writes it (enough of the typedstream for the decoder)."""
    raw = text.encode("utf-8")
    length = bytes([len(raw)]) if len(raw) < 128 else b"\x81" + len(raw).to_bytes(2, "little")
    return (b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject"
            b"\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+" + length + raw + b"\x86\x84\x02iI\x01")


def test_attributed_body_decoding() -> None:
    assert decode_attributed_body(typedstream("你好")) == "你好"
    long = "催" * 200
    assert decode_attributed_body(typedstream(long)) == long
    assert decode_attributed_body(b"garbage") is None
    assert decode_attributed_body(None) is None


def test_ios_sms_messages_groups_and_skips(tmp_path: Path) -> None:
    ns = 1_000_000_000
    t0 = (1714521600 - APPLE) * ns  # 2024-05-01T00:00:00Z in Apple nanoseconds
    msg = ("INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, service, date, is_from_me, item_type, "
           "associated_message_type) VALUES (?,?,?,?,?,?,?,?,?,?)")
    rows = [
        ("INSERT INTO handle (ROWID, id, service) VALUES (?,?,?)", (1, "+8617012345678", "SMS")),
        ("INSERT INTO handle (ROWID, id, service) VALUES (?,?,?)", (2, "+8613800138000", "iMessage")),
        ("INSERT INTO chat (ROWID, guid, chat_identifier) VALUES (?,?,?)", (1, "SMS;-;+8617012345678", "+8617012345678")),
        ("INSERT INTO chat (ROWID, guid, chat_identifier, display_name) VALUES (?,?,?,?)", (2, "iMessage;+;chat1", "chat1", "家人")),
        ("INSERT INTO chat_handle_join VALUES (?,?)", (1, 1)),
        ("INSERT INTO chat_handle_join VALUES (?,?)", (2, 1)),
        ("INSERT INTO chat_handle_join VALUES (?,?)", (2, 2)),
        (msg, (1, "g1", "还钱", None, 1, "SMS", t0, 0, 0, 0)),
        (msg, (2, "g2", None, typedstream("马上还"), 1, "SMS", t0 + 60 * ns, 1, 0, 0)),
        (msg, (3, "g3", "Loved “还钱”", None, 1, "SMS", t0 + 61 * ns, 1, 0, 2000)),
        (msg, (4, "g4", None, None, 0, "iMessage", t0 + 62 * ns, 1, 2, 0)),
        (msg, (5, "g5", "你欠钱了？", None, 2, "iMessage", t0 + 120 * ns, 0, 0, 0)),
        (msg, (6, "g6", "没事", None, 0, "iMessage", 1714521780 - APPLE, 1, 0, 0)),  # seconds (old iOS)
    ]
    for mid, cid in ((1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2)):
        rows.append(("INSERT INTO chat_message_join (chat_id, message_id) VALUES (?,?)", (cid, mid)))
    path = build(tmp_path / "sms.db", IOS_SMS_SCHEMA, rows)
    assert detect(path).name == "ios_sms"
    ctx = ctx_for(path)
    recs = sorted((r for r in IOS_SMS.parse(path, ctx) if isinstance(r, EventRecord)), key=lambda r: r.time_utc)
    assert [(r.kind, r.direction, r.counterpart_number, r.text) for r in recs] == [
        (EventKind.SMS, Direction.IN, "+8617012345678", "还钱"),
        (EventKind.SMS, Direction.OUT, "+8617012345678", "马上还"),
        (EventKind.CHAT, Direction.IN, "+8613800138000", "你欠钱了？"),
        (EventKind.CHAT, Direction.OUT, "+8617012345678~+8613800138000", "没事"),
    ]
    assert recs[0].time_utc == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    assert recs[3].time_utc == dt.datetime(2024, 5, 1, 0, 3, tzinfo=dt.UTC)
    assert recs[2].thread == "chat1" and recs[2].extra["chat_name"] == "家人"
    assert sorted(s.reason for s in ctx.skipped) == ["ingest.skip.system", "ingest.skip.tapback"]
    # the message GUID is the stable record id that keeps equal messages apart in the dedup key
    assert [r.extra["source_msg_id"] for r in recs] == ["ios:g1", "ios:g2", "ios:g5", "ios:g6"]


# --------------------------------------------------------------------------- iOS CallHistory

CALLHISTORY_SCHEMA = """
CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,
  ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZNUMBER_AVAILABILITY INTEGER,
  ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR,
  ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
"""


def test_ios_call_history(tmp_path: Path) -> None:
    ins = ("INSERT INTO ZCALLRECORD (Z_PK, ZANSWERED, ZCALLTYPE, ZORIGINATED, ZDATE, ZDURATION, ZADDRESS, "
           "ZISO_COUNTRY_CODE, ZSERVICE_PROVIDER) VALUES (?,?,?,?,?,?,?,?,?)")
    base = 1714521600 - APPLE
    rows = [
        (ins, (1, 0, 1, 0, base + 0.5, 0.0, "17012345678", "cn", "com.apple.Telephony")),
        (ins, (2, 1, 1, 0, base + 60, 42.6, b"+8613800138000", "cn", "com.apple.Telephony")),
        (ins, (3, 0, 1, 1, base + 120, 0.0, "17012345678", "cn", "com.apple.Telephony")),
        (ins, (4, 1, 16, 1, base + 180, 10.0, "someone@icloud.com", None, "com.apple.FaceTime")),
    ]
    path = build(tmp_path / "CallHistory.storedata", CALLHISTORY_SCHEMA, rows)
    assert detect(path).name == "ios_callhistory"
    recs = events(CALLHISTORY, path)
    assert [(r.direction, r.call_status, r.duration_s, r.counterpart_number, r.channel) for r in recs] == [
        (Direction.IN, CallStatus.MISSED, 0, "17012345678", "call"),
        (Direction.IN, CallStatus.ANSWERED, 43, "+8613800138000", "call"),
        (Direction.OUT, CallStatus.OUTGOING, 0, "17012345678", "call"),
        (Direction.OUT, CallStatus.OUTGOING, 10, "someone@icloud.com", "facetime_audio"),
    ]
    assert recs[0].time_utc == dt.datetime(2024, 5, 1, 0, 0, 0, 500000, tzinfo=dt.UTC)
    assert recs[0].utc_offset_minutes == 480


# --------------------------------------------------------------------------- real iOS AddressBook


def unpack_addressbook(zip_name: str, dest: Path) -> Path:
    """Copy db + wal + shm together out of the zip (never open the original in place)."""
    src = IOS / zip_name
    if not src.exists():
        pytest.skip(f"shared test data not available: {src}")
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            name = Path(info.filename).name
            if name.startswith("AddressBook.sqlitedb"):
                (dest / name).write_bytes(zf.read(info))
    return dest / "AddressBook.sqlitedb"


def contacts(path: Path) -> list[ContactRecord]:
    return [r for r in ADDRESSBOOK.parse(path, ctx_for(path)) if isinstance(r, ContactRecord)]


def test_real_ios15_addressbook(tmp_path: Path) -> None:
    path = unpack_addressbook("ileapp_testdata.addressBook.josh_ios15_ffs.zip", tmp_path)
    assert detect(path).name == "ios_addressbook"
    got = contacts(path)
    assert len(got) == 9
    by_name: dict[str, list[str]] = {}
    for c in got:
        by_name.setdefault(c.name, []).extend(c.numbers)
    assert by_name["Josh Hickman"] == ["(919) 579-0479", "(919) 391-2507"]
    assert by_name["Liz"] == ["+1 (919) 208-4530"]
    assert by_name["Apple Inc."] == ["1-800-MY-APPLE"]
    assert by_name["Thom De'Fer"] == ["(919) 802-7080"]
    assert by_name["This Is DFIR Two"] == ["(919) 888-7386", "(919) 888-7386"]  # two cards, same number
    josh = next(c for c in got if c.name == "Josh Hickman")
    assert josh.extra["labels"] == ["Mobile", "TextNow"]
    assert josh.extra["emails"] == ["joshuahickman957@gmail.com"]
    assert josh.extra["created"] == "2023-04-24T17:59:55+00:00"


def test_real_addressbook_whose_records_live_only_in_the_wal(tmp_path: Path) -> None:
    path = unpack_addressbook("ileapp_testdata.addressBook.belkasoft_ctf6_ios_device1.zip", tmp_path)
    # without its WAL the main file has no tables at all
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(path, alone / path.name)
    conn = sqlite3.connect(alone / path.name)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    conn.close()
    got = contacts(path)
    assert [(c.name, c.numbers, c.extra.get("emails")) for c in got] == [
        ("William Phorger", [], ["billthemegakill@icloud.com"])
    ]


def test_chinese_names_read_family_name_first() -> None:
    from dunguard.ingest.ios_addressbook import clean_label, display_name

    assert display_name("三", "张") == "张三"
    assert display_name("Josh", "Hickman") == "Josh Hickman"
    assert display_name(None, None) == ""
    assert clean_label("_$!<Mobile>!$_") == "Mobile"
    assert clean_label("TextNow") == "TextNow"


SMS_ROW = st.fixed_dictionaries(
    {
        "address": st.sampled_from(["13800138000", "+8617012345678", "95588", "1069012345"]),
        "date": st.integers(min_value=1_000_000_000_000, max_value=2_000_000_000_000),
        "type": st.sampled_from([1, 2, 4, 5, 6]),
        "body": st.one_of(st.none(), st.text(max_size=40)),
    }
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SMS_ROW, max_size=12))
def test_generated_mmssms_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, object]]) -> None:
    path = tmp_path_factory.mktemp("gen") / "mmssms.db"
    build(path, MMSSMS_SCHEMA, [
        ("INSERT INTO sms (_id, address, date, type, body) VALUES (?,?,?,?,?)",
         (i + 1, r["address"], r["date"], r["type"], r["body"]))
        for i, r in enumerate(rows)
    ])
    got = events(MMSSMS, path)
    expected = sorted(enumerate(rows), key=lambda ir: (ir[1]["date"], ir[0]))  # type: ignore[index]
    assert len(got) == len(rows)
    for rec, (_i, r) in zip(got, expected, strict=True):
        assert rec.text == r["body"]
        assert rec.counterpart_number == r["address"]
        assert rec.time_utc == dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=int(str(r["date"])))
        assert rec.direction is (Direction.IN if r["type"] == 1 else Direction.OUT)
