"""What a loan is: lender, principal, what was really received, fees, schedule, payments made.

These plain dataclasses are the boundary between storage (``finance.models``) and the pure
calculations (``cost``, ``caps``, ``owed``, ``plan``): the calculations never touch the DB.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dunguard.errors import UsageError
from dunguard.finance.money import ZERO, fen, total
from dunguard.finance.schedule import Frequency, Instalment, Method, build, explicit


class LenderType(StrEnum):
    BANK = "bank"  # 商业银行
    CONSUMER_FINANCE = "consumer_finance"  # 消费金融公司
    MICROLOAN = "microloan"  # 小额贷款公司 (incl. 网络小贷) and other 地方金融组织
    PRIVATE = "private"  # 民间借贷: a person or a non-financial company
    UNLICENSED = "unlicensed"  # lends as a business without a licence
    UNKNOWN = "unknown"

    @property
    def licensed(self) -> bool:
        return self in (LenderType.BANK, LenderType.CONSUMER_FINANCE, LenderType.MICROLOAN)


class FeeTiming(StrEnum):
    DEDUCTED = "deducted"  # taken out of the money paid out (砍头息 / 砍头费)
    UPFRONT = "upfront"  # paid separately on the loan date
    PER_PERIOD = "per_period"  # paid with every instalment (服务费, 会员费 per month)
    ON_DATE = "on_date"  # paid once, on a given date


@dataclass(frozen=True, slots=True)
class Fee:
    name: str
    amount: Decimal
    timing: FeeTiming = FeeTiming.UPFRONT
    date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise UsageError("finance.money.negative", what=self.name, value=self.amount)
        if self.timing is FeeTiming.ON_DATE and self.date is None:
            raise UsageError("finance.fee.needs_date", name=self.name)


@dataclass(frozen=True, slots=True)
class Payment:
    date: dt.date
    amount: Decimal
    note: str = ""


@dataclass(slots=True)
class LoanTerms:
    """One loan as the borrower knows it (amounts in Decimal fen, rates as fractions)."""

    lender: str
    lender_type: LenderType
    principal: Decimal  # 合同本金, what the contract says was lent
    start: dt.date  # contract / disbursement date
    method: Method = Method.ANNUITY
    periods: int = 12
    frequency: Frequency = Frequency.MONTH
    annual_rate: Decimal = ZERO  # contract nominal annual rate, 0.18 = 18 %
    received: Decimal | None = None  # 实际到手; None = principal − deducted fees
    fees: list[Fee] = field(default_factory=list)
    explicit_schedule: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    penalty_rate: Decimal | None = None  # 罚息 annual rate, informational
    payments: list[Payment] = field(default_factory=list)
    lender_claim: Decimal | None = None  # what the lender says is owed now
    claim_date: dt.date | None = None

    def validate(self) -> None:
        if self.principal <= 0:
            raise UsageError("finance.schedule.bad_principal", value=self.principal)
        if self.annual_rate < 0:
            raise UsageError("finance.schedule.negative_rate", value=self.annual_rate)
        got = self.actual_received()
        if got <= 0:
            raise UsageError("finance.loan.nothing_received", principal=self.principal, received=got)
        if got > self.principal:
            raise UsageError("finance.loan.received_above_principal", principal=self.principal, received=got)
        for p in self.payments:
            if p.date < self.start:
                raise UsageError("finance.schedule.before_loan", date=p.date.isoformat(), start=self.start.isoformat())
            if p.amount <= 0:
                raise UsageError("finance.money.negative", what=p.date.isoformat(), value=p.amount)
        for f in self.fees:
            if f.date is not None and f.date < self.start:
                raise UsageError("finance.schedule.before_loan", date=f.date.isoformat(), start=self.start.isoformat())

    def deducted_fees(self) -> Decimal:
        return total(f.amount for f in self.fees if f.timing is FeeTiming.DEDUCTED)

    def actual_received(self) -> Decimal:
        if self.received is not None:
            return fen(self.received)
        return fen(self.principal - self.deducted_fees())

    def kantou(self) -> Decimal:
        """Money kept back at disbursement (砍头息): contract principal − actually received."""
        return fen(self.principal - self.actual_received())

    def schedule(self) -> list[Instalment]:
        """The contractual instalments including per-period fees."""
        per_period = total(f.amount for f in self.fees if f.timing is FeeTiming.PER_PERIOD)
        if self.method is Method.EXPLICIT:
            if not self.explicit_schedule:
                raise UsageError("finance.schedule.explicit_needs_list")
            rows = explicit(self.explicit_schedule, self.start)
            if per_period:
                rows = [Instalment(r.seq, r.date, r.principal, r.interest, r.fee + per_period) for r in rows]
            return rows
        return build(self.method, self.principal, self.annual_rate, self.periods, self.start, self.frequency,
                     per_period)

    def paid_total(self) -> Decimal:
        return total(p.amount for p in self.payments)
