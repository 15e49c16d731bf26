"""Parsing what users type or export: amounts, rates, dates, ``12x950`` and payment CSV files.

Every parser raises a :class:`~dunguard.errors.DunGuardError` subclass with a message key
that names the value (and for files the file and line), never a bare exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dunguard.errors import FormatError, InputError, UsageError
from dunguard.finance.money import parse_money
from dunguard.finance.schedule import MAX_PERIODS
from dunguard.i18n import t

MAX_CSV_BYTES = 5 * 1024 * 1024
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SPEC_RE = re.compile(r"^\s*(\d{1,5})\s*[x×X*]\s*([^\s,，]+)\s*$")


def parse_date(text: str, *, what: str = "date") -> dt.date:
    """``2025-06-01``, ``2025/6/1``, ``2025.06.01`` or ``2025年6月1日``."""
    m = _DATE_RE.match(text or "")
    if not m:
        raise UsageError("finance.date.bad", what=what, value=text)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError("finance.date.bad", what=what, value=text) from None


def parse_rate(text: str | Decimal, *, what: str = "rate") -> Decimal:
    """An annual rate: ``18%`` or ``0.18`` → 0.18; a bare number ≥ 1 is read as percent."""
    raw = str(text).strip()
    percent = raw.endswith(("%", "％"))
    try:
        value = Decimal(raw.rstrip("%％").strip())
    except InvalidOperation:
        raise UsageError("finance.rate.bad", what=what, value=raw) from None
    if not value.is_finite() or value < 0 or value > 10000:
        raise UsageError("finance.rate.bad", what=what, value=raw)
    if percent or value >= 1:
        value = value / 100
    if value > 100:  # 10,000 % a year: a typo
        raise UsageError("finance.rate.bad", what=what, value=raw)
    return value


def parse_payments_spec(spec: str) -> list[Decimal]:
    """``12x950`` → twelve payments of 950; ``3x1000,9x950`` or ``1000,1000,950`` also work."""
    amounts: list[Decimal] = []
    parts = [p for p in re.split(r"[,，;；]", spec or "") if p.strip()]
    if not parts:
        raise UsageError("finance.apr.bad_payments", value=spec)
    for part in parts:
        m = _SPEC_RE.match(part)
        if m:
            count = int(m.group(1))
            if count < 1:
                raise UsageError("finance.apr.bad_payments", value=spec)
            amount = parse_money(m.group(2), what=part.strip())
        else:
            count, amount = 1, parse_money(part.strip(), what=part.strip())
        if len(amounts) + count > MAX_PERIODS:
            raise UsageError("finance.schedule.bad_periods", value=len(amounts) + count, max=MAX_PERIODS)
        amounts.extend([amount] * count)
    return amounts


def read_schedule_csv(path: Path) -> list[tuple[dt.date, Decimal]]:
    """Dated payments from a CSV file: ``date,amount`` per line; a header line is optional.

    Accepts UTF-8 (with or without BOM) and GBK (Excel on Chinese Windows); extra columns are
    ignored; blank lines and lines starting with ``#`` are skipped.
    """
    if not path.exists():
        raise InputError("error.path.missing", path=str(path))
    if path.is_dir():
        raise InputError("error.path.is_dir", path=str(path))
    if path.stat().st_size > MAX_CSV_BYTES:
        raise InputError("error.hostile", path=str(path), reason=f"> {MAX_CSV_BYTES} bytes")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gbk")
        except UnicodeDecodeError:
            raise FormatError("finance.csv.bad_row", path=str(path), line=1, reason=t("finance.csv.bad_encoding")) from None
    rows: list[tuple[dt.date, Decimal]] = []
    header_allowed = True
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FormatError("finance.csv.bad_row", path=str(path), line=1, reason=str(exc)) from None
    for lineno, row in enumerate(table, start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) < 2:
            raise FormatError("finance.csv.bad_row", path=str(path), line=lineno, reason=t("finance.csv.bad_amount", value=""))
        if header_allowed and not any(ch.isdigit() for ch in cells[0]):
            header_allowed = False  # a header such as "date,amount" / "日期,金额"
            continue
        header_allowed = False
        try:
            when = parse_date(cells[0])
        except UsageError:
            raise FormatError("finance.csv.bad_row", path=str(path), line=lineno,
                              reason=t("finance.csv.bad_date", value=cells[0])) from None
        try:
            amount = parse_money(cells[1])
        except UsageError:
            raise FormatError("finance.csv.bad_row", path=str(path), line=lineno,
                              reason=t("finance.csv.bad_amount", value=cells[1])) from None
        rows.append((when, amount))
    if not rows:
        raise FormatError("finance.csv.empty", path=str(path))
    return rows




def _split_spec(spec: str) -> list[str]:
    return [p.strip() for p in re.split(r"[:：]", spec)]


def parse_dated_amount(spec: str, *, what: str) -> tuple[dt.date, Decimal]:
    """``2025-07-01:950`` → (date, amount)."""
    parts = _split_spec(spec)
    if len(parts) != 2:
        raise UsageError("finance.spec.dated_amount", what=what, value=spec)
    return parse_date(parts[0], what=what), parse_money(parts[1], what=what)


def parse_fee_spec(spec: str) -> tuple[str, Decimal, str, dt.date | None]:
    """``服务费:600`` / ``会员费:50:per_period`` / ``担保费:300:on_date:2025-07-01``.

    Timings: ``deducted`` (kept back from the money paid out), ``upfront`` (paid on the loan
    date, the default), ``per_period`` (with every instalment), ``on_date`` (once, on a date).
    """
    parts = _split_spec(spec)
    timings = ("deducted", "upfront", "per_period", "on_date")
    if len(parts) < 2 or len(parts) > 4 or not parts[0]:
        raise UsageError("finance.spec.fee", value=spec)
    name, amount = parts[0], parse_money(parts[1], what=parts[0])
    timing = parts[2] if len(parts) >= 3 else "upfront"
    if timing not in timings:
        raise UsageError("finance.spec.fee", value=spec)
    when = parse_date(parts[3], what=name) if len(parts) == 4 else None
    if timing == "on_date" and when is None:
        raise UsageError("finance.fee.needs_date", name=name)
    return name, amount, timing, when


__all__ = ["parse_date", "parse_dated_amount", "parse_fee_spec", "parse_payments_spec", "parse_rate", "read_schedule_csv"]
