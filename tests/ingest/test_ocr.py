"""Screenshot OCR: shown-time parsing, bubble layout, and real OCR on rendered chat screenshots."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from dunguard.home import Home
from dunguard.ocr import OcrLine, analyse_chat, parse_shown_time
from dunguard.testing import make_case

CST = dt.timezone(dt.timedelta(hours=8))
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("22:41", dt.datetime(2024, 10, 5, 9, 0), dt.datetime(2024, 10, 5, 22, 41)),
        ("昨天 23:05", dt.datetime(2024, 10, 5, 9, 0), dt.datetime(2024, 10, 4, 23, 5)),
        ("前天 8:05", dt.datetime(2024, 10, 5, 9, 0), dt.datetime(2024, 10, 3, 8, 5)),
        ("星期五 11:42", dt.datetime(2024, 10, 7, 9, 0), dt.datetime(2024, 10, 4, 11, 42)),
        ("10月4日 晚上11:42", dt.datetime(2024, 10, 7, 9, 0), dt.datetime(2024, 10, 4, 23, 42)),
        ("12月30日 下午3:00", dt.datetime(2025, 1, 2, 9, 0), dt.datetime(2024, 12, 30, 15, 0)),
        ("2024年10月4日 11:42", None, dt.datetime(2024, 10, 4, 11, 42)),
        ("2024/10/4 凌晨12:30", None, dt.datetime(2024, 10, 4, 0, 30)),
        ("22:41", None, None),
    ],
)
def test_shown_times(text: str, ref: dt.datetime | None, expected: dt.datetime | None) -> None:
    shown = parse_shown_time(text)
    assert shown is not None
    assert shown.resolve(ref) == expected


@pytest.mark.parametrize("text", ["你好", "25:10", "12:345", "3月 11:42", "还钱 22:41"])
def test_not_shown_times(text: str) -> None:
    assert parse_shown_time(text) is None


def _line(text: str, left: float, top: float, right: float, height: float = 30) -> OcrLine:
    return OcrLine(text, ((left, top), (right, top), (right, top + height), (left, top + height)), 0.99)


def test_layout_sides_multiline_bubbles_status_bar_and_notices() -> None:
    lines = [
        _line("22:50", 18, 10, 73, 20),  # status bar clock
        _line("张经理", 313, 55, 409),  # title
        _line("昨天 23:05", 305, 144, 416, 22),
        _line("你好，这个月的账单什么时候", 130, 218, 517),
        _line("还？已经逾期三天了", 129, 262, 400),
        _line("我下周一定还", 412, 330, 594),
        _line("请不要骚扰我的家人，我已经", 202, 420, 592),  # a wide right bubble ...
        _line("录音了", 200, 462, 294),  # ... whose last line is short and sits left of centre
        _line("对方撤回了一条消息", 270, 540, 450, 22),
    ]
    layout = analyse_chat(lines, 720, 1440)
    assert layout.status_bar == [0] and layout.title == "张经理"
    assert [(b.side, b.text) for b in layout.bubbles] == [
        ("left", "你好，这个月的账单什么时候还？已经逾期三天了"),
        ("right", "我下周一定还"),
        ("right", "请不要骚扰我的家人，我已经录音了"),
    ]
    assert all(b.shown_time is not None and b.shown_time.raw == "昨天 23:05" for b in layout.bubbles)
    assert [n["text"] for n in layout.notices] == ["对方撤回了一条消息"]


def test_phone_number_title_is_the_counterpart() -> None:
    layout = analyse_chat([_line("+86 138 1234 5678", 250, 55, 470), _line("还钱", 130, 300, 200)], 720, 1440)
    assert layout.title_number == "+86 138 1234 5678"


# --------------------------------------------------------------------------- real OCR


def _font_path() -> str:
    for cand in FONT_CANDIDATES:
        if Path(cand).exists():
            return cand
    pytest.skip("no CJK font (make test installs fonts-noto-cjk)")


def _need_ocr() -> None:
    pytest.importorskip(
        "rapidocr_onnxruntime", reason="OCR extra not installed (pip install 'dunguard[ocr]')"
    )


def render_chat(
    items: list[tuple[str, str]], path: Path, title: str = "张经理", width: int = 720, height: int = 1440
) -> Path:
    """A WeChat-like screenshot: avatars, white left bubbles, green right bubbles, centred times."""
    from PIL import Image, ImageDraw, ImageFont

    font_file = _font_path()
    img = Image.new("RGB", (width, height), (237, 237, 237))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(font_file, 30, index=2)
    small = ImageFont.truetype(font_file, 22, index=2)
    status = ImageFont.truetype(font_file, 20, index=2)
    draw.text((20, 8), "22:50", font=status, fill=(0, 0, 0))
    draw.text((width - 90, 8), "88%", font=status, fill=(0, 0, 0))
    draw.text(((width - draw.textlength(title, font=font)) / 2, 50), title, font=font, fill=(0, 0, 0))
    y = 140
    for kind, text in items:
        if kind == "time":
            draw.text(
                ((width - draw.textlength(text, font=small)) / 2, y), text, font=small, fill=(150, 150, 150)
            )
            y += 60
            continue
        lines: list[str] = []
        cur = ""
        for ch in text:
            if draw.textlength(cur + ch, font=font) > width * 0.58:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        lines.append(cur)
        bw = max(draw.textlength(line, font=font) for line in lines) + 36
        bh = len(lines) * 44 + 20
        if kind == "left":
            draw.rectangle((20, y, 90, y + 70), fill=(100, 140, 200))
            x0 = 110.0
            draw.rounded_rectangle((x0, y, x0 + bw, y + bh), 8, fill=(255, 255, 255))
        else:
            draw.rectangle((width - 90, y, width - 20, y + 70), fill=(200, 140, 100))
            x0 = width - 110 - bw
            draw.rounded_rectangle((x0, y, x0 + bw, y + bh), 8, fill=(149, 236, 105))
        for i, line in enumerate(lines):
            draw.text((x0 + 18, y + 10 + i * 44), line, font=font, fill=(0, 0, 0))
        y += max(bh, 70) + 30
    img.save(path)
    return path


CHAT = [
    ("time", "昨天 23:05"),
    ("left", "你好，这个月的账单什么时候还？已经逾期三天了，再不还我们就联系你的家人和通讯录里所有人"),
    ("right", "我下周一定还"),
    ("time", "22:41"),
    ("left", "今天不还就上门，让你全家都知道"),
    ("right", "请不要骚扰我的家人，我已经录音了"),
]


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted during OCR")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_chat_screenshot_import_recovers_bubbles_sides_and_times(
    home: Home, tmp_path: Path, no_network: None
) -> None:
    _need_ocr()
    from sqlalchemy import select

    from dunguard.ingest.pipeline import import_paths
    from dunguard.models import Derived, Event

    shot = render_chat(CHAT, tmp_path / "Screenshot_20241005-090000.png")
    original = shot.read_bytes()
    case = make_case(home, "截图")
    report = import_paths(home, case.id, [shot])
    fr = report.files[0]
    assert fr.status == "imported" and fr.format == "screenshot", fr.error
    assert shot.read_bytes() == original  # the image is untouched, and is the evidence
    with home.store.session() as s:
        events = s.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.locator)).all()
        derived = s.scalars(select(Derived).where(Derived.case_id == case.id)).all()
        ocr_json = json.loads((home.case_dir(case.id) / derived[0].stored_path).read_bytes())
    expected = [(kind, text) for kind, text in CHAT if kind != "time"]
    assert [e.locator for e in events] == ["bubble 1", "bubble 2", "bubble 3", "bubble 4"]
    for event, (side, text) in zip(events, expected, strict=True):
        assert event.kind == "ocr"
        assert event.direction == ("in" if side == "left" else "out")
        assert _similar(event.text or "", text) >= 0.85, (event.text, text)
        assert event.counterpart_name is not None and _similar(event.counterpart_name, "张经理") >= 0.6
    # "昨天 23:05" and "22:41" placed on the capture day from the file name (2024-10-05)
    assert events[0].time_utc == dt.datetime(2024, 10, 4, 23, 5, tzinfo=CST)
    assert events[2].time_utc == dt.datetime(2024, 10, 5, 22, 41, tzinfo=CST)
    assert events[0].extra is not None and events[0].extra["time_source"] == "screenshot+filename"
    # the derived artefact: every line with box and confidence, and the bubbles
    assert derived[0].kind == "ocr" and derived[0].producer.startswith("rapidocr-onnxruntime")
    assert all(len(line["box"]) == 4 and 0 < line["confidence"] <= 1 for line in ocr_json["lines"])
    assert [b["side"] for b in ocr_json["chat"]["bubbles"]] == ["left", "right", "left", "right"]
    # importing the same screenshot again adds nothing
    again = import_paths(home, case.id, [shot])
    assert again.files[0].inserted == 0 and again.files[0].new_original is False


def test_screenshot_with_full_dates_needs_no_reference(tmp_path: Path, no_network: None) -> None:
    _need_ocr()
    from dunguard.ingest.base import ParseContext
    from dunguard.ingest.screenshot import IMPORTER
    from dunguard.records import EventRecord

    shot = render_chat(
        [("time", "2024年10月4日 11:42"), ("left", "逾期了马上还钱"), ("right", "好的")],
        tmp_path / "photo.png",
        title="10690012345678",
    )
    records = list(IMPORTER.parse(shot, ParseContext(display_name="photo.png")))
    events = [r for r in records if isinstance(r, EventRecord)]
    assert [e.direction.value for e in events] == ["in", "out"]
    assert {e.time_utc for e in events} == {dt.datetime(2024, 10, 4, 11, 42, tzinfo=CST)}
    assert {e.extra["time_source"] for e in events} == {"screenshot"}
    assert events[0].counterpart_number == "10690012345678"


def test_without_ocr_extra_the_image_is_still_stored(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    from dunguard.ingest.pipeline import import_paths
    from dunguard.ocr import engine

    def missing() -> None:
        raise engine.OcrUnavailable(detail="No module named 'rapidocr_onnxruntime'")

    monkeypatch.setattr(engine, "_get_engine", missing)
    shot = tmp_path / "s.png"
    Image.new("RGB", (100, 200), (255, 255, 255)).save(shot)
    case = make_case(home, "无OCR")
    fr = import_paths(home, case.id, [shot]).files[0]
    assert fr.status == "imported" and fr.evidence_id is not None
    assert [n["key"] for n in fr.notes] == ["ingest_b.ocr.not_run"]


def test_broken_image_is_a_clear_error(home: Home, tmp_path: Path) -> None:
    from dunguard.ingest.pipeline import import_paths

    shot = tmp_path / "cut.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    case = make_case(home, "坏图")
    fr = import_paths(home, case.id, [shot]).files[0]
    assert fr.status == "failed" and fr.error is not None and "cut.png" in fr.error["message"]


def test_iphone_heic_screenshot(tmp_path: Path, no_network: None) -> None:
    _need_ocr()
    pytest.importorskip("pillow_heif", reason="pillow-heif not installed (HEIC is optional)")
    from PIL import Image

    from dunguard.ingest.base import ParseContext, detect
    from dunguard.ingest.screenshot import IMPORTER
    from dunguard.records import EventRecord

    png = render_chat(
        [("time", "2024年10月4日 11:42"), ("left", "再不还钱就起诉你"), ("right", "我已报警")],
        tmp_path / "a.png",
    )
    heic = tmp_path / "IMG_0001.HEIC"
    with Image.open(png) as img:
        img.save(heic, format="HEIF", quality=90)
    assert detect(heic).name == "screenshot"
    events = [
        r for r in IMPORTER.parse(heic, ParseContext(display_name=heic.name)) if isinstance(r, EventRecord)
    ]
    assert [e.direction.value for e in events] == ["in", "out"]
    assert _similar(events[0].text or "", "再不还钱就起诉你") >= 0.8


def test_long_scrolling_capture_keeps_its_first_messages() -> None:
    lines = [
        _line("22:50", 17, 11, 74, 27),
        _line("张经理", 313, 55, 409, 38),
        _line("2024年10月4日11:42", 252, 144, 467, 28),
        _line("第1条：今天必须还款，否则联", 130, 218, 535, 32),
        _line("系你的家人", 128, 260, 282, 36),
        _line("收到第1条", 454, 354, 593, 36),
    ]
    layout = analyse_chat(lines, 720, 5200)
    assert layout.status_bar == [0] and layout.title == "张经理"
    assert [(b.side, b.text) for b in layout.bubbles] == [
        ("left", "第1条：今天必须还款，否则联系你的家人"),
        ("right", "收到第1条"),
    ]
