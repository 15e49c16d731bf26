"""Small inline SVG charts for the case report, drawn by hand (no JavaScript, no library).

Each function returns one ``<svg>`` string that works in a browser and in WeasyPrint.
All text is escaped; sizes are fixed so a report looks the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from html import escape

FONT = 'font-family="Noto Sans CJK SC, Noto Sans, sans-serif"'
MSG_COLOR = "#3b6fb6"
CALL_COLOR = "#e08a2c"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def per_day(days: list[dt.date], messages: dict[dt.date, int], calls: dict[dt.date, int],
            title: str = "每日短信和通话", labels: tuple[str, str] = ("短信/消息", "通话")) -> str:
    """Grouped bars: messages and calls per day."""
    width, height, left, bottom, top = 680, 220, 36, 40, 24
    n = max(len(days), 1)
    peak = max([1, *messages.values(), *calls.values()])
    slot = (width - left - 10) / n
    bar = max(1.0, min(14.0, slot / 2 - 1))
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#888"/>']
    scale = (height - bottom - top) / peak
    for tick in sorted({0, peak // 2, peak}):
        y = height - bottom - tick * scale
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" {FONT}>{tick}</text>')
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 5}" y2="{y:.1f}" stroke="#eee"/>')
    every = max(1, n // 12)
    for i, d in enumerate(days):
        x = left + i * slot + slot / 2
        for j, (series, color) in enumerate(((messages, MSG_COLOR), (calls, CALL_COLOR))):
            v = series.get(d, 0)
            h = v * scale
            bx = x - bar + j * bar
            body.append(f'<rect x="{bx:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                        f'fill="{color}"><title>{d.isoformat()} {escape(labels[j])} {v}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" '
                        f'{FONT}>{d.month}/{d.day}</text>')
    for j, (name, color) in enumerate(zip(labels, (MSG_COLOR, CALL_COLOR), strict=True)):
        x = left + j * 110
        body.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14}" y="15" font-size="11" {FONT}>{escape(name)}</text>')
    return _svg(width, height, body, title)


WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


def heatmap(grid: list[list[int]], title: str = "一周 × 24 小时分布", night: tuple[int, int] = (22, 8)) -> str:
    """7 × 24 heat map (rows Monday..Sunday, columns hours); night hours are outlined."""
    cell, left, top = 22, 30, 22
    width, height = left + 24 * cell + 10, top + 7 * cell + 26
    peak = max([1, *(v for row in grid for v in row)])
    body: list[str] = []
    for h in range(24):
        body.append(f'<text x="{left + h * cell + cell / 2}" y="{top - 6}" font-size="9" text-anchor="middle" '
                    f'{FONT}>{h}</text>')
    for r in range(7):
        body.append(f'<text x="{left - 6}" y="{top + r * cell + 15}" font-size="11" text-anchor="end" '
                    f'{FONT}>{WEEKDAYS_ZH[r]}</text>')
        for h in range(24):
            v = grid[r][h]
            alpha = 0.0 if v == 0 else 0.15 + 0.85 * v / peak
            is_night = h >= night[0] or h < night[1]
            stroke = "#b00020" if is_night else "#ddd"
            body.append(f'<rect x="{left + h * cell}" y="{top + r * cell}" width="{cell - 1}" height="{cell - 1}" '
                        f'fill="rgba(176,0,32,{alpha:.2f})" stroke="{stroke}" stroke-width="0.6">'
                        f"<title>周{WEEKDAYS_ZH[r]} {h}:00 — {v}</title></rect>")
    body.append(f'<text x="{left}" y="{height - 6}" font-size="10" fill="#b00020" {FONT}>'
                f"红框：22:00–8:00（夜间）；颜色越深次数越多（最多 {peak}）</text>")
    return _svg(width, height, body, title)


def hbars(items: list[tuple[str, int]], title: str, color: str = MSG_COLOR) -> str:
    """Horizontal bars (label, value), largest first."""
    row, left, width = 22, 190, 680
    items = items[:12]
    height = max(1, len(items)) * row + 10
    peak = max([1, *(v for _, v in items)])
    body: list[str] = []
    for i, (label, v) in enumerate(items):
        y = 5 + i * row
        w = (width - left - 50) * v / peak
        body.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end" {FONT}>'
                    f"{escape(label[:28])}</text>")
        body.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{color}"/>')
        body.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11" {FONT}>{v}</text>')
    if not items:
        body.append(f'<text x="10" y="20" font-size="11" {FONT}>—</text>')
    return _svg(width, height, body, title)
