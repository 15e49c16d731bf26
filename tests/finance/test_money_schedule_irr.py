"""Money helpers, schedule builders and the IRR solver (with hypothesis properties)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.errors import InputError, UsageError
from dunguard.finance import calculator, irr
from dunguard.finance.cost import cost_of_flows
from dunguard.finance.money import parse_money, split_proportionally
from dunguard.finance.schedule import Frequency, Method, add_months, build, interest_total, schedule_total

START = dt.date(2025, 3, 31)
money = st.integers(min_value=100_00, max_value=1_000_000_00).map(lambda f: D(f) / 100)
annual = st.integers(min_value=1, max_value=20000).map(lambda bp: D(bp) / 10000)  # 0.01 % .. 200 %


@pytest.mark.parametrize(("text", "value"), [("9000", "9000.00"), ("9,000.5", "9000.50"), ("¥950", "950.00"),
                                             ("950元", "950.00"), (" 12.34 ", "12.34")])
def test_parse_money_accepts_what_people_type(text: str, value: str) -> None:
    assert parse_money(text) == D(value)


@pytest.mark.parametrize(("text", "key"), [("-5", "finance.money.negative"), ("abc", "finance.money.not_a_number"),
                                            ("0", "finance.money.zero"), ("1.234", "finance.money.too_precise"),
                                            ("1e12", "finance.money.too_large"), ("NaN", "finance.money.not_a_number")])
def test_parse_money_refuses_bad_amounts_in_chinese(text: str, key: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_money(text, what="--received")
    assert info.value.key == key
    assert "--received" in str(info.value) and text.strip() in str(info.value)


@given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**6), min_size=1,
                                                             max_size=8))
def test_split_proportionally_is_exact_to_the_fen(amount_fen: int, weights: list[int]) -> None:
    amount = D(amount_fen) / 100
    parts = split_proportionally(amount, [D(w) for w in weights])
    if sum(weights) == 0:
        assert all(p == 0 for p in parts)
    else:
        assert sum(parts, D(0)) == amount
        assert all(p >= 0 for p in parts)
        assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 31), 2) == dt.date(2025, 3, 31)
    assert add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2025, 1, 15), -1) == dt.date(2024, 12, 15)


@settings(max_examples=150, deadline=None)
@given(money, annual, st.integers(min_value=1, max_value=60), st.sampled_from(list(Method)[:4]),
       st.sampled_from(list(Frequency)))
def test_instalments_sum_to_principal_plus_interest_exactly(principal: D, rate: D, n: int, method: Method,
                                                            freq: Frequency) -> None:
    rows = build(method, principal, rate, n, START, freq)
    assert sum((r.principal for r in rows), D(0)) == principal
    assert schedule_total(rows) == principal + interest_total(rows)
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)
    assert all(r.amount == r.amount.quantize(D("0.01")) for r in rows)
    assert [r.date for r in rows] == sorted(r.date for r in rows)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000_00, max_value=1_000_000_00).map(lambda f: D(f) / 100),
       st.integers(min_value=100, max_value=20000).map(lambda bp: D(bp) / 10000),
       st.integers(min_value=3, max_value=36), st.sampled_from([Method.ANNUITY, Method.EQUAL_PRINCIPAL,
                                                                Method.INTEREST_ONLY]),
       st.sampled_from(list(Frequency)))
def test_irr_of_a_schedule_built_from_a_rate_returns_that_rate(principal: D, rate: D, n: int,
                                                               method: Method, freq: Frequency) -> None:
    rows = build(method, principal, rate, n, START, freq)
    report = cost_of_flows(principal, START, rows, frequency=freq)
    # each period's fen rounding shifts total interest by at most 0.01 元; over the average
    # balance (≥ principal / 2) that bounds the error per period by 0.02 / principal
    assert report.apr == pytest.approx(float(rate), abs=max(1e-9, 0.04 * freq.per_year / float(principal)))


@settings(max_examples=150, deadline=None)
@given(money, st.integers(min_value=1, max_value=48), st.integers(min_value=0, max_value=50_000_00),
       st.integers(min_value=1, max_value=5000_00), st.sampled_from(["upfront", "per_period", "deducted"]))
def test_adding_a_fee_never_lowers_the_annual_rate(received: D, n: int, extra_fen: int, fee_fen: int,
                                                    how: str) -> None:
    fee = D(fee_fen) / 100
    total_back = received + D(extra_fen) / 100
    payment = (total_back / n).quantize(D("0.01")) + D("0.01")
    base = calculator.apr_regular(received, [payment] * n)
    if how == "upfront":
        if fee >= received:
            return
        with_fee = calculator.apr_regular(received, [payment] * n, upfront_fees=fee)
    elif how == "deducted":
        if fee >= received:
            return
        with_fee = calculator.apr_regular(received - fee, [payment] * n, principal=received)
    else:
        with_fee = calculator.apr_regular(received, [payment + fee] * n)
    assert with_fee.apr >= base.apr - 1e-12


def test_payments_below_received_is_a_clear_error() -> None:
    with pytest.raises(InputError) as info:
        calculator.apr_regular(D(9000), [D(700)] * 12)
    assert info.value.key == "finance.apr.negative"
    assert "为负数" in str(info.value) and "8400.00" in str(info.value)


def test_payment_before_the_loan_is_refused() -> None:
    with pytest.raises(UsageError) as info:
        calculator.apr_dated(D(1000), [(dt.date(2025, 5, 1), D(1100))], dt.date(2025, 6, 1))
    assert info.value.key == "finance.schedule.before_loan"
    assert "2025-05-01" in str(info.value)


def test_zero_payments_is_refused() -> None:
    with pytest.raises(UsageError):
        calculator.apr_dated(D(1000), [], dt.date(2025, 6, 1))


def test_all_payments_on_the_loan_day_is_refused() -> None:
    with pytest.raises(InputError) as info:
        calculator.apr_dated(D(1000), [(dt.date(2025, 6, 1), D(1100))], dt.date(2025, 6, 1))
    assert info.value.key == "finance.apr.same_day"


def test_free_loan_has_zero_rate() -> None:
    assert calculator.apr_regular(D(1200), [D(100)] * 12).apr == 0.0


def test_extreme_daily_loan_does_not_overflow() -> None:
    r = calculator.apr_dated(D(100), [(dt.date(2025, 1, 2), D(10000))], dt.date(2025, 1, 1))
    assert r.apr == pytest.approx(99 * 365)
    assert r.apr_compounded is None  # beyond float range, shown as "极高"


def test_irr_refuses_non_loans() -> None:
    with pytest.raises(UsageError):
        irr.irr([D(100), D(50)])
    with pytest.raises(UsageError):
        irr.irr([D(100), D(-50), D(80), D(-200)])


def test_xirr_matches_known_value() -> None:
    # 1000 received, 1100 repaid after exactly 365 days → 10 % effective a year
    daily = irr.xirr_daily([(dt.date(2025, 1, 1), D(1000)), (dt.date(2026, 1, 1), D(-1100))])
    assert irr.compound(daily, 365) == pytest.approx(0.10, abs=1e-9)


@given(st.text(alphabet="0123456789.eE-+,xX ", max_size=40))
def test_parse_money_only_raises_usage_errors(text: str) -> None:
    try:
        value = parse_money(text)
    except UsageError:
        return
    assert value > 0 and value == value.quantize(D("0.01"))


@pytest.mark.parametrize("text", ["9e9999999999999", "1e-999999999999", "100000000000000000000000000"])
def test_parse_money_absurd_exponents(text: str) -> None:
    with pytest.raises(UsageError):
        parse_money(text)
