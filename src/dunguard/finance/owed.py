"""What is lawfully owed: the balance recomputed with interest above the applicable line removed.

Method (written out with worked examples in docs/finance.md):

1. The principal is what the borrower actually received (砍头息 removed: 民法典 第六百七十条).
2. If the loan's true annual rate (IRR) is within the applicable line, the contract stands:
   lawful balance = contractual instalments − payments made.
3. Otherwise interest is recomputed as simple interest at the line (4 × LPR or 24 %) on the
   outstanding principal, day by day (actual days / 365).  Every payment the borrower made,
   whatever the lender called it (interest, 服务费, 会员费, 担保费, 罚息), is applied first to
   interest accrued so far and then to principal.  Interest accrues up to ``as_of``.
4. Payments beyond the lawful total are reported as ``overpaid`` (the lender may have to
   return them; a court decides).

Beside it: the lender's figure (what the lender claims, or if unknown the contractual
instalments not yet paid) and the difference.  When the claim carries a date, the difference
compares it with the lawful balance recomputed on that same date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dunguard.errors import UsageError
from dunguard.finance.money import ZERO, fen, total
from dunguard.finance.terms import FeeTiming, LoanTerms, Payment

DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    date: dt.date
    payment: Decimal
    interest_accrued: Decimal  # interest accrued since the previous row
    to_interest: Decimal
    to_principal: Decimal
    principal_after: Decimal
    unpaid_interest_after: Decimal


@dataclass(slots=True)
class Owed:
    as_of: dt.date
    method: str  # "contract" (within the line) or "recomputed" (at the line)
    rate: Decimal  # the annual rate used for the lawful figure
    lawful_principal: Decimal
    paid: Decimal
    lawful_interest: Decimal  # total lawful interest up to as_of
    lawful_outstanding: Decimal
    overpaid: Decimal
    lender_figure: Decimal
    lender_basis: str  # "claim" or "schedule"
    rows: list[LedgerRow] = field(default_factory=list)
    claim_date: dt.date | None = None  # the date the lender's claim refers to
    lawful_at_claim: Decimal | None = None  # lawful balance on that date (same method)

    @property
    def difference(self) -> Decimal:
        """Lender's figure − lawful figure, both on the claim date when the claim has one."""
        lawful = self.lawful_at_claim if self.lawful_at_claim is not None else self.lawful_outstanding
        return fen(self.lender_figure - lawful)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "method": self.method,
            "rate": float(self.rate),
            "lawful_principal": str(self.lawful_principal),
            "paid": str(self.paid),
            "lawful_interest": str(self.lawful_interest),
            "lawful_outstanding": str(self.lawful_outstanding),
            "overpaid": str(self.overpaid),
            "lender_figure": str(self.lender_figure),
            "lender_basis": self.lender_basis,
            "difference": str(self.difference),
            "claim_date": self.claim_date.isoformat() if self.claim_date else None,
            "lawful_at_claim": None if self.lawful_at_claim is None else str(self.lawful_at_claim),
        }


def contractual_remaining(terms: LoanTerms) -> Decimal:
    """Everything the contract still asks for: instalments + fees − payments made (≥ 0)."""
    scheduled = total(r.amount for r in terms.schedule())
    upfront = total(f.amount for f in terms.fees if f.timing is FeeTiming.UPFRONT)
    on_date = total(f.amount for f in terms.fees if f.timing is FeeTiming.ON_DATE)
    return max(ZERO, fen(scheduled + upfront + on_date - terms.paid_total()))


def recompute(
    principal: Decimal,
    start: dt.date,
    payments: list[Payment],
    annual_rate: Decimal,
    as_of: dt.date,
) -> tuple[Decimal, Decimal, Decimal, Decimal, list[LedgerRow]]:
    """Simple interest at ``annual_rate`` on the outstanding principal, payments interest-first.

    Returns (outstanding principal, unpaid interest, total interest, overpaid, ledger rows).
    """
    if as_of < start:
        raise UsageError("finance.owed.as_of_before_loan", as_of=as_of.isoformat(), start=start.isoformat())
    principal_left = fen(principal)
    unpaid_interest = ZERO
    interest_total = ZERO
    overpaid = ZERO
    last = start
    rows: list[LedgerRow] = []
    for p in sorted(payments, key=lambda x: x.date):
        if p.date < start:
            raise UsageError("finance.schedule.before_loan", date=p.date.isoformat(), start=start.isoformat())
        if p.date > as_of:
            continue
        amount = fen(p.amount)
        accrued = fen(principal_left * annual_rate * (p.date - last).days / DAYS_PER_YEAR)
        interest_total += accrued
        unpaid_interest += accrued
        to_interest = min(amount, unpaid_interest)
        unpaid_interest -= to_interest
        to_principal = min(amount - to_interest, principal_left)
        principal_left -= to_principal
        overpaid += amount - to_interest - to_principal
        rows.append(LedgerRow(p.date, amount, accrued, to_interest, to_principal, principal_left,
                              unpaid_interest))
        last = p.date
    accrued = fen(principal_left * annual_rate * (as_of - last).days / DAYS_PER_YEAR)
    interest_total += accrued
    unpaid_interest += accrued
    return principal_left, unpaid_interest, interest_total, overpaid, rows


def owed(terms: LoanTerms, cap: Decimal, apr: float, as_of: dt.date) -> Owed:
    """Lawful balance of ``terms`` on ``as_of`` given the applicable annual ``cap``."""
    terms.validate()
    paid = terms.paid_total()
    if terms.lender_claim is not None:
        lender_figure, basis = fen(terms.lender_claim), "claim"
    else:
        lender_figure, basis = contractual_remaining(terms), "schedule"
    received = terms.actual_received()
    if Decimal(repr(apr)) <= cap and terms.kantou() == 0:
        remaining = contractual_remaining(terms)
        interest = fen(remaining + paid - received)
        return Owed(as_of, "contract", Decimal(repr(apr)), received, paid, interest, remaining, ZERO,
                    lender_figure, basis)
    # 砍头息 or rate above the line: recompute from what was really received, at the lower of
    # the line and the loan's own rate.
    rate = min(cap, Decimal(repr(apr)))
    payments = list(terms.payments)
    upfront = [Payment(terms.start, f.amount, f.name) for f in terms.fees if f.timing is FeeTiming.UPFRONT]
    left, unpaid, interest, overpaid, rows = recompute(received, terms.start, upfront + payments, rate, as_of)
    outstanding = fen(left + unpaid)
    paid_all = fen(paid + total(p.amount for p in upfront))
    claim_date = terms.claim_date if basis == "claim" and terms.claim_date else None
    at_claim = None
    if claim_date is not None and claim_date >= terms.start:
        c_left, c_unpaid, *_ = recompute(received, terms.start, upfront + payments, rate, claim_date)
        at_claim = fen(c_left + c_unpaid)
    return Owed(as_of, "recomputed", rate, received, paid_all, interest, outstanding, overpaid,
                lender_figure, basis, rows, claim_date, at_claim)


__all__ = ["LedgerRow", "Owed", "contractual_remaining", "owed", "recompute"]
