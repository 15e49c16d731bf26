"""Inline SVG charts (no JavaScript, no inline style: colours are presentation attributes,
so they pass the strict Content-Security-Policy).  Only numbers and dates go into them;
every text node is escaped anyway."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from dunguard.i18n import t

WIDTH = 720
HEIGHT = 180
WEEKDAYS_KEY = "web.chart.weekday.{}"


def _weekly(daily: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    out: dict[dt.date, int] = {}
    for day, n in daily:
        start = day - dt.timedelta(days=day.weekday())
        out[start] = out.get(start, 0) + n
    return sorted(out.items())


def daily_bars(daily: list[tuple[dt.date, int]]) -> Markup:
    """Events per local day as bars (per week when the span exceeds a year)."""
    if not daily:
        return Markup("")
    weekly = len(daily) > 366
    series = _weekly(daily) if weekly else daily
    top = max(n for _, n in series) or 1
    left, bottom = 40, 24
    plot_w, plot_h = WIDTH - left - 8, HEIGHT - bottom - 8
    bar_w = plot_w / len(series)
    title = t("web.chart.daily_weekly" if weekly else "web.chart.daily")
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="daily-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="daily-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{8 + plot_h}" x2="{WIDTH - 8}" y2="{8 + plot_h}" stroke="#555"/>',
        f'<text x="{left - 4}" y="16" text-anchor="end" font-size="11" fill="#333">{top}</text>',
        f'<text x="{left - 4}" y="{8 + plot_h}" text-anchor="end" font-size="11" fill="#333">0</text>',
    ]
    for i, (day, n) in enumerate(series):
        h = plot_h * n / top
        x = left + i * bar_w
        parts.append(
            f'<rect x="{x:.2f}" y="{8 + plot_h - h:.2f}" width="{max(bar_w - 1, 0.5):.2f}" height="{h:.2f}" '
            f'fill="#b3261e"><title>{day.isoformat()}: {n}</title></rect>'
        )
    ticks = {0, len(series) - 1, len(series) // 2}
    for i in sorted(ticks):
        day = series[i][0]
        x = left + i * bar_w + bar_w / 2
        anchor = "start" if i == 0 else "end" if i == len(series) - 1 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" font-size="11" fill="#333">'
            f"{day.isoformat()}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _shade(value: int, top: int) -> str:
    """White → dark red; 0 stays near-white grey so empty cells remain visible."""
    if value <= 0 or top <= 0:
        return "#f1f1f1"
    frac = 0.15 + 0.85 * (value / top)
    r = round(255 + (139 - 255) * frac)
    g = round(235 + (0 - 235) * frac)
    b = round(230 + (0 - 230) * frac)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map(heat: list[list[int]]) -> Markup:
    """Hour of day × weekday, local time of the case."""
    top = max((max(row) for row in heat), default=0)
    if top == 0:
        return Markup("")
    left, topm, cell = 44, 18, 27
    width, height = left + 24 * cell + 4, topm + 7 * cell + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="heat-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="heat-title">{escape(t("web.chart.heat"))}</title>'
    ]
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{left + hour * cell + cell / 2}" y="12" text-anchor="middle" font-size="11" '
            f'fill="#333">{hour}</text>'
        )
    for wd in range(7):
        y = topm + wd * cell
        label = escape(t(WEEKDAYS_KEY.format(wd)))
        parts.append(
            f'<text x="{left - 4}" y="{y + cell / 2 + 4}" text-anchor="end" font-size="11" fill="#333">{label}</text>'
        )
        for hour in range(24):
            n = heat[wd][hour]
            parts.append(
                f'<rect x="{left + hour * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{_shade(n, top)}"><title>{label} {hour:02d}:00–{hour:02d}:59: {n}</title></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def hbars(items: list[tuple[str, int]], title: str, chart_id: str) -> Markup:
    """Horizontal bars with a text label each (labels are escaped: they may come from messages)."""
    if not items:
        return Markup("")
    top = max(n for _, n in items) or 1
    label_w, row_h, right = 230, 26, 60
    height = row_h * len(items) + 8
    plot_w = WIDTH - label_w - right
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}">{escape(title)}</title>'
    ]
    for i, (label, n) in enumerate(items):
        y = 4 + i * row_h
        w = plot_w * n / top
        shown = label if len(label) <= 16 else label[:15] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4}" text-anchor="end" font-size="13" fill="#1b1b1b">'
            f"{escape(shown)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 8}" fill="#17324d">'
            f"<title>{escape(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 4}" font-size="13" fill="#1b1b1b">{n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
