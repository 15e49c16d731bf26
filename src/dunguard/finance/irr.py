"""Internal rate of return of a loan's cash flows, by bracketed bisection.

The rate is what regulators call the IRR method (内部收益率法) for 年化利率: the rate ``r`` per
period at which the money the borrower received equals the present value of everything the
borrower pays back::

    Σ amount_i · (1 + r) ^ (−t_i) = 0

Money stays Decimal; only the discounting works in floats (a rate is not a balance).  The
root is found in ``x = ln(1 + r)`` by bisection: the function is monotone for a loan's
cash flows (money in first, payments later), bisection cannot diverge, and evaluating the
sum with its largest exponent factored out cannot overflow even for 10,000 %/day loans.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from decimal import Decimal

from dunguard.errors import UsageError

# ln(1 + r) per period is searched in [X_LO, X_HI]: r from −99.995 % to +2.2 million % per period.
X_LO = -10.0
X_HI = 10.0
TOLERANCE = 1e-13
MAX_ITER = 200


def _sign_of_npv(x: float, times: Sequence[float], amounts: Sequence[float]) -> float:
    """sign(Σ a_i · e^(−t_i·x)) computed with the largest exponent factored out."""
    exponents = [-t * x for t in times]
    top = max(exponents)
    return math.fsum(a * math.exp(e - top) for a, e in zip(amounts, exponents, strict=True))


def sign_changes(amounts: Sequence[Decimal]) -> int:
    signs = [1 if a > 0 else -1 for a in amounts if a != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def solve_rate(times: Sequence[float], amounts: Sequence[Decimal]) -> float:
    """The rate per unit of ``times`` at which the discounted ``amounts`` sum to zero.

    ``times`` must be sorted ascending.  Raises :class:`UsageError` when the flows are not a
    loan (need both signs, exactly one sign change) or no rate in range solves them.
    """
    if len(times) != len(amounts):
        raise ValueError("times and amounts differ in length")
    flows = [(t, a) for t, a in zip(times, amounts, strict=True) if a != 0]
    if not any(a > 0 for _, a in flows) or not any(a < 0 for _, a in flows):
        raise UsageError("finance.irr.one_sided")
    if sign_changes([a for _, a in flows]) != 1:
        raise UsageError("finance.irr.not_conventional")
    ts = [float(t) for t, _ in flows]
    fa = [float(a) for _, a in flows]
    lo, hi = X_LO, X_HI
    f_lo, f_hi = _sign_of_npv(lo, ts, fa), _sign_of_npv(hi, ts, fa)
    if f_lo == 0:
        return math.expm1(lo)
    if f_hi == 0:
        return math.expm1(hi)
    if (f_lo > 0) == (f_hi > 0):
        raise UsageError("finance.irr.no_rate")
    for _ in range(MAX_ITER):
        mid = (lo + hi) / 2
        f_mid = _sign_of_npv(mid, ts, fa)
        if f_mid == 0:
            return math.expm1(mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo < TOLERANCE:
            break
    return math.expm1((lo + hi) / 2)


def irr(amounts: Sequence[Decimal]) -> float:
    """Rate per period of evenly spaced flows (``amounts[k]`` at the end of period ``k``)."""
    return solve_rate([float(k) for k in range(len(amounts))], amounts)


def xirr_daily(flows: Sequence[tuple[dt.date, Decimal]]) -> float:
    """Rate per *day* of dated flows (same-day flows are netted)."""
    if not flows:
        raise UsageError("finance.schedule.no_payments")
    netted: dict[dt.date, Decimal] = {}
    for when, amount in flows:
        netted[when] = netted.get(when, Decimal(0)) + amount
    dates = sorted(netted)
    first = dates[0]
    return solve_rate([float((d - first).days) for d in dates], [netted[d] for d in dates])


def compound(rate_per_period: float, periods_per_year: float) -> float | None:
    """``(1 + r)^n − 1``; ``None`` when the result does not fit a float (absurd rates)."""
    try:
        return math.expm1(periods_per_year * math.log1p(rate_per_period))
    except OverflowError:
        return None


__all__ = ["compound", "irr", "sign_changes", "solve_rate", "xirr_daily"]
