"""Generic CSV (documented columns) and the shared CSV / time helpers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunguard.ingest.base import ParseContext, detect
from dunguard.ingest.generic_csv import (
    IMPORTER,
    detect_encoding,
    parse_duration,
    parse_time,
    time_from_filename,
)
from dunguard.records import CallStatus, Direction, EventKind, EventRecord

CST = dt.timezone(dt.timedelta(hours=8))


def _events(path: Path) -> tuple[list[EventRecord], ParseContext]:
    ctx = ParseContext(display_name=path.name)
    return [r for r in IMPORTER.parse(path, ctx) if isinstance(r, EventRecord)], ctx


def test_documented_columns_import(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "time,direction,number,name,kind,text,duration\n"
        "2024-10-04 22:41,in,13812345678,催收A,call,,1:05\n"
        '2024-10-04T23:05:00+08:00,in,10690000,,sms,"逾期未还，\n将联系你的家人",\n'
        "2024/10/5 08:00:30,out,13812345678,,call,,0\n",
        encoding="utf-8",
    )
    assert detect(path).name == "generic_csv"
    events, ctx = _events(path)
    assert ctx.skipped_count == 0
    assert [(e.kind, e.direction, e.duration_s) for e in events] == [
        (EventKind.CALL, Direction.IN, 65),
        (EventKind.SMS, Direction.IN, None),
        (EventKind.CALL, Direction.OUT, 0),
    ]
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 22, 41, tzinfo=CST)
    assert events[1].text == "逾期未还，\n将联系你的家人" and "zone_assumed" not in events[1].extra
    assert events[2].time_utc == dt.datetime(2024, 10, 5, 8, 0, 30, tzinfo=CST)
    assert events[0].call_status is None or isinstance(events[0].call_status, CallStatus)


def test_bad_rows_are_skipped_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "kind,time,direction\nfax,2024-10-04 22:41,in\ncall,yesterday,in\ncall,2024-10-04 22:41,sideways\n"
        "call,2024-10-04 22:41,in\n",
        encoding="gbk",
    )
    events, ctx = _events(path)
    assert len(events) == 1
    assert [(s.locator, s.reason) for s in ctx.skipped] == [
        ("row 1", "ingest_b.skip.bad_kind"),
        ("row 2", "ingest_b.skip.bad_time"),
        ("row 3", "ingest_b.skip.bad_direction"),
    ]


def test_encoding_detection() -> None:
    assert detect_encoding("\ufeff姓名".encode()) == "utf-8-sig"
    assert detect_encoding("姓名".encode()) == "utf-8"
    assert detect_encoding("姓名,电话".encode("gbk")) == "gb18030"
    assert detect_encoding(b"\x00\x01\x02") is None
    # a UTF-8 character cut at the end of the sample is still UTF-8
    assert detect_encoding("张三".encode()[:-1]) == "utf-8"


def test_time_parsing_forms() -> None:
    ctx = ParseContext(display_name="t")
    cases = {
        "2024/10/4 11:42": (dt.datetime(2024, 10, 4, 11, 42, tzinfo=CST), "minute"),
        "2024-10-04 11:42:07": (dt.datetime(2024, 10, 4, 11, 42, 7, tzinfo=CST), "second"),
        "2024年10月4日 11:42": (dt.datetime(2024, 10, 4, 11, 42, tzinfo=CST), "minute"),
        "2024-10-04T03:42:00Z": (dt.datetime(2024, 10, 4, 3, 42, tzinfo=dt.UTC), "second"),
        "1728013320": (dt.datetime(2024, 10, 4, 3, 42, tzinfo=dt.UTC), "second"),
        "1728013320000": (dt.datetime(2024, 10, 4, 3, 42, tzinfo=dt.UTC), "second"),
    }
    for raw, (expected, precision) in cases.items():
        parsed = parse_time(raw, ctx)
        assert parsed is not None, raw
        assert (parsed.utc, parsed.precision) == (expected, precision), raw
    assert parse_time("2024-02-30 10:00", ctx) is None
    assert parse_time("later", ctx) is None


def test_capture_time_from_file_names() -> None:
    ctx = ParseContext(display_name="t")
    local = dt.datetime(2024, 10, 4, 22, 45, 12, tzinfo=CST)
    for name in (
        "Screenshot_20241004-224512.png",
        "Screenshot_2024-10-04-22-45-12-123_com.tencent.mm.jpg",
        "截屏2024-10-04 22.45.12.png",
        "13812345678_20241004224512.amr",
    ):
        assert time_from_filename(name, ctx) == (local, 480), name
    assert time_from_filename("mmexport1728053112000.jpg", ctx) == (
        dt.datetime(2024, 10, 4, 14, 45, 12, tzinfo=dt.UTC),
        480,
    )
    assert time_from_filename("photo.png", ctx) is None


@given(st.integers(min_value=0, max_value=10**6))
def test_duration_forms_agree(seconds: int) -> None:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    assert parse_duration(str(seconds)) == seconds
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == seconds
    assert parse_duration(f"{h * 60 + m}:{s:02d}") == seconds


_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["\n", ",", '"']),
    max_size=40,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2037, 1, 1)),
            st.sampled_from(["in", "out"]),
            st.sampled_from(["sms", "call", "chat"]),
            _text,
        ),
        min_size=1,
        max_size=20,
    ),
    bom=st.booleans(),
)
def test_generated_csv_round_trips(
    tmp_path: Path, rows: list[tuple[dt.datetime, str, str, str]], bom: bool
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["time", "direction", "number", "kind", "text"])
    for when, direction, kind, text in rows:
        writer.writerow(
            [when.replace(microsecond=0).isoformat(" ") + "+08:00", direction, "13812345678", kind, text]
        )
    path = tmp_path / "gen.csv"
    path.write_text(buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8", newline="")
    events, ctx = _events(path)
    assert ctx.skipped_count == 0
    assert [(e.time_utc, e.direction.value, e.kind.value, e.text or "") for e in events] == [
        (w.replace(microsecond=0, tzinfo=CST).astimezone(dt.UTC), d, k, t) for w, d, k, t in rows
    ]
