"""The SMS Backup & Restore fast path stores exactly what the ordinary path stores.

Big backups skip EventRecords (``dunguard.ingest._fast_sbr``) and, on SQLite, rebuild the
events indexes instead of keeping them up to date.  Every test here runs both ways on the
same file and compares the stored rows column by column, the file reports, and the errors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from dunguard.cases import create_case
from dunguard.errors import FormatError
from dunguard.home import Home
from dunguard.ingest import _fast_sbr, pipeline
from dunguard.ingest.base import ParseContext, get_importer
from dunguard.ingest.pipeline import FileReport, _RowBuilder, import_paths
from dunguard.ingest.sms_backup_restore import IMPORTER
from dunguard.models import Event, Evidence, LedgerEntry
from dunguard.records import EventRecord

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sms_backup_restore"
REAL = (
    "devadvance_sms_small.xml",
    "devadvance_sample_small.xml",
    "devadvance_sample_mms.xml",
    "devadvance_corrupt_attachments.xml",
    "devadvance_empty.xml",
    "devadvance_sms_and_mms.xml",  # truncated: salvage
)
_COMPARED = [c for c in Event.__table__.columns if c.name not in ("id", "case_id", "evidence_id")]


def _real(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def _attrs(**values: str | None) -> str:
    return " ".join(f"{k}={quoteattr(v)}" for k, v in values.items() if v is not None)


def quirky_backup(folder: Path) -> tuple[Path, Path]:
    """Messages and calls with every quirk the importer knows (see IMPORTER.quirks)."""
    sms = [
        _attrs(address="13800138000", date="1714521600000", type="1", body="你好", date_sent="1714521599000",
               contact_name="(Unknown)", service_center="null", sub_id="-1", subject="null"),
        _attrs(address="+86 138 0013 8000", date="1714521601", type="2", body="秒级时间", date_sent="0"),
        _attrs(address="10690000", date="1714521602000", type="4", body="null", contact_name="张三",
               service_center="+8613800100500", sub_id="2", subject="主题"),
        _attrs(address="95588", date="1714521603000", type="5", body="失败 &#27; 控制字符"),
        _attrs(address="null", date="1714521604000", type="6"),
        _attrs(date="1714521605000", type="9", body="没有号码, 未知类型"),
        _attrs(address="13800138000", date="1714521606000", type="3", body="草稿"),
        _attrs(address="13800138000", date="null", type="1", body="坏时间"),
        _attrs(address="13800138000", date="-5", type="1", body="负时间"),
        _attrs(address="13800138000", type="1", body="没有时间"),
        _attrs(address="13800138000", date="1714521600000", type="1", body="你好", date_sent="1714521599000"),
        _attrs(address="*31#13800138000", date="1714521607000", type="1", body="隐藏"),
        _attrs(address="13800138000~13900139000", date="1714521608000", type="1", body="群"),
        _attrs(address="+1 (555) 010-0011", date="1714521609000", type="1", body="表情&#55357;&#56832;", readable_date="x"),
        _attrs(address="13800138000", date="1714521610000", type="1", body="line1&#10;line2", contact_name="null"),
        _attrs(address="", date="1714521611000", type="1", body=""),
        _attrs(address="13800138000", date="1714521612000", body="没有类型"),
    ]
    mms = (
        '<mms date="1714521613000" msg_box="1" address="13800138000~13900139000" m_type="132" sub_id="1">'
        '<parts><part ct="text/plain" text="群聊彩信" /></parts>'
        '<addrs><addr address="13900139000" type="137" /><addr address="13800138000" type="151" /></addrs></mms>'
        '<mms date="1714521614000" msg_box="2" address="13800138000" m_type="128" date_sent="1714521614">'
        '<parts><part ct="image/png" cl="a.png" data="aGVsbG8=" /><part ct="text/plain" text="图" /></parts></mms>'
        '<mms date="1714521615000" msg_box="3" address="13800138000"><parts /></mms>'
    )
    sms_path = folder / "sms-quirks.xml"
    sms_path.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"21\">\n"
        + "\n".join(f"<sms {a} />" for a in sms)
        + "\n"
        + mms
        + "\n</smses>\n",
        encoding="utf-8",
    )
    calls = [
        _attrs(number=n, duration=d, date=t, type=ty, presentation=p, subscription_id=s, post_dial_digits=pd,
               contact_name=c)
        for n, d, t, ty, p, s, pd, c in [
            ("13800138000", "60", "1714521600000", "1", "1", "1", "", "(Unknown)"),
            ("13800138000", "0", "1714521600000", "3", "1", "-1", "null", None),
            ("+8613800138000", "-1", "1714521601000", "2", "2", "null", "#123", "李四"),
            ("", "null", "1714521602000", "5", "3", None, None, "null"),
            ("95588", "12", "1714521603", "7", "4", "2", None, None),
            ("10086", "5", "1714521604000", "6", "9", None, None, None),
            ("10086", "5", "1714521605000", "42", None, None, None, None),
            ("10086", "5", "0", "1", None, None, None, None),
            (None, "5", "1714521606000", "1", None, None, None, None),
            ("10086", "x", "1714521607000", None, None, None, None, None),
        ]
    ]
    calls_path = folder / "calls-quirks.xml"
    calls_path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<calls count="10">\n'
        + "\n".join(f"<call {a} />" for a in calls)
        + "\n</calls>\n",
        encoding="utf-8",
    )
    return sms_path, calls_path


def stored(home: Home, case_id: str) -> list[tuple[Any, ...]]:
    with home.store.session() as s:
        return [tuple(r) for r in s.execute(select(*_COMPARED).where(Event.case_id == case_id).order_by(Event.id))]


def summary(f: FileReport) -> dict[str, Any]:
    d = f.as_dict()
    for k in ("evidence_id", "new_original"):
        d.pop(k)
    return d


def both_ways(
    home: Home, monkeypatch: pytest.MonkeyPatch, paths: list[Path], parallel: bool = False, **kw: Any
) -> tuple[tuple[list[FileReport], list[tuple[Any, ...]]], tuple[list[FileReport], list[tuple[Any, ...]]]]:
    """Import ``paths`` into two new cases: the ordinary path, then the fast path with bulk indexes."""
    out = []
    for fast in (False, True):
        monkeypatch.setattr(pipeline, "FAST_MIN_BYTES", 0 if fast else 1 << 62)
        monkeypatch.setattr(pipeline, "BULK_MIN_EVENTS", 1 if fast else 1 << 62)
        monkeypatch.setattr(pipeline, "BYTES_PER_EVENT", 1)
        case = create_case(home, "快" if fast else "慢")
        report = import_paths(home, case.id, paths, parallel=parallel and fast, **kw)
        out.append((report.files, stored(home, case.id)))
    return out[0], out[1]


def indexes(home: Home) -> list[tuple[str, str]]:
    with home.store.session() as s:
        rows = s.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
        )
        return [(str(n), str(q)) for n, q in rows]


# --------------------------------------------------------------------------- whole imports


@pytest.mark.parametrize("parallel", [False, True])
def test_fast_path_stores_the_same_events_for_every_quirk(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    files = list(quirky_backup(tmp_path))
    before = indexes(home)
    (slow, slow_rows), (fast, fast_rows) = both_ways(home, monkeypatch, files, parallel=parallel)
    assert [summary(f) for f in fast] == [summary(f) for f in slow]
    assert fast_rows == slow_rows
    assert [f.parsed for f in fast] == [{"sms": 13, "mms": 2, "derived": 1}, {"call": 9}]
    assert fast[0].skipped_count == 5 and fast[1].skipped_count == 1
    kinds = {r[0] for r in fast_rows}
    assert kinds == {"sms", "mms", "call"}
    assert indexes(home) == before  # dropped for the import, built again, the same


@pytest.mark.parametrize("name", REAL)
def test_fast_path_on_the_real_backups(home: Home, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    (slow, slow_rows), (fast, fast_rows) = both_ways(home, monkeypatch, [_real(name)], salvage=True)
    assert [summary(f) for f in fast] == [summary(f) for f in slow]
    assert fast_rows == slow_rows


def test_fast_path_with_an_owner_and_known_contacts(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names come from the case's address book; a contact's phone tags the events' identity."""
    files = list(quirky_backup(tmp_path))
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:王五\nTEL:13800138000\nEND:VCARD\n", encoding="utf-8")
    results = []
    for fast in (False, True):
        monkeypatch.setattr(pipeline, "FAST_MIN_BYTES", 0 if fast else 1 << 62)
        case = create_case(home, "案")
        import_paths(home, case.id, [vcf])
        report = import_paths(home, case.id, files, owner="妈妈", owner_role="family")
        results.append(([summary(f) for f in report.files], stored(home, case.id)))
    assert results[0] == results[1]
    assert any(row[_COMPARED.index(Event.__table__.c.counterpart_name)] == "王五" for row in results[1][1])


def test_fast_path_on_postgresql_too(any_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = list(quirky_backup(tmp_path))
    (slow, slow_rows), (fast, fast_rows) = both_ways(any_home, monkeypatch, files)
    assert [summary(f) for f in fast] == [summary(f) for f in slow]
    assert fast_rows == slow_rows and len(fast_rows) == 23


def test_fast_reimport_adds_nothing_and_keeps_indexes(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = list(quirky_backup(tmp_path))
    monkeypatch.setattr(pipeline, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "BULK_MIN_EVENTS", 1)
    monkeypatch.setattr(pipeline, "BYTES_PER_EVENT", 1)
    before = indexes(home)
    case = create_case(home, "案")
    first = import_paths(home, case.id, files)
    rows = stored(home, case.id)
    # the same events in a new file (another name, one byte more): parsed again, all duplicates
    copy = tmp_path / "later.xml"
    copy.write_bytes(files[0].read_bytes() + b"\n")
    (again,) = import_paths(home, case.id, [copy]).files
    assert again.inserted == 0 and again.duplicates == first.files[0].inserted + first.files[0].duplicates
    assert stored(home, case.id) == rows
    assert indexes(home) == before


def test_fast_truncated_file_fails_alike_and_changes_nothing(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sms, _ = quirky_backup(tmp_path)
    data = sms.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<sms", len(data) // 2) + 30])
    before = indexes(home)
    (slow, _), (fast, fast_rows) = both_ways(home, monkeypatch, [cut])
    assert fast[0].status == slow[0].status == "failed"
    assert fast[0].error == slow[0].error and fast[0].error is not None
    assert fast[0].error["key"] == "ingest.xml.broken"
    assert fast_rows == []
    assert indexes(home) == before  # the drop was rolled back with the rest
    for parallel in (False, True):
        (slow, slow_rows), (fast, fast_rows) = both_ways(home, monkeypatch, [cut], parallel=parallel, salvage=True)
        assert [summary(f) for f in fast] == [summary(f) for f in slow]
        assert fast_rows == slow_rows and fast[0].salvaged is not None and fast_rows


def test_fast_parallel_truncated_file_changes_nothing(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sms, _ = quirky_backup(tmp_path)
    data = sms.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<mms")])
    monkeypatch.setattr(pipeline, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "BULK_MIN_EVENTS", 1)
    monkeypatch.setattr(pipeline, "BYTES_PER_EVENT", 1)
    case = create_case(home, "案")
    (f,) = import_paths(home, case.id, [cut], parallel=True).files
    assert f.status == "failed" and f.error is not None and f.error["key"] == "ingest.xml.broken"
    with home.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.case_id == case.id)) == 0
        assert s.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case.id)) == 0
        assert s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case.id)) == 1


def test_date_beyond_year_9999_fails_the_file_alike(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "far.xml"
    f.write_text('<smses count="1"><sms address="1" date="999999999999999999" type="1" body="x" /></smses>')
    (slow, _), (fast, fast_rows) = both_ways(home, monkeypatch, [f])
    assert slow[0].status == fast[0].status == "failed"
    assert fast[0].error == slow[0].error and fast_rows == []


def test_small_files_take_the_ordinary_path(tmp_path: Path) -> None:
    sms, _ = quirky_backup(tmp_path)
    builder = _RowBuilder("c", None, True, {})
    importer = get_importer("sms_backup_restore")
    assert not pipeline._takes_fast_path(importer, sms)
    records = pipeline._records(importer, sms, ParseContext(display_name="x"), builder, fast=False)
    assert any(isinstance(r, EventRecord) for r in records) and builder.rows == []


# --------------------------------------------------------------------------- any attributes

_VALUES = st.sampled_from(
    ["", "null", "(Unknown)", "-1", "0", "1", "2", "3", "7", "x", "1714521600", "1714521600000", "99999999999",
     "100000000000", "+8613800138000", "13800138000", "13800138000~13900139000", "*31#10086", "张三", "-3"]
)
_SMS_KEYS = ("address", "date", "type", "body", "date_sent", "service_center", "sub_id", "subject", "contact_name")
_CALL_KEYS = ("number", "duration", "date", "type", "presentation", "subscription_id", "post_dial_digits", "contact_name")


def _element(tag: str, keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.dictionaries(st.sampled_from(keys), _VALUES | st.text(max_size=6)).map(
        lambda d: f"<{tag} " + " ".join(f"{k}={quoteattr(v)}" for k, v in d.items()) + " />"
    )


def _rows_one_way(path: Path, sqlite: bool, fast: bool) -> tuple[Any, ...]:
    ctx = ParseContext(display_name="x.xml")
    builder = _RowBuilder("c", 7, sqlite, {"+8613800138000": "联系人"})
    rows: list[tuple[Any, ...]] = []
    try:
        records: Iterator[Any] = _fast_sbr.rows(path, ctx, builder) if fast else iter(IMPORTER.parse(path, ctx))
        for rec in records:
            if isinstance(rec, EventRecord):
                builder.event(rec)
            rows += builder.take()
        rows += builder.take()
    except (FormatError, OverflowError) as exc:
        return ("failed", type(exc).__name__, str(exc))
    return (rows, dict(builder.parsed), builder.first, builder.last, sorted(builder.numbers),
            [(s.locator, s.reason, s.params) for s in ctx.skipped], ctx.notes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    elements=st.lists(st.one_of(_element("sms", _SMS_KEYS), _element("call", _CALL_KEYS)), max_size=12),
    sqlite=st.booleans(),
)
def test_fast_rows_equal_ordinary_rows_for_any_attributes(elements: list[str], sqlite: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sms.xml"
        path.write_text("<smses>\n" + "\n".join(elements) + "\n</smses>", encoding="utf-8", errors="surrogatepass")
        assert _rows_one_way(path, sqlite, fast=True) == _rows_one_way(path, sqlite, fast=False)



def test_killed_during_a_bulk_import_leaves_case_and_indexes_as_before(home: Home, tmp_path: Path) -> None:
    """Indexes are dropped inside the file's transaction: a process killed mid-import loses both."""
    import os
    import subprocess
    import sys

    from dunguard.verify import verify_case

    sms, _ = quirky_backup(tmp_path)
    case = create_case(home, "案")
    before = indexes(home)
    script = (
        "import os, sys\nfrom pathlib import Path\nfrom dunguard.home import Home\n"
        "from dunguard.ingest import pipeline\n"
        "pipeline.FAST_MIN_BYTES = 0\npipeline.BULK_MIN_EVENTS = 1\npipeline.BYTES_PER_EVENT = 1\npipeline.BATCH = 3\n"
        "calls = []\nreal_insert = pipeline.RecordWriter._insert\n"
        "def insert(self, rows):\n"
        "    real_insert(self, rows)\n"
        "    calls.append(len(rows))\n"
        "    if len(calls) == 2:\n"
        "        assert self._dropped_indexes, 'indexes were not dropped'\n"
        "        os._exit(137)\n"
        "pipeline.RecordWriter._insert = insert\n"
        "home = Home.open(sys.argv[1])\n"
        "pipeline.import_paths(home, sys.argv[2], [Path(sys.argv[3])], parallel=False)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DUNGUARD_FAILPOINT"}
    proc = subprocess.run([sys.executable, "-c", script, str(home.root), case.id, str(sms)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 137, proc.stderr
    report = verify_case(home, case.id)  # recovery runs first, under the case lock
    assert report.ok, [p.message() for p in report.problems]
    assert stored(home, case.id) == [] and indexes(home) == before
    (again,) = import_paths(home, case.id, [sms]).files
    assert again.status == "imported" and again.inserted == 14
