"""WeChat chat exports: PyWxDump CSV (real sample) and WeChatMsg / 留痕 CSV and TXT."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dunguard.cases import create_case
from dunguard.errors import FormatError
from dunguard.home import Home
from dunguard.ingest.base import ParseContext, detect
from dunguard.ingest.pipeline import dedup_key, import_paths
from dunguard.ingest.wechat_memotrace import IMPORTER as MEMOTRACE
from dunguard.ingest.wechat_pywxdump import IMPORTER as PYWXDUMP
from dunguard.models import Event
from dunguard.records import Direction, EventKind, EventRecord

WECHAT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wechat"
CST = dt.timezone(dt.timedelta(hours=8))


def _shared(name: str) -> Path:
    path = WECHAT / name
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def _events(
    importer: object, path: Path, tz: str = "Asia/Shanghai"
) -> tuple[list[EventRecord], ParseContext]:
    ctx = ParseContext(display_name=path.name, tz_name=tz)
    records = [r for r in importer.parse(path, ctx) if isinstance(r, EventRecord)]  # type: ignore[attr-defined]
    return records, ctx


def test_pywxdump_real_chat_conformance() -> None:
    path = _shared("weclone_pywxdump_export_test_person.csv")
    assert detect(path).name == "wechat_pywxdump"
    events, ctx = _events(PYWXDUMP, path)
    assert len(events) == 96 and ctx.skipped_count == 0
    assert Counter(e.extra["msg_type"] for e in events) == {
        "文本": 65,
        "动画表情": 23,
        "图片": 5,
        "系统通知": 2,
        "引用回复": 1,
    }
    assert Counter(e.direction for e in events) == {Direction.IN: 50, Direction.OUT: 46}
    assert all(
        e.kind is EventKind.CHAT and e.channel == "wechat" and e.thread == "test_person" for e in events
    )
    first = events[0]
    # minute-only local time, read in the case zone (UTC+8)
    assert first.time_raw == "2024/10/4 11:42"
    assert first.time_utc == dt.datetime(2024, 10, 4, 11, 42, tzinfo=CST)
    assert first.utc_offset_minutes == 480 and first.extra["time_precision"] == "minute"
    assert events[-1].time_utc == dt.datetime(2024, 12, 30, 21, 28, tzinfo=CST)


def test_pywxdump_quoted_reply_and_revoke_rows() -> None:
    events, _ = _events(PYWXDUMP, _shared("weclone_pywxdump_export_test_person.csv"))
    quote = next(e for e in events if e.extra["msg_type"] == "引用回复")
    assert quote.text == "（我们两个人骑）"
    assert quote.extra["quoted"].startswith("[引用](2024-10-04 21:25:04)小虫:")
    revokes = [e for e in events if e.extra.get("revoked")]
    assert [e.text for e in revokes] == ["你撤回了一条消息"] * 2
    assert all(e.direction is Direction.OUT and e.extra["system"] for e in revokes)


def test_pywxdump_zone_is_settable() -> None:
    events, _ = _events(PYWXDUMP, _shared("weclone_pywxdump_export_test_person.csv"), tz="UTC")
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 11, 42, tzinfo=dt.UTC)
    assert events[0].utc_offset_minutes == 0


def test_pywxdump_pii_file_rows_and_directions() -> None:
    events, _ = _events(PYWXDUMP, _shared("weclone_pywxdump_pii_labeled.csv"))
    assert len(events) == 62
    assert Counter(e.direction for e in events) == {Direction.IN: 31, Direction.OUT: 31}
    assert events[0].text == "13812345678" and events[0].counterpart_name == "wxid_6789z5qlxzfj22"


def test_pywxdump_bad_time_is_skipped_with_reason_and_hostile_field_refused(tmp_path: Path) -> None:
    head = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
    path = tmp_path / "chat.csv"
    path.write_text(
        head + '1,11,文本,0,wxid_a,wxid_a,"你好\n还钱",,2024/10/4 22:41\n2,12,文本,0,wxid_a,wxid_a,x,,soon\n',
        encoding="utf-8-sig",
    )
    events, ctx = _events(PYWXDUMP, path)
    assert [e.text for e in events] == ["你好\n还钱"]
    assert [(s.locator, s.reason) for s in ctx.skipped] == [("row 2", "ingest_b.skip.bad_time")]
    big = tmp_path / "big.csv"
    big.write_text(head + '1,11,文本,0,a,a,"' + "哈" * 200_000 + '",,2024/10/4 22:41\n', encoding="utf-8")
    with pytest.raises(FormatError) as err:
        _events(PYWXDUMP, big)
    assert "big.csv" in str(err.value) and "line 2" in str(err.value)


MEMO_CSV = (
    "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
    '1,5,1,0,0,1728053100,2,"今天不还钱\n就去你单位",2024-10-04 22:45:00,催收王,王经理,wxid_collector\n'
    "2,5,1,0,1,1728053160,2,我会还的,2024-10-04 22:46:00,我,我,wxid_me\n"
    "3,5,3,0,0,1728053220,2,<img/>,2024-10-04 22:47:00,催收王,王经理,wxid_collector\n"
    '4,5,10000,0,0,1728053280,2,"<![CDATA[""催收王"" 撤回了一条消息]]>",2024-10-04 22:48:00,,,\n'
)


def test_memotrace_csv(tmp_path: Path) -> None:
    path = tmp_path / "催收王_utf8.csv"
    path.write_text(MEMO_CSV, encoding="utf-8-sig")
    assert detect(path).name == "wechat_memotrace"
    events, ctx = _events(MEMOTRACE, path)
    assert ctx.skipped_count == 0
    assert [(e.direction, e.text, e.counterpart_name) for e in events] == [
        (Direction.IN, "今天不还钱\n就去你单位", "催收王"),
        (Direction.OUT, "我会还的", "催收王"),
        (Direction.IN, "[图片]", "催收王"),
        (Direction.UNKNOWN, '"催收王" 撤回了一条消息', "催收王"),
    ]
    # CreateTime is exact Unix seconds
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 14, 45, tzinfo=dt.UTC)
    assert events[0].extra["str_time"] == "2024-10-04 22:45:00"
    assert events[3].extra["revoked"] is True


MEMO_TXT = (
    "2024-10-04 22:45:00 催收王\n今天不还钱\n就去你单位\n\n"
    "2024-10-04 22:46:00 小李\n我会还的\n\n"
    "2024-10-04 22:47:00 催收王\n[图片]\n\n"
    '2024-10-04 22:48:00 "催收王" 撤回了一条消息\n\n'
    "2024-10-04 22:49:00 催收王\n你自己看着办\n引用:小李:我会还的\n\n"
)


def test_memotrace_txt_directions_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "催收王.txt"
    path.write_text(MEMO_TXT, encoding="utf-8")
    assert detect(path).name == "wechat_memotrace"
    events, _ = _events(MEMOTRACE, path)
    assert [(e.direction, e.text) for e in events] == [
        (Direction.IN, "今天不还钱\n就去你单位"),
        (Direction.OUT, "我会还的"),
        (Direction.IN, "[图片]"),
        (Direction.UNKNOWN, '"催收王" 撤回了一条消息'),
        (Direction.IN, "你自己看着办"),
    ]
    assert events[1].counterpart_name == "催收王" and events[1].extra["author"] == "小李"
    assert events[4].extra["quoted"] == "引用:小李:我会还的"
    assert [e.locator for e in events] == ["line 1", "line 5", "line 8", "line 11", "line 13"]
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 22, 45, tzinfo=CST)


def test_memotrace_txt_renamed_file_keeps_direction_unknown(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(MEMO_TXT, encoding="utf-8")
    events, _ = _events(MEMOTRACE, path)
    assert {e.direction for e in events} == {Direction.UNKNOWN}


def test_salvage_keeps_rows_before_a_broken_field(tmp_path: Path) -> None:
    head = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
    path = tmp_path / "chat.csv"
    path.write_text(
        head
        + "1,11,文本,0,a,a,还钱,,2024/10/4 22:41\n"
        + '2,12,文本,0,a,a,"'
        + "x" * 200_000
        + '",,2024/10/4 22:42\n',
        encoding="utf-8",
    )
    ctx = ParseContext(display_name=path.name, salvage=True)
    events = list(PYWXDUMP.parse(path, ctx))
    assert [e.text for e in events if isinstance(e, EventRecord)] == ["还钱"]
    assert ctx.salvaged_at is not None and ctx.salvaged_at["records"] == 1 and ctx.salvaged_at["line"] == 3


def test_every_pywxdump_message_has_a_stable_source_id() -> None:
    events, _ = _events(PYWXDUMP, _shared("weclone_pywxdump_export_test_person.csv"))
    ids = [e.extra["source_msg_id"] for e in events]
    assert len(set(ids)) == 96 and ids[0] == "wechat:7437267147299592543"


_msg = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(["\n", ",", '"', "\r"]), max_size=60
)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(st.booleans(), _msg, st.integers(0, 59)), min_size=1, max_size=15),
    bom=st.booleans(),
)
def test_generated_pywxdump_exports_round_trip(
    tmp_path: Path, rows: list[tuple[bool, str, int]], bom: bool
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
    )
    for i, (sent, msg, minute) in enumerate(rows):
        writer.writerow(
            [i, 10**17 + i, "文本", int(sent), "wxid_x", "wxid_x", msg, "", f"2024/10/4 22:{minute:02d}"]
        )
    path = tmp_path / "gen.csv"
    path.write_text(buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8", newline="")
    events, ctx = _events(PYWXDUMP, path)
    assert ctx.skipped_count == 0
    assert [(e.direction is Direction.OUT, e.text or "", e.time_utc) for e in events] == [
        (sent, msg, dt.datetime(2024, 10, 4, 22, minute, tzinfo=CST)) for sent, msg, minute in rows
    ]


def test_pywxdump_same_text_in_the_same_minute_is_kept_twice(home: Home, tmp_path: Path) -> None:
    """Minute-precise WeChat times: only MsgSvrID tells equal messages apart (all 96 land)."""
    path = _shared("weclone_pywxdump_export_test_person.csv")
    case = create_case(home, "微信")
    (first,) = import_paths(home, case.id, [path]).files
    assert first.status == "imported" and first.parsed == {"chat": 96}
    assert first.inserted == 96 and first.duplicates == 0
    # a later export of the same chat (rows in another order, so a new file): nothing new
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    later = tmp_path / "later_export.csv"
    with later.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *reversed(rows[1:])])
    (again,) = import_paths(home, case.id, [later]).files
    assert again.status == "imported" and again.new_original
    assert again.inserted == 0 and again.duplicates == 96
    with home.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.case_id == case.id)) == 96


def test_dedup_key_tells_apart_records_with_different_source_ids() -> None:
    args = ("chat", 1_728_013_320_000_000, "in", "", "[动画表情]", None)
    assert dedup_key(*args) == dedup_key(*args, None)
    assert dedup_key(*args, "wechat:1") != dedup_key(*args, "wechat:2")
    assert dedup_key(*args, "wechat:1") == dedup_key(*args, "wechat:1")
