"""Repayment schedules: 等额本息, 等额本金, 先息后本, one-off, or an explicit dated list.

A schedule is a list of :class:`Instalment` (date, principal part, interest part, fee part),
all in Decimal fen.  Builders round each period's interest to the fen and let the *last*
instalment absorb the rounding, so the principal parts always sum to the principal exactly
and the totals sum to principal + interest + fees exactly, to the fen.

Periodic rates are the contract's nominal annual rate divided by the periods per year
(12 for months, 52 for weeks, 365 for days): that is how lenders quote "月利率" and "日利率".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from dunguard.errors import UsageError
from dunguard.finance.money import FEN, ZERO, fen, total

MAX_PERIODS = 3660  # ten years of daily payments; more is a typo


class Frequency(StrEnum):
    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    @property
    def per_year(self) -> int:
        return {"month": 12, "week": 52, "day": 365}[self.value]


class Method(StrEnum):
    ANNUITY = "annuity"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_ONLY = "interest_only"  # 先息后本
    BULLET = "bullet"  # 一次性还本付息
    EXPLICIT = "explicit"  # the actual dated list of payments


@dataclass(frozen=True, slots=True)
class Instalment:
    seq: int
    date: dt.date
    principal: Decimal
    interest: Decimal
    fee: Decimal = ZERO

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest + self.fee


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` months, clamped to the month's last day (Jan 31 → Feb 28)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def due_date(start: dt.date, frequency: Frequency, k: int) -> dt.date:
    """The date of the ``k``-th period after ``start`` (k = 1 is the first due date)."""
    if frequency is Frequency.MONTH:
        return add_months(start, k)
    if frequency is Frequency.WEEK:
        return start + dt.timedelta(weeks=k)
    return start + dt.timedelta(days=k)


def period_rate(annual_rate: Decimal, frequency: Frequency) -> Decimal:
    return annual_rate / frequency.per_year


def _check(principal: Decimal, periods: int, annual_rate: Decimal) -> None:
    if principal <= 0:
        raise UsageError("finance.schedule.bad_principal", value=principal)
    if periods < 1 or periods > MAX_PERIODS:
        raise UsageError("finance.schedule.bad_periods", value=periods, max=MAX_PERIODS)
    if annual_rate < 0:
        raise UsageError("finance.schedule.negative_rate", value=annual_rate)


def build(
    method: Method,
    principal: Decimal,
    annual_rate: Decimal,
    periods: int,
    start: dt.date,
    frequency: Frequency = Frequency.MONTH,
    fee_per_period: Decimal = ZERO,
) -> list[Instalment]:
    """Build the contractual schedule of a loan (not for ``Method.EXPLICIT``)."""
    principal = fen(principal)
    _check(principal, periods, annual_rate)
    r = period_rate(Decimal(annual_rate), frequency)
    fee_per_period = fen(fee_per_period)
    if method is Method.ANNUITY:
        rows = _annuity(principal, r, periods)
    elif method is Method.EQUAL_PRINCIPAL:
        rows = _equal_principal(principal, r, periods)
    elif method is Method.INTEREST_ONLY:
        rows = [(ZERO, fen(principal * r)) for _ in range(periods - 1)]
        rows.append((principal, fen(principal * r)))
    elif method is Method.BULLET:
        # one payment at the end of the term: simple interest for the whole term, fees once
        when = due_date(start, frequency, periods)
        return [Instalment(1, when, principal, fen(principal * r * periods), fen(fee_per_period * periods))]
    else:
        raise UsageError("finance.schedule.explicit_needs_list")
    return [
        Instalment(k, due_date(start, frequency, k), p, i, fee_per_period)
        for k, (p, i) in enumerate(rows, start=1)
    ]


def level_payment(principal: Decimal, r: Decimal, periods: int) -> Decimal:
    """The 等额本息 instalment ``P·r·(1+r)^n / ((1+r)^n − 1)``, rounded to the fen."""
    if r == 0:
        return fen(principal / periods)
    growth = (1 + r) ** periods
    return fen(principal * r * growth / (growth - 1))


def _annuity(principal: Decimal, r: Decimal, periods: int) -> list[tuple[Decimal, Decimal]]:
    payment = level_payment(principal, r, periods)
    balance = principal
    rows: list[tuple[Decimal, Decimal]] = []
    for k in range(1, periods + 1):
        interest = fen(balance * r)
        part = balance if k == periods else min(balance, max(ZERO, payment - interest))
        rows.append((part, interest))
        balance -= part
    return rows


def _equal_principal(principal: Decimal, r: Decimal, periods: int) -> list[tuple[Decimal, Decimal]]:
    part = fen(principal / periods)
    balance = principal
    rows: list[tuple[Decimal, Decimal]] = []
    for k in range(1, periods + 1):
        interest = fen(balance * r)
        this = balance if k == periods else min(part, balance)
        rows.append((this, interest))
        balance -= this
    return rows


def explicit(payments: list[tuple[dt.date, Decimal]], start: dt.date) -> list[Instalment]:
    """A schedule from the actual dated payments (amounts are totals: no split is known)."""
    if not payments:
        raise UsageError("finance.schedule.no_payments")
    rows: list[Instalment] = []
    for k, (when, amount) in enumerate(sorted(payments, key=lambda p: p[0]), start=1):
        if when < start:
            raise UsageError("finance.schedule.before_loan", date=when.isoformat(), start=start.isoformat())
        if amount <= 0:
            raise UsageError("finance.money.negative", what=f"#{k}", value=amount)
        rows.append(Instalment(k, when, ZERO, ZERO, fen(amount)))
    return rows


def repeat(amount: Decimal, count: int, start: dt.date, frequency: Frequency) -> list[Instalment]:
    """``count`` equal payments of ``amount``, the first one period after ``start``."""
    if count < 1 or count > MAX_PERIODS:
        raise UsageError("finance.schedule.bad_periods", value=count, max=MAX_PERIODS)
    return [Instalment(k, due_date(start, frequency, k), ZERO, ZERO, fen(amount)) for k in range(1, count + 1)]


def schedule_total(rows: list[Instalment]) -> Decimal:
    return total(r.amount for r in rows)


def interest_total(rows: list[Instalment]) -> Decimal:
    return total(r.interest for r in rows)


__all__ = [
    "FEN",
    "MAX_PERIODS",
    "Frequency",
    "Instalment",
    "Method",
    "add_months",
    "build",
    "due_date",
    "explicit",
    "interest_total",
    "level_payment",
    "period_rate",
    "repeat",
    "schedule_total",
]
