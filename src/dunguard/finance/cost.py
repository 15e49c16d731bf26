"""The true annual cost of a loan beside what the lender advertises.

``apr`` is the IRR method regulators require for 年化利率 / 年化综合资金成本: the rate per
period that equates what the borrower really received with everything paid back (interest,
service fees, 会员费, 担保费 ...), times the periods per year.  ``apr_compounded`` is the same
rate compounded over a year, ``(1 + r)^n − 1`` (the effective rate).

"Advertised" figures are what lenders put on the screen: a contract rate, or for fee-based
products the flat figures ``total cost ÷ principal ÷ months`` ("月利率") × 12 and ``÷ days``
("日利率").  The gap between them and the IRR is the point of this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dunguard.errors import InputError, UsageError
from dunguard.finance import irr as irr_mod
from dunguard.finance.money import ZERO, fen, total
from dunguard.finance.schedule import Frequency, Instalment, Method
from dunguard.finance.terms import FeeTiming, LoanTerms

DAYS_PER_MONTH = Decimal(365) / 12
DAILY_RATE_BASIS = 360  # lenders quote 日利率 = 年利率 / 360


@dataclass(slots=True)
class Advertised:
    basis: str  # "contract" (the contract's nominal rate) or "flat" (cost ÷ principal ÷ time)
    annual: float  # "monthly × 12" (or the contract's nominal annual rate)
    monthly: float
    daily: float


@dataclass(slots=True)
class CostReport:
    principal: Decimal
    received: Decimal
    kantou: Decimal  # 砍头息: principal − received
    total_repaid: Decimal  # everything the borrower pays after the loan date, incl. fees
    upfront_fees: Decimal  # paid separately on the loan date
    total_cost: Decimal  # total_repaid + upfront_fees − received
    term_days: int
    periods_per_year: int
    rate_per_period: float
    apr: float  # nominal: rate per period × periods per year
    apr_compounded: float | None  # effective; None if beyond float range
    advertised: Advertised
    basis: str  # "period" (regular: IRR per period), "daily" (dated: daily IRR), "single" (one payment)
    notes: list[str] = field(default_factory=list)  # message keys for the reader

    @property
    def gap(self) -> float:
        return self.apr - self.advertised.annual

    def to_dict(self) -> dict[str, Any]:
        return {
            "apr": self.apr,
            "apr_compounded": self.apr_compounded,
            "rate_per_period": self.rate_per_period,
            "periods_per_year": self.periods_per_year,
            "basis": self.basis,
            "principal": str(self.principal),
            "received": str(self.received),
            "kantou": str(self.kantou),
            "total_repaid": str(self.total_repaid),
            "upfront_fees": str(self.upfront_fees),
            "total_cost": str(self.total_cost),
            "term_days": self.term_days,
            "advertised": {
                "basis": self.advertised.basis,
                "annual": self.advertised.annual,
                "monthly": self.advertised.monthly,
                "daily": self.advertised.daily,
            },
            "gap": self.gap,
            "notes": list(self.notes),
        }


def cost_of_flows(
    received: Decimal,
    start: dt.date,
    instalments: list[Instalment],
    *,
    principal: Decimal | None = None,
    frequency: Frequency | None = Frequency.MONTH,
    upfront_fees: Decimal = ZERO,
    other_flows: list[tuple[dt.date, Decimal]] | None = None,
    contract_rate: Decimal | None = None,
) -> CostReport:
    """Cost of receiving ``received`` on ``start`` and paying ``instalments`` back.

    ``frequency`` set and no ``other_flows``: the instalments are regular periods and the
    rate is the IRR per period × periods per year.  ``frequency=None``: dated flows, daily
    IRR × 365; with a single repayment date the simple rate (cost ÷ received × 365 ÷ days).  Raises :class:`InputError` (``finance.apr.*``) when the schedule is impossible.
    """
    received = fen(received)
    principal = fen(principal) if principal is not None else received
    other_flows = other_flows or []
    if received <= 0:
        raise UsageError("finance.money.zero", what="received", value=received)
    if not instalments and not other_flows:
        raise UsageError("finance.schedule.no_payments")
    for when, _ in [(i.date, i.amount) for i in instalments] + other_flows:
        if when < start:
            raise InputError("finance.schedule.before_loan", date=when.isoformat(), start=start.isoformat())
    repaid = total([i.amount for i in instalments] + [a for _, a in other_flows])
    net_received = received - fen(upfront_fees)
    if net_received <= 0:
        raise InputError("finance.apr.fees_exceed_received", received=received, fees=upfront_fees)
    if repaid < net_received:
        raise InputError("finance.apr.negative", paid=repaid, received=net_received)
    last = max([i.date for i in instalments] + [d for d, _ in other_flows])
    term_days = (last - start).days
    if term_days <= 0:
        raise InputError("finance.apr.same_day")
    regular = frequency is not None and not other_flows and _is_regular(instalments)
    single = len({i.date for i in instalments} | {d for d, _ in other_flows}) == 1
    basis = "period" if regular else ("single" if single else "daily")
    compounded: float | None = None
    if repaid == net_received:
        per_period = 0.0
        per_year = frequency.per_year if regular and frequency is not None else 365
    elif regular and frequency is not None:
        per_year = frequency.per_year
        flows = [net_received] + [-i.amount for i in instalments]
        per_period = irr_mod.irr(flows)
    elif single:
        # a single repayment date (one-off loan): the period is the whole term, so the rate
        # is the simple annualised one, interest ÷ principal × 365 ÷ days, as lenders state it
        per_year = 365
        whole = (repaid / net_received) - 1
        per_period = float(whole) / term_days
        compounded = irr_mod.compound(float(whole), 365 / term_days)
    else:
        per_year = 365
        dated = [(start, net_received)] + [(i.date, -i.amount) for i in instalments]
        dated += [(d, -a) for d, a in other_flows]
        per_period = irr_mod.xirr_daily(dated)
    if basis != "single":
        compounded = irr_mod.compound(per_period, per_year)
    notes: list[str] = []
    if received < principal:
        notes.append("finance.note.kantou")
    report = CostReport(
        principal=principal,
        received=received,
        kantou=fen(principal - received),
        total_repaid=repaid,
        upfront_fees=fen(upfront_fees),
        total_cost=fen(repaid - net_received),
        term_days=term_days,
        periods_per_year=per_year,
        rate_per_period=per_period,
        apr=per_period * per_year,
        apr_compounded=compounded,
        advertised=_advertised(principal, repaid + fen(upfront_fees), instalments, frequency, term_days,
                               contract_rate),
        basis=basis,
        notes=notes,
    )
    return report


def _is_regular(instalments: list[Instalment]) -> bool:
    """True for k = 1..n consecutive periods (what the schedule builders and ``repeat`` make)."""
    return [i.seq for i in instalments] == list(range(1, len(instalments) + 1))


def _advertised(
    principal: Decimal,
    paid: Decimal,
    instalments: list[Instalment],
    frequency: Frequency | None,
    term_days: int,
    contract_rate: Decimal | None,
) -> Advertised:
    if contract_rate is not None and contract_rate > 0:
        annual = float(contract_rate)
        return Advertised("contract", annual, annual / 12, annual / DAILY_RATE_BASIS)
    cost = paid - principal
    if frequency is Frequency.MONTH and _is_regular(instalments):
        months = Decimal(len(instalments))
    else:
        months = Decimal(term_days) / DAYS_PER_MONTH
    monthly = float(cost / principal / months) if months > 0 else 0.0
    daily = float(cost / principal / term_days) if term_days > 0 else 0.0
    return Advertised("flat", monthly * 12, monthly, daily)


def loan_cost(terms: LoanTerms) -> CostReport:
    """The cost of a stored loan's contractual schedule (all fees counted)."""
    terms.validate()
    rows = terms.schedule()
    upfront = total(f.amount for f in terms.fees if f.timing is FeeTiming.UPFRONT)
    others = [(f.date, f.amount) for f in terms.fees if f.timing is FeeTiming.ON_DATE and f.date is not None]
    regular = terms.method is not Method.EXPLICIT and terms.method is not Method.BULLET
    freq: Frequency | None = terms.frequency if regular else None
    return cost_of_flows(
        terms.actual_received(),
        terms.start,
        rows,
        principal=terms.principal,
        frequency=freq,
        upfront_fees=upfront,
        other_flows=others,
        contract_rate=terms.annual_rate if terms.annual_rate > 0 else None,
    )


__all__ = ["Advertised", "CostReport", "cost_of_flows", "loan_cost"]
