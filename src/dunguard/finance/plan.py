"""A repayment plan across lenders that fits a monthly budget.

Strategies:

* ``proportional``: every month the budget is shared in proportion to what each lender is
  owed at the start, so each lender gets a steady instalment (the usual proposal in a
  《协商还款申请书》); money a finished lender no longer needs goes to the others.
* ``avalanche``: every lender first gets its minimum (default 0), the rest goes to the
  highest-rate debt first (least total paid when interest keeps accruing).
* ``snowball``: minimums first, the rest to the smallest debt first (fastest first win).

By default the plan assumes interest is frozen during the negotiation (停息挂账 is what the
letter asks for), so the total paid equals the total owed.  With ``accrue=True`` each
balance grows monthly by its annual rate / 12 before that month's payment.

Invariants (property-tested): a lender is never paid more than it is owed (plus accrued
interest), a month never uses more than the budget, and all amounts are Decimal fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from dunguard.errors import UsageError
from dunguard.finance.money import FEN, ZERO, fen, split_proportionally, total

MAX_MONTHS = 600  # 50 years: a plan longer than this is not a plan


class Strategy(StrEnum):
    PROPORTIONAL = "proportional"
    AVALANCHE = "avalanche"
    SNOWBALL = "snowball"


@dataclass(frozen=True, slots=True)
class Debt:
    name: str
    owed: Decimal
    annual_rate: Decimal = ZERO  # used to order (avalanche) and, with accrue=True, to grow
    minimum: Decimal = ZERO  # monthly minimum this lender gets first (avalanche/snowball)


@dataclass(slots=True)
class PlanLine:
    name: str
    owed: Decimal
    first_instalment: Decimal
    months: int  # months until this lender is paid off
    total_paid: Decimal
    interest: Decimal  # interest accrued during the plan (0 when frozen)
    payments: list[Decimal] = field(default_factory=list)  # one per plan month

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owed": str(self.owed),
            "first_instalment": str(self.first_instalment),
            "months": self.months,
            "total_paid": str(self.total_paid),
            "interest": str(self.interest),
            "payments": [str(p) for p in self.payments],
        }


@dataclass(slots=True)
class Plan:
    strategy: Strategy
    budget: Decimal
    accrue: bool
    months: int
    total_owed: Decimal
    total_paid: Decimal
    lines: list[PlanLine]

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy.value,
            "budget": str(self.budget),
            "accrue": self.accrue,
            "months": self.months,
            "total_owed": str(self.total_owed),
            "total_paid": str(self.total_paid),
            "lines": [line.to_dict() for line in self.lines],
        }


def _priority(strategy: Strategy, debts: list[Debt], balances: list[Decimal]) -> list[int]:
    idx = range(len(debts))
    if strategy is Strategy.AVALANCHE:
        return sorted(idx, key=lambda i: (-debts[i].annual_rate, balances[i], i))
    return sorted(idx, key=lambda i: (balances[i], -debts[i].annual_rate, i))


def make_plan(
    debts: list[Debt],
    budget: Decimal,
    strategy: Strategy = Strategy.PROPORTIONAL,
    *,
    accrue: bool = False,
    max_months: int = MAX_MONTHS,
) -> Plan:
    """Plan monthly payments of at most ``budget`` until every debt is paid."""
    if not debts:
        raise UsageError("finance.plan.no_debts")
    budget = fen(budget)
    if budget <= 0:
        raise UsageError("finance.money.zero", what="budget", value=budget)
    for d in debts:
        if d.owed < 0 or d.minimum < 0 or d.annual_rate < 0:
            raise UsageError("finance.money.negative", what=d.name, value=min(d.owed, d.minimum))
    minimums = total(d.minimum for d in debts)
    if strategy is not Strategy.PROPORTIONAL and minimums > budget:
        raise UsageError("finance.plan.minimums_exceed_budget", minimums=minimums, budget=budget)
    balances = [fen(d.owed) for d in debts]
    weights = list(balances)
    payments: list[list[Decimal]] = [[] for _ in debts]
    interest = [ZERO for _ in debts]
    month = 0
    while any(b > 0 for b in balances):
        month += 1
        if month > max_months:
            raise UsageError("finance.plan.too_long", months=max_months, budget=budget)
        if accrue:
            grown = [fen(b * d.annual_rate / 12) if b > 0 else ZERO for b, d in zip(balances, debts, strict=True)]
            if month == 1 and total(grown) >= budget:
                raise UsageError("finance.plan.budget_below_interest", interest=total(grown), budget=budget)
            for i, g in enumerate(grown):
                balances[i] += g
                interest[i] += g
        pay = _month(strategy, debts, balances, weights, budget)
        for i, amount in enumerate(pay):
            balances[i] -= amount
            payments[i].append(amount)
    lines = []
    for i, d in enumerate(debts):
        paid = total(payments[i])
        last = max((k + 1 for k, p in enumerate(payments[i]) if p > 0), default=0)
        first = next((p for p in payments[i] if p > 0), ZERO)
        lines.append(PlanLine(d.name, fen(d.owed), first, last, paid, interest[i], payments[i]))
    return Plan(strategy, budget, accrue, month, total(fen(d.owed) for d in debts),
                total(line.total_paid for line in lines), lines)


def _month(
    strategy: Strategy, debts: list[Debt], balances: list[Decimal], weights: list[Decimal], budget: Decimal
) -> list[Decimal]:
    """One month's payments: never above a balance, never above the budget in total."""
    pay = [ZERO for _ in debts]
    left = budget
    if strategy is Strategy.PROPORTIONAL:
        # share by the original amounts among lenders still owed; re-share what a finishing
        # lender does not need, until the budget or the balances are used up
        while left > 0:
            open_ = [i for i in range(len(debts)) if balances[i] - pay[i] > 0]
            if not open_:
                break
            shares = split_proportionally(left, [weights[i] if i in open_ else ZERO for i in range(len(debts))])
            if not any(shares[i] > 0 for i in open_):
                # fewer fen left than open lenders with weight: give them one by one
                shares = [ZERO] * len(debts)
                shares[open_[0]] = FEN
            used = ZERO
            for i in open_:
                take = min(shares[i], balances[i] - pay[i])
                pay[i] += take
                used += take
            left -= used
            if used == 0:
                break
        return pay
    for i, d in enumerate(debts):
        take = min(fen(d.minimum), balances[i], left)
        pay[i] += take
        left -= take
    for i in _priority(strategy, debts, balances):
        if left <= 0:
            break
        take = min(left, balances[i] - pay[i])
        pay[i] += take
        left -= take
    return pay


__all__ = ["MAX_MONTHS", "Debt", "Plan", "PlanLine", "Strategy", "make_plan"]
