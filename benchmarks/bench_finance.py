"""Finance benchmark: IRR, schedules and plans at sizes a real case will never exceed.

    python benchmarks/bench_finance.py [--repeat 20]

Measures (best of ``--repeat`` runs, wall time):

1. ``build`` of a 360-month 等额本息 schedule (a 30-year loan) and its IRR (monthly × 12);
2. daily XIRR of 3,650 dated payments (ten years of daily repayments);
3. a proportional / avalanche / snowball plan for 30 lenders on a tight budget (about
   10 years of months, all Decimal fen);
4. the whole ``service.analyse`` (cost + legal line + lawful balance) of a 36-payment loan
   with 砍头息 and 24 payments made.

Prints the figures and checks the answers (the IRR returns the contract rate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

from dunguard.finance import service
from dunguard.finance.calculator import apr_dated
from dunguard.finance.cost import cost_of_flows
from dunguard.finance.plan import Debt, Strategy, make_plan
from dunguard.finance.schedule import Frequency, Method, build
from dunguard.finance.terms import LenderType, LoanTerms, Payment

START = dt.date(2025, 1, 1)


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    def annuity_irr() -> float:
        rows = build(Method.ANNUITY, D(1_000_000), D("0.049"), 360, START, Frequency.MONTH)
        return cost_of_flows(D(1_000_000), START, rows).apr

    secs, apr = best(annuity_irr, args.repeat)
    assert abs(apr - 0.049) < 1e-6, apr
    print(f"360-month annuity: build + IRR          {secs * 1000:8.2f} ms  (APR {apr * 100:.4f} %)")

    dated = [(START + dt.timedelta(days=k), D("3.50")) for k in range(1, 3651)]
    secs, rep = best(lambda: apr_dated(D(10000), dated, START), args.repeat)
    print(f"daily XIRR, 3,650 payments              {secs * 1000:8.2f} ms  (APR {rep.apr * 100:.4f} %)")

    debts = [Debt(f"L{i}", D(1000 + 997 * i), D(str(0.10 + 0.01 * i))) for i in range(30)]
    owed = sum(d.owed for d in debts)
    for strategy in Strategy:
        secs, plan = best(lambda s=strategy: make_plan(debts, D(1500), s), max(1, args.repeat // 4))
        assert plan.total_paid == owed
        print(f"plan, 30 lenders, {strategy.value:<12}          {secs * 1000:8.2f} ms  ({plan.months} months)")

    terms = LoanTerms(
        "bench", LenderType.MICROLOAN, D(20000), START, received=D(18000), method=Method.EXPLICIT,
        explicit_schedule=[(START + dt.timedelta(days=30 * k), D(800)) for k in range(1, 37)],
        payments=[Payment(START + dt.timedelta(days=30 * k), D(800)) for k in range(1, 25)],
    )
    secs, a = best(lambda: service.analyse(terms, START + dt.timedelta(days=800)), args.repeat)
    print(f"analyse: cost + line + lawful balance   {secs * 1000:8.2f} ms  (lawful {a.owed.lawful_outstanding})")


if __name__ == "__main__":
    main()
