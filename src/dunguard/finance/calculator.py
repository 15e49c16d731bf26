"""The case-free calculator behind ``dunguard apr``: anyone holding a loan offer can check it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dunguard.finance.caps import ILLEGAL_LENDING_LINE, LICENSED_LINE, latest_lpr
from dunguard.finance.cost import CostReport, cost_of_flows
from dunguard.finance.money import ZERO
from dunguard.finance.schedule import Frequency, Instalment, add_months, due_date, explicit


def loan_date_for(first: dt.date | None, start: dt.date | None, every: Frequency) -> dt.date:
    """The loan date: ``start`` if given, else one period before ``first``, else today."""
    if start is not None:
        return start
    if first is not None:
        if every is Frequency.MONTH:
            return add_months(first, -1)
        return first - dt.timedelta(days=7 if every is Frequency.WEEK else 1)
    return dt.date.today()


def apr_regular(
    received: Decimal,
    amounts: list[Decimal],
    *,
    every: Frequency = Frequency.MONTH,
    principal: Decimal | None = None,
    start: dt.date | None = None,
    first: dt.date | None = None,
    upfront_fees: Decimal = ZERO,
) -> CostReport:
    """APR of equal-interval payments (``amounts[k]`` due k+1 periods after the loan date)."""
    loan_date = loan_date_for(first, start, every)
    if first is not None and first != due_date(loan_date, every, 1):
        # the first payment is not one period after the loan: dated flows, daily IRR
        dated = [(due_date(first, every, k), amount) for k, amount in enumerate(amounts)]
        return cost_of_flows(received, loan_date, explicit(dated, loan_date), principal=principal,
                             frequency=None, upfront_fees=upfront_fees)
    rows = [Instalment(k, due_date(loan_date, every, k), ZERO, ZERO, amount)
            for k, amount in enumerate(amounts, start=1)]
    return cost_of_flows(received, loan_date, rows, principal=principal, frequency=every,
                         upfront_fees=upfront_fees)


def apr_dated(
    received: Decimal,
    payments: list[tuple[dt.date, Decimal]],
    start: dt.date,
    *,
    principal: Decimal | None = None,
    upfront_fees: Decimal = ZERO,
) -> CostReport:
    """APR of dated payments (daily IRR × 365)."""
    return cost_of_flows(received, start, explicit(payments, start), principal=principal, frequency=None,
                         upfront_fees=upfront_fees)


def reference_lines() -> dict[str, Any]:
    """The legal lines to compare an APR against (private-lending line at today's LPR)."""
    lpr = latest_lpr()
    return {
        "private_4lpr": float(lpr.rate * 4),
        "lpr": float(lpr.rate),
        "lpr_from": lpr.effective_from.isoformat(),
        "licensed_24": LICENSED_LINE,
        "illegal_36": ILLEGAL_LENDING_LINE,
    }


__all__ = ["apr_dated", "apr_regular", "loan_date_for", "reference_lines"]
