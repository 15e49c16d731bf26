"""The import pipeline: vault + events + parties, idempotent, transactional, with reports."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from dunguard.cases import create_case
from dunguard.home import Home
from dunguard.ingest.models import NumberInfo
from dunguard.ingest.pipeline import dedup_key, import_paths
from dunguard.ingest.query import list_events, parse_since
from dunguard.models import Event, Evidence, LedgerEntry, Party, Phone

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def real(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def counts(home: Home, case_id: str) -> tuple[int, int, int, int]:
    with home.store.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Event).where(Event.case_id == case_id)) or 0,
            s.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case_id)) or 0,
            s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id)) or 0,
            s.scalar(select(func.count()).select_from(Party).where(Party.case_id == case_id)) or 0,
        )


def ledger_actions(home: Home, case_id: str) -> list[str]:
    with home.store.session() as s:
        return list(s.scalars(select(LedgerEntry.action).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.seq)))


def test_import_real_backup_and_reimport_adds_nothing(home: Home) -> None:
    case = create_case(home, "测试")
    src = real("sms_backup_restore", "devadvance_sms_small.xml")
    report = import_paths(home, case.id, [src])
    (f,) = report.files
    assert f.status == "imported" and f.format == "sms_backup_restore"
    assert f.parsed == {"sms": 12} and f.inserted == 12 and f.duplicates == 0
    assert f.first_time == "2017-12-02T14:49:27.463000+00:00"
    assert f.last_time == "2017-12-02T18:10:45.524000+00:00"
    before = counts(home, case.id)
    assert before[:2] == (12, 1)

    again = import_paths(home, case.id, [src]).files[0]
    assert again.inserted == 0 and again.duplicates == 12 and not again.new_original
    after = counts(home, case.id)
    assert after[:2] == before[:2]  # nothing added
    assert ledger_actions(home, case.id)[-2:] == ["resubmit", "reimport"]  # but the re-import is noted


def test_overlapping_later_backup_adds_only_new_events(home: Home) -> None:
    case = create_case(home, "测试")
    import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sms_small.xml")])
    report = import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sms_and_mms.xml")], salvage=True)
    (f,) = report.files
    assert f.duplicates == 12 and f.inserted == 37
    assert f.salvaged is not None and f.salvaged["records"] == 49
    assert counts(home, case.id)[0] == 49


def test_truncated_backup_leaves_the_case_unchanged(home: Home) -> None:
    case = create_case(home, "测试")
    before = counts(home, case.id)
    vault_before = sorted(p.name for p in home.case_dir(case.id).rglob("*") if p.is_file())
    report = import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sms_and_mms.xml")])
    (f,) = report.files
    assert f.status == "failed"
    assert f.error is not None and f.error["key"] == "ingest.xml.broken"
    assert "136" in f.error["message"]
    assert counts(home, case.id) == before
    vault_after = sorted(p.name for p in home.case_dir(case.id).rglob("*") if p.is_file())
    assert vault_after == vault_before


def test_unknown_format_lists_supported_formats(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01\x02 nothing we know")
    (f,) = import_paths(home, case.id, [odd]).files
    assert f.status == "failed"
    assert f.error is not None and f.error["key"] == "ingest.format.unsupported"
    assert "sms_backup_restore" in f.error["message"] and "ios_addressbook" in f.error["message"]


def test_empty_file_is_a_clear_error(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    empty = tmp_path / "sms.xml"
    empty.write_bytes(b"")
    (f,) = import_paths(home, case.id, [empty]).files
    assert f.status == "failed" and f.error is not None and f.error["key"] == "ingest.file.empty"


def test_hostile_xml_is_refused_and_nothing_changes(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    before = counts(home, case.id)
    evil = tmp_path / "sms.xml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                    '<smses count="1"><sms address="1" date="1" type="1" body="&x;"/></smses>')
    (f,) = import_paths(home, case.id, [evil]).files
    assert f.status == "failed" and f.error is not None and f.error["key"] == "ingest.xml.hostile"
    assert counts(home, case.id) == before


def test_corrupt_database_is_reported_and_case_unchanged(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    db = tmp_path / "calllog.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE calls (_id INTEGER PRIMARY KEY, number TEXT, date INTEGER, duration INTEGER, type INTEGER)")
    conn.executemany("INSERT INTO calls (number, date, duration, type) VALUES (?,?,?,?)",
                     [("17012345678", 1714521600000 + i, 0, 3) for i in range(2000)])
    conn.commit()
    conn.close()
    data = bytearray(db.read_bytes())
    data[4096 + 8 : 4096 * 3] = b"\x07" * (4096 * 3 - 4096 - 8)  # damage table pages, keep the schema
    db.write_bytes(bytes(data))
    before = counts(home, case.id)
    (f,) = import_paths(home, case.id, [db]).files
    assert f.status == "failed"
    assert f.error is not None and f.error["key"] == "ingest.db.corrupt"
    assert "calllog.db" in f.error["message"]
    assert counts(home, case.id) == before


def test_zip_of_ios_addressbook_with_wal(home: Home) -> None:
    case = create_case(home, "测试")
    report = import_paths(home, case.id, [real("ios", "ileapp_testdata.addressBook.belkasoft_ctf6_ios_device1.zip")])
    statuses = [(f.name.rsplit("/", 1)[-1], f.status, f.format) for f in report.files]
    assert statuses[0][1:] == ("container", "zip")
    assert ("AddressBook.sqlitedb", "imported", "ios_addressbook") in statuses
    assert ("AddressBookImages.sqlitedb", "unrecognised", None) in statuses
    assert not report.failed
    with home.store.session() as s:
        names = list(s.scalars(select(Party.name).where(Party.case_id == case.id, Party.role == "contact")))
        formats = sorted(s.scalars(select(Evidence.format).where(Evidence.case_id == case.id)))
    assert names == ["William Phorger"]
    # the WAL and SHM are kept beside the database as originals too
    assert formats == ["ios_addressbook", "ios_addressbook:companion", "ios_addressbook:companion", "zip"]


def test_contacts_name_the_numbers_seen_in_events(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    sms = tmp_path / "sms.xml"
    sms.write_text(
        '<smses count="2">'
        '<sms address="+86 138 0013 8000" date="1714521600000" type="1" body="妈：你还好吗" contact_name="(Unknown)"/>'
        '<sms address="17012345678" date="1714521700000" type="1" body="不还钱就爆通讯录" contact_name="(Unknown)"/>'
        "</smses>",
        encoding="utf-8",
    )
    import_paths(home, case.id, [sms])
    book = tmp_path / "contacts2.db"
    conn = sqlite3.connect(book)
    conn.executescript(
        "CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY, mimetype TEXT);"
        "CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, display_name TEXT, deleted INTEGER DEFAULT 0);"
        "CREATE TABLE data (_id INTEGER PRIMARY KEY, mimetype_id INTEGER, raw_contact_id INTEGER, data1 TEXT,"
        " data2 TEXT, data3 TEXT);"
        "INSERT INTO mimetypes VALUES (5, 'vnd.android.cursor.item/phone_v2');"
        "INSERT INTO raw_contacts (_id, display_name) VALUES (1, '妈妈');"
        "INSERT INTO data (mimetype_id, raw_contact_id, data1, data2) VALUES (5, 1, '13800138000', '2');"
    )
    conn.commit()
    conn.close()
    (f,) = import_paths(home, case.id, [book]).files
    assert f.contacts_new == 1
    with home.store.session() as s:
        phone = s.execute(select(Phone.raw, Phone.e164, Phone.kind)).one()
    assert tuple(phone) == ("13800138000", "+8613800138000", "mobile")
    _, views = list_events(home, case.id)
    assert [(v.counterpart_key, v.counterpart_name, v.number_kind) for v in views] == [
        ("+8613800138000", "妈妈", "mobile"),
        ("+8617012345678", None, "virtual_mobile"),
    ]
    # importing the same address book again adds no duplicate party
    again = import_paths(home, case.id, [book]).files[0]
    assert again.contacts_new == 0 and again.contacts_known == 1
    with home.store.session() as s:
        nums = {n.key: (n.kind, n.carrier) for n in s.scalars(select(NumberInfo).where(NumberInfo.case_id == case.id))}
    assert nums["+8617012345678"] == ("virtual_mobile", "中国电信")


def test_folder_import_skips_unknown_files_quietly(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    folder = tmp_path / "phone"
    folder.mkdir()
    shutil.copy(real("sms_backup_restore", "devadvance_sms_small.xml"), folder / "sms-1.xml")
    (folder / "readme.bin").write_bytes(b"\x00\x01 not evidence we parse")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    report = import_paths(home, case.id, [folder])
    assert [(Path(f.name).name, f.status) for f in report.files] == [("readme.bin", "unrecognised"), ("sms-1.xml", "imported")]
    assert not report.failed


def test_events_query_filters(home: Home) -> None:
    case = create_case(home, "测试")
    import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sample_small.xml")])
    total, views = list_events(home, case.id)
    assert total == 7
    assert [v.time_utc for v in views] == sorted(v.time_utc for v in views)
    total_mms, _ = list_events(home, case.id, kinds=["mms"])
    assert total_mms == 2
    total_b, views_b = list_events(home, case.id, number="+1 555 000 0002")
    assert total_b == 3 and {v.counterpart_raw for v in views_b} == {"+15550000002"}
    since = parse_since("2024-01-01", "Asia/Shanghai")
    total_since, _ = list_events(home, case.id, since=since)
    assert total_since == 2
    _, limited = list_events(home, case.id, limit=3)
    assert len(limited) == 3
    assert views[0].local_time().utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_dedup_key_is_identity_based() -> None:
    a = dedup_key("sms", 1_714_521_600_000_000, "in", "+8613800138000", "x", None)
    assert a == dedup_key("sms", 1_714_521_600_000_000, "in", "+8613800138000", "x", None)
    assert a != dedup_key("sms", 1_714_521_600_000_000, "in", "+8613800138000", "y", None)
    assert a != dedup_key("sms", 1_714_521_600_001_000, "in", "+8613800138000", "x", None)
    assert a[:8] == f"{1_714_521_600:08x}"  # time-ordered prefix
    assert len(a) == 24


def test_zip_path_traversal_stays_inside(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    z = tmp_path / "evil.zip"
    src = real("sms_backup_restore", "devadvance_sms_small.xml")
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(src, "../../escape/sms.xml")
    report = import_paths(home, case.id, [z])
    assert not (tmp_path.parent / "escape").exists()
    assert [f.status for f in report.files] == ["container", "imported"]
    assert report.files[1].inserted == 12


def test_parallel_import_gives_the_same_result(home: Home) -> None:
    """Big files parse in a child process; the result must equal the in-process import."""
    src = real("sms_backup_restore", "devadvance_sms_and_mms.xml")
    seq_case = create_case(home, "顺序")
    par_case = create_case(home, "并行")
    seq = import_paths(home, seq_case.id, [src], salvage=True, parallel=False).files[0]
    par = import_paths(home, par_case.id, [src], salvage=True, parallel=True).files[0]
    assert (par.parsed, par.inserted, par.salvaged, par.first_time, par.last_time) == (
        seq.parsed, seq.inserted, seq.salvaged, seq.first_time, seq.last_time)
    _, a = list_events(home, seq_case.id)
    _, b = list_events(home, par_case.id)
    strip = [(v.kind, v.time_utc, v.counterpart_key, v.text, v.locator, v.extra) for v in a]
    assert strip == [(v.kind, v.time_utc, v.counterpart_key, v.text, v.locator, v.extra) for v in b]


def test_parallel_import_reports_errors_like_in_process(home: Home) -> None:
    case = create_case(home, "并行")
    before = counts(home, case.id)
    (f,) = import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sms_and_mms.xml")], parallel=True).files
    assert f.status == "failed" and f.error is not None
    assert f.error["key"] == "ingest.xml.broken" and f.error["params"]["line"] == "136"
    assert counts(home, case.id) == before


def test_import_on_sqlite_and_postgresql(any_home: Home, tmp_path: Path) -> None:
    """The same import, idempotency and contact linking on both databases."""
    case = create_case(any_home, "测试")
    src = real("sms_backup_restore", "devadvance_sms_and_mms.xml")
    first = import_paths(any_home, case.id, [src], salvage=True).files[0]
    assert first.inserted == 49 and first.parsed == {"sms": 41, "mms": 8, "derived": 2}
    again = import_paths(any_home, case.id, [src], salvage=True).files[0]
    assert again.inserted == 0 and again.duplicates == 49
    total, views = list_events(any_home, case.id, kinds=["mms"], number="+15550000011")
    assert total == 2
    assert views[0].extra is not None and views[0].extra["attachments"][0]["bytes"] == 70
    assert views[0].time_utc.isoformat() == "2024-07-16T20:29:24+00:00"


def test_file_added_as_plain_original_can_still_be_imported(home: Home) -> None:
    from dunguard.evidence import add_files

    case = create_case(home, "测试")
    src = real("sms_backup_restore", "devadvance_sms_small.xml")
    add_files(home, case.id, [src])
    (f,) = import_paths(home, case.id, [src]).files
    assert not f.new_original  # the vault already had it …
    assert f.inserted == 12  # … but it had never been read
    (g,) = import_paths(home, case.id, [src]).files
    assert g.inserted == 0 and g.duplicates == 12
    assert g.notes == [{"key": "ingest.report.already_imported"}]


def test_mms_attachments_are_kept_as_derived_files(home: Home) -> None:
    from dunguard.models import Derived

    case = create_case(home, "测试")
    (f,) = import_paths(home, case.id, [real("sms_backup_restore", "devadvance_sample_mms.xml")]).files
    assert f.derived == 4 and f.inserted == 4
    with home.store.session() as s:
        rows = s.execute(select(Derived.kind, Derived.media_type, Derived.stored_path)).all()
    assert sorted(r[1] for r in rows) == ["application/pdf", "audio/mp3", "image/png", "video/mp4"]
    assert all(r[0] == "attachment" for r in rows)
    assert all((home.case_dir(case.id) / r[2]).is_file() for r in rows)


@given(
    moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    text=st.none() | st.text(max_size=20),
    source=st.none() | st.text(min_size=1, max_size=10),
    owner=st.booleans(),
)
def test_fast_row_equals_the_reference_forms(
    moment: dt.datetime, text: str | None, source: str | None, owner: bool
) -> None:
    """Rows bypass SQLAlchemy on SQLite: the time text must be exactly what it would store,
    and the inlined dedup key exactly ``dedup_key`` (with the record id and the owner)."""
    from dunguard.ingest.pipeline import Owner, _RowBuilder
    from dunguard.records import Direction, EventKind, EventRecord

    aware = moment.replace(tzinfo=dt.UTC)
    rec = EventRecord(
        EventKind.SMS, aware, 480, "raw", Direction.IN, "13800138000", text=text,
        extra={"source_msg_id": source} if source else {},
    )
    who = Owner("妈妈", "family") if owner else None
    builder = _RowBuilder("c", None, True, {}, who)
    builder.event(rec)
    (row,) = builder.take()
    assert row[4] == moment.isoformat(" ", "microseconds")
    time_us = (aware - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    tag = "owner:family:妈妈" if owner else None
    expected_source = f"{tag}\x1e{source}" if tag and source else tag or source
    assert row[-1] == dedup_key("sms", time_us, "in", "+8613800138000", text, None, expected_source)
    assert builder.first == builder.last == aware


def test_an_importer_bug_fails_only_that_file(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dunguard.ingest import sms_backup_restore

    def broken_call(*_args: object, **_kw: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(sms_backup_restore.SmsBackupRestoreImporter, "_call", broken_call)
    case = create_case(home, "测试")
    calls = tmp_path / "calls.xml"
    calls.write_text('<calls count="1"><call number="10086" duration="1" date="1714521600000" type="1"/></calls>')
    before = counts(home, case.id)
    report = import_paths(home, case.id, [calls, real("sms_backup_restore", "devadvance_sms_small.xml")])
    assert [f.status for f in report.files] == ["failed", "imported"]
    err = report.files[0].error
    assert err is not None and err["key"] == "ingest.parser.failed" and "KeyError" in err["message"]
    assert counts(home, case.id)[0] == before[0] + 12


def test_ios_backup_folder_uses_the_manifest(home: Home, tmp_path: Path) -> None:
    """An iTunes/Finder backup: files are stored by hash; Manifest.db names them."""
    import hashlib

    backup = tmp_path / "00008030-001A"
    backup.mkdir()

    def put(domain: str, rel: str, data: bytes) -> str:
        fid = hashlib.sha1(f"{domain}-{rel}".encode()).hexdigest()
        (backup / fid[:2]).mkdir(exist_ok=True)
        (backup / fid[:2] / fid).write_bytes(data)
        return fid

    db = tmp_path / "build-sms.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);"
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT);"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER, service TEXT,"
        " date INTEGER, is_from_me INTEGER, item_type INTEGER DEFAULT 0, associated_message_type INTEGER DEFAULT 0);"
        "INSERT INTO handle VALUES (1, '+8617012345678', 'SMS');"
        f"INSERT INTO message VALUES (1, 'g1', '今天必须还款', 1, 'SMS', {(1714521600 - 978307200) * 10**9}, 0, 0, 0);"
    )
    conn.commit()
    conn.close()
    files = [
        (put("HomeDomain", "Library/SMS/sms.db", db.read_bytes()), "HomeDomain", "Library/SMS/sms.db"),
        (put("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
         "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.PNG"),
    ]
    manifest = sqlite3.connect(backup / "Manifest.db")
    manifest.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)")
    manifest.executemany("INSERT INTO Files VALUES (?, ?, ?, 1, NULL)", files)
    manifest.commit()
    manifest.close()
    (backup / "Info.plist").write_text("<plist/>")

    case = create_case(home, "测试")
    report = import_paths(home, case.id, [backup])
    assert [(f.name, f.status, f.format) for f in report.files] == [
        (f"{backup}/HomeDomain/Library/SMS/sms.db", "imported", "ios_sms")
    ]
    _, views = list_events(home, case.id)
    assert [(v.counterpart_key, v.text, v.number_kind) for v in views] == [
        ("+8617012345678", "今天必须还款", "virtual_mobile")
    ]


def test_many_contacts_land_in_batches_and_name_earlier_events(
    any_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contacts are written in batches; one set-based UPDATE names the events seen before."""
    import dunguard.ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CONTACT_BATCH", 7)  # several batches and a partial last one
    case = create_case(any_home, "测试")
    sms = tmp_path / "sms.xml"
    sms.write_text(
        '<smses count="4">'
        '<sms address="13800000003" date="1714521600000" type="1" body="a" contact_name="(Unknown)"/>'
        '<sms address="95588" date="1714521601000" type="1" body="b" contact_name="(Unknown)"/>'
        '<sms address="010-00000011" date="1714521602000" type="1" body="c" contact_name="(Unknown)"/>'
        '<sms address="13999999999" date="1714521603000" type="1" body="d" contact_name="老王"/>'
        "</smses>",
        encoding="utf-8",
    )
    import_paths(any_home, case.id, [sms])
    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:联系人{i}\r\nTEL;TYPE=CELL:138{i:08d}\r\n"
        f"TEL;TYPE=HOME:010-{i:08d}\r\nEND:VCARD\r\n"
        for i in range(20)
    ]
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:工商银行\r\nTEL:95588\r\nEND:VCARD\r\n")
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:重名的号码\r\nTEL:13800000003\r\nEND:VCARD\r\n")
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:不是老王\r\nTEL:13999999999\r\nEND:VCARD\r\n")
    book = tmp_path / "contacts.vcf"
    book.write_text("".join(cards), encoding="utf-8")
    (f,) = import_paths(any_home, case.id, [book]).files
    assert f.status == "imported" and f.contacts_new == 23
    with any_home.store.session() as s:
        parties = {
            p.name: sorted((ph.raw, ph.e164) for ph in p.phones)
            for p in s.scalars(select(Party).where(Party.case_id == case.id, Party.role == "contact"))
        }
        assert len(parties) == 23
        assert parties["联系人7"] == [("010-00000007", "+861000000007"), ("13800000007", "+8613800000007")]
        assert parties["工商银行"] == [("95588", None)]
        assert s.scalar(select(func.count()).select_from(Phone).where(Phone.case_id == case.id)) == 43
    _, views = list_events(any_home, case.id)
    assert [v.counterpart_name for v in views] == [
        "联系人3",  # the first contact with the number names it
        "工商银行",  # a service number has no E.164 form and is matched as it is
        "联系人11",
        "老王",  # a name the phone itself showed is kept
    ]
    again = import_paths(any_home, case.id, [book]).files[0]
    assert again.contacts_new == 0


def test_owner_can_be_corrected_and_the_change_is_logged(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "测试")
    src = tmp_path / "sms.xml"
    src.write_text(
        '<smses count="1"><sms address="17012345678" date="1714521600000" type="1" body="还钱"/></smses>',
        encoding="utf-8",
    )
    first = import_paths(home, case.id, [src], owner="妈妈").files[0]
    assert first.inserted == 1
    again = import_paths(home, case.id, [src], owner="王阿姨", owner_role="friend").files[0]
    assert again.inserted == 0  # the events are not imported a second time
    with home.store.session() as s:
        extra = s.scalars(select(Evidence.extra).where(Evidence.id == first.evidence_id)).one()
        assert (extra["owner_name"], extra["owner_role"]) == ("王阿姨", "friend")
        (details,) = s.scalars(
            select(LedgerEntry.details).where(LedgerEntry.case_id == case.id, LedgerEntry.action == "owner")
        ).all()
    logged = json.loads(details)
    assert logged["previous"] == {"owner_role": "contact", "owner_name": "妈妈"}
    assert (logged["owner_name"], logged["owner_role"]) == ("王阿姨", "friend")
    assert counts(home, case.id)[0] == 1


def test_owner_arguments_are_checked_before_anything_is_stored(home: Home, tmp_path: Path) -> None:
    from dunguard.errors import UsageError

    case = create_case(home, "测试")
    src = tmp_path / "sms.xml"
    src.write_text('<smses count="0"></smses>', encoding="utf-8")
    with pytest.raises(UsageError) as err:
        import_paths(home, case.id, [src], owner="老李", owner_role="boss")
    assert err.value.key == "ingest.owner.bad_role" and "boss" in err.value.message("zh")
    with pytest.raises(UsageError):
        import_paths(home, case.id, [src], owner="  ")
    assert counts(home, case.id)[:2] == (0, 0)


def test_evidence_names_carry_no_private_folders(tmp_path: Path) -> None:
    """The 证据清单 names what the user gave, not where it sat on their disk (or our upload folder)."""
    import zipfile

    from sqlalchemy import select

    from dunguard.cases import create_case
    from dunguard.home import Home
    from dunguard.ingest.pipeline import import_paths
    from dunguard.models import Evidence

    src = tmp_path / "private" / "用户目录"
    (src / "备份").mkdir(parents=True)
    sms = "<?xml version='1.0' encoding='UTF-8'?>\n<smses count=\"1\"><sms protocol=\"0\" address=\"10086\" " \
          "date=\"1700000000000\" type=\"1\" body=\"{}\" read=\"1\" status=\"-1\" /></smses>\n"
    (src / "单个.xml").write_text(sms.format("一"), encoding="utf-8")
    (src / "备份" / "在文件夹里.xml").write_text(sms.format("二"), encoding="utf-8")
    with zipfile.ZipFile(src / "压缩包.zip", "w") as z:
        z.writestr("内层/在压缩包里.xml", sms.format("三"))
    with Home.open(tmp_path / "home") as home:
        case = create_case(home, "名称")
        import_paths(home, case.id, [src / "单个.xml", src / "备份", src / "压缩包.zip"])
        with home.store.session() as s:
            names = set(s.scalars(select(Evidence.original_name).where(Evidence.case_id == case.id)))
    assert names == {"单个.xml", "备份/在文件夹里.xml", "压缩包.zip", "压缩包.zip!内层/在压缩包里.xml"}
    assert not any("private" in n for n in names)
