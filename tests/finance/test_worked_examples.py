"""The worked examples of docs/finance.md, number for number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from dunguard.finance import calculator, service
from dunguard.finance.caps import CapRule
from dunguard.finance.cost import cost_of_flows
from dunguard.finance.plan import Debt, Strategy, make_plan
from dunguard.finance.schedule import Frequency, Method, build, schedule_total
from dunguard.finance.terms import LenderType, LoanTerms, Payment


def test_example1_seven_day_loan_with_deduction() -> None:
    r = calculator.apr_regular(D(700), [D(1000)], every=Frequency.WEEK, principal=D(1000))
    assert r.total_cost == D("300.00")
    assert r.kantou == D("300.00")
    assert r.rate_per_period == pytest.approx(3 / 7, abs=1e-9)
    assert round(r.apr * 100, 2) == 2228.57
    assert r.advertised.annual == 0.0  # "0 利息": the whole cost hides in the deduction


def test_example2_twelve_payments_of_950() -> None:
    r = calculator.apr_regular(D(9000), [D(950)] * 12)
    assert r.rate_per_period == pytest.approx(0.0383841, abs=1e-7)
    assert round(r.apr * 100, 2) == 46.06
    assert r.apr_compounded is not None and round(r.apr_compounded * 100, 2) == 57.14
    assert round(r.advertised.annual * 100, 2) == 26.67
    assert round(r.gap * 100, 2) == 19.39


def test_example3_annuity_schedule() -> None:
    rows = build(Method.ANNUITY, D(10000), D("0.18"), 12, dt.date(2025, 1, 31))
    assert rows[0].amount == D("916.80")
    assert (rows[0].interest, rows[0].principal) == (D("150.00"), D("766.80"))
    assert (rows[1].interest, rows[1].principal) == (D("138.50"), D("778.30"))
    assert (rows[-1].principal, rows[-1].interest, rows[-1].amount) == (D("903.26"), D("13.55"), D("916.81"))
    assert schedule_total(rows) == D("11001.61")
    assert sum((r.principal for r in rows), D(0)) == D("10000.00")
    assert rows[0].date == dt.date(2025, 2, 28) and rows[1].date == dt.date(2025, 3, 31)
    r = cost_of_flows(D(10000), dt.date(2025, 1, 31), rows)
    assert round(r.apr * 100, 2) == 18.00


def test_example4_private_loan_above_four_times_lpr() -> None:
    terms = LoanTerms("张三", LenderType.PRIVATE, D(10000), dt.date(2025, 6, 1), method=Method.EXPLICIT,
                      explicit_schedule=[(dt.date(2026, 6, 1), D(13000))], lender_claim=D(13000))
    a = service.analyse(terms, dt.date(2026, 6, 1))
    assert a.cost.apr == pytest.approx(0.30)
    assert a.caps.cap_rule is CapRule.PRIVATE_4LPR
    assert a.caps.cap == pytest.approx(0.12)
    assert a.caps.lpr is not None and a.caps.lpr.confirmed
    assert a.owed.lawful_outstanding == D("11200.00")
    assert a.owed.difference == D("1800.00")


def test_example5_microloan_with_deduction_and_payments() -> None:
    start = dt.date(2025, 1, 1)
    terms = LoanTerms(
        "某小贷", LenderType.MICROLOAN, D(10000), start, received=D(9000), method=Method.EXPLICIT,
        explicit_schedule=[(start + dt.timedelta(days=30 * k), D(1000)) for k in range(1, 13)],
        payments=[Payment(dt.date(2025, 1, 31), D(1000)), Payment(dt.date(2025, 3, 2), D(1000))],
    )
    a = service.analyse(terms, dt.date(2025, 4, 1))
    assert a.caps.cap == 0.24 and a.cost.apr > 0.24
    rows = a.owed.rows
    assert [r.interest_accrued for r in rows] == [D("177.53"), D("161.31")]
    assert [r.principal_after for r in rows] == [D("8177.53"), D("7338.84")]
    assert a.owed.lawful_outstanding == D("7483.61")
    assert a.owed.lender_figure == D("10000.00")
    assert a.owed.difference == D("2516.39")


def test_example6_plans() -> None:
    debts = [Debt("A", D(6000), D("0.24")), Debt("B", D(3000), D("0.36"))]
    p = make_plan(debts, D(3000), Strategy.PROPORTIONAL)
    assert [line.first_instalment for line in p.lines] == [D("2000.00"), D("1000.00")]
    assert p.months == 3 and p.total_paid == D("9000.00")
    a = make_plan(debts, D(3000), Strategy.AVALANCHE)
    assert [(line.name, line.months) for line in a.lines] == [("A", 3), ("B", 1)]
    assert a.lines[1].payments[0] == D("3000.00") and a.total_paid == D("9000.00")
    s = make_plan(debts, D(3000), Strategy.SNOWBALL)
    assert [line.months for line in s.lines] == [3, 1]
