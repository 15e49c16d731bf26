"""Recover a chat from OCR lines: message bubbles, their side, and the times shown.

Pure geometry on :class:`~dunguard.ocr.engine.OcrLine` boxes, no image access, so it is
tested without running OCR.  The layout rules fit WeChat, QQ and the SMS apps of Chinese
phones: the counterpart's bubbles hang on the left (incoming), the owner's on the right
(outgoing), times and system notices ("对方撤回了一条消息") are centred between them.

1. Lines in the status bar (the top 5% of a phone-shaped image, at most 10% of its width
   for long scrolling captures) are set aside.
2. Lines are grouped into blocks: vertically close and left-aligned (wrapped bubble text).
3. A block centred with wide margins on both sides is a time (if it parses as one) or a
   notice; the first centred block near the top is the screen title.
4. Other blocks are left or right by their margins; a block that nearly spans the width is
   decided by which edge it shares with the clearly-left / clearly-right blocks.
5. Each bubble takes the latest shown time above it.

Shown times: ``22:41``, ``昨天 23:05``, ``星期五 11:42``, ``10月4日 晚上11:42``,
``2024年10月4日 11:42``, ``2024/10/4 11:42``, with 上午/下午/晚上/凌晨/中午.  Only a time
with a full date is *established* from the screenshot alone; the others need a reference
day (the capture time from the file name, else the file's modification time) and say so.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from dunguard.ocr.engine import OcrLine

__all__ = ["Bubble", "ChatLayout", "ShownTime", "analyse_chat", "parse_shown_time"]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_PM = {"下午", "晚上", "傍晚", "中午"}
_SHOWN = re.compile(
    r"^(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月(?P<d>\d{1,2})日)?"
    r"(?:(?P<y2>\d{4})[/-](?P<m2>\d{1,2})[/-](?P<d2>\d{1,2}))?"
    r"(?P<rel>今天|昨天|前天)?"
    r"(?:(?:星期|周)(?P<wd>[一二三四五六日天]))?"
    r"(?P<period>上午|下午|晚上|凌晨|早上|中午|傍晚)?"
    r"(?P<h>\d{1,2})[:：](?P<min>\d{2})$"
)
_PHONE_TITLE = re.compile(r"^\+?[\d\s\-()]{5,20}$")


@dataclass(slots=True, frozen=True)
class ShownTime:
    """A time as the chat app displayed it; ``resolve`` turns it into a wall-clock time."""

    raw: str
    hour: int
    minute: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    day_offset: int | None = None  # 0 today, -1 昨天, -2 前天
    weekday: int | None = None  # 0 = Monday

    @property
    def has_full_date(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None

    def resolve(self, reference: dt.datetime | None) -> dt.datetime | None:
        """Naive local wall-clock time; ``None`` if it needs a reference day and has none."""
        try:
            if self.has_full_date:
                assert self.year is not None and self.month is not None and self.day is not None
                return dt.datetime(self.year, self.month, self.day, self.hour, self.minute)
            if reference is None:
                return None
            ref_day = reference.date()
            if self.month is not None and self.day is not None:
                day = dt.date(ref_day.year, self.month, self.day)
                if day > ref_day + dt.timedelta(days=1):
                    day = dt.date(ref_day.year - 1, self.month, self.day)
            elif self.day_offset is not None:
                day = ref_day + dt.timedelta(days=self.day_offset)
            elif self.weekday is not None:
                back = (ref_day.weekday() - self.weekday) % 7 or 7
                day = ref_day - dt.timedelta(days=back)
            else:
                day = ref_day
            return dt.datetime(day.year, day.month, day.day, self.hour, self.minute)
        except ValueError:
            return None


def parse_shown_time(text: str) -> ShownTime | None:
    """Parse a time label as chat apps show it (see module doc); ``None`` if it isn't one."""
    compact = re.sub(r"\s+", "", text)
    m = _SHOWN.match(compact)
    if m is None:
        return None
    hour, minute = int(m["h"]), int(m["min"])
    period = m["period"]
    if period in _PM and hour < 12 and not (period == "中午" and hour >= 11):
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    year = m["y"] or m["y2"]
    month = m["m"] or m["m2"]
    day = m["d"] or m["d2"]
    if (month is None) != (day is None):
        return None
    rel = {"今天": 0, "昨天": -1, "前天": -2}.get(m["rel"] or "")
    wd = _WEEKDAYS.get(m["wd"] or "")
    return ShownTime(
        raw=text.strip(),
        hour=hour,
        minute=minute,
        year=int(year) if year and month else None,
        month=int(month) if month else None,
        day=int(day) if day else None,
        day_offset=rel,
        weekday=wd,
    )


@dataclass(slots=True)
class _Block:
    lines: list[int]
    left: float
    right: float
    top: float
    bottom: float

    def add(self, index: int, line: OcrLine) -> None:
        self.lines.append(index)
        self.left = min(self.left, line.left)
        self.right = max(self.right, line.right)
        self.bottom = max(self.bottom, line.bottom)


@dataclass(slots=True)
class Bubble:
    n: int
    side: str  # "left" (counterpart, incoming) or "right" (owner, outgoing)
    text: str
    lines: list[int]
    box: tuple[float, float, float, float]  # left, top, right, bottom
    confidence: float
    shown_time: ShownTime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "side": self.side,
            "text": self.text,
            "lines": self.lines,
            "box": [round(v, 1) for v in self.box],
            "confidence": round(self.confidence, 4),
            "shown_time": self.shown_time.raw if self.shown_time else None,
        }


@dataclass(slots=True)
class ChatLayout:
    bubbles: list[Bubble] = field(default_factory=list)
    times: list[dict[str, Any]] = field(default_factory=list)  # {"text", "line"}
    notices: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    status_bar: list[int] = field(default_factory=list)

    @property
    def title_number(self) -> str | None:
        """The screen title when it is a phone number (SMS threads with an unsaved sender)."""
        if self.title and _PHONE_TITLE.match(self.title) and sum(ch.isdigit() for ch in self.title) >= 5:
            return self.title
        return None


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            out += " "
        out += part
    return out


def analyse_chat(lines: tuple[OcrLine, ...] | list[OcrLine], width: int, height: int) -> ChatLayout:
    """Group OCR lines into bubbles with sides and shown times (see module doc)."""
    layout = ChatLayout()
    if not lines or width <= 0 or height <= 0:
        return layout
    phone_shaped = height > 1.3 * width
    line_h = statistics.median(ln.height for ln in lines) or 1.0
    align_tol = 0.035 * width
    # the screen's top bars scale with its width, not with a long (scrolling) capture's height
    status_bottom = min(0.05 * height, 0.1 * width)
    title_bottom = min(0.15 * height, 0.3 * width)

    blocks: list[_Block] = []
    for i, line in enumerate(lines):
        if phone_shaped and line.bottom < status_bottom:
            layout.status_bar.append(i)
            continue
        prev = blocks[-1] if blocks else None
        if (
            prev is not None
            and line.top - prev.bottom < 0.8 * line_h
            and abs(line.left - prev.left) < align_tol
            and parse_shown_time(line.text) is None
        ):
            prev.add(i, line)
        else:
            blocks.append(_Block([i], line.left, line.right, line.top, line.bottom))

    def margins(b: _Block) -> tuple[float, float]:
        return b.left / width, (width - b.right) / width

    def centred(b: _Block) -> bool:
        lm, rm = margins(b)
        return abs(lm - rm) < 0.1 and min(lm, rm) > 0.22

    clear_left = [b.left for b in blocks if not centred(b) and margins(b)[0] < 0.3 and margins(b)[1] > 0.3]
    clear_right = [b.right for b in blocks if not centred(b) and margins(b)[1] < 0.3 and margins(b)[0] > 0.3]
    left_edge = statistics.median(clear_left) if clear_left else None
    right_edge = statistics.median(clear_right) if clear_right else None

    current: ShownTime | None = None
    for b in blocks:
        text = _join([lines[i].text for i in b.lines])
        if centred(b):
            shown = parse_shown_time(text)
            if shown is not None:
                current = shown
                layout.times.append({"text": text, "lines": b.lines})
            elif layout.title is None and not layout.bubbles and not layout.times and b.top < title_bottom:
                layout.title = text
            else:
                layout.notices.append({"text": text, "lines": b.lines})
            continue
        lm, rm = margins(b)
        if left_edge is not None and right_edge is not None and min(lm, rm) < 0.3 and max(lm, rm) < 0.3:
            side = "left" if abs(b.left - left_edge) <= abs(b.right - right_edge) else "right"
        else:
            side = "left" if lm <= rm else "right"
        conf = min(lines[i].confidence for i in b.lines)
        layout.bubbles.append(
            Bubble(
                n=len(layout.bubbles) + 1,
                side=side,
                text=text,
                lines=b.lines,
                box=(b.left, b.top, b.right, b.bottom),
                confidence=conf,
                shown_time=current,
            )
        )
    return layout
