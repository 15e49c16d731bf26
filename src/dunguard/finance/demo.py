"""Synthetic loans for the demo case (invented lenders and figures, marked as demo data).

``add_demo_loans(home, case_id)`` records three loans that show every finance feature:
a 7-day loan with a deduction from an unlicensed app (砍头息, far above 36 %), a microloan
with a monthly 会员费 (above 24 %), and a consumer-finance loan within 24 % (the contract
stands).  The demo builder calls it; nothing here is a real company.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dunguard.finance.schedule import Frequency, Method
from dunguard.finance.terms import Fee, FeeTiming, LenderType, LoanTerms, Payment
from dunguard.home import Home

DEMO_NOTE = "示例数据（虚构）"


def demo_loans(today: dt.date) -> list[LoanTerms]:
    """The three demo loans, dated relative to ``today``."""
    d = today - dt.timedelta(days=200)
    return [
        LoanTerms(
            "【示例】闪电借（虚构）", LenderType.UNLICENSED, Decimal(1000), d, method=Method.BULLET, periods=7,
            frequency=Frequency.DAY,
            fees=[Fee("审核费", Decimal(300), FeeTiming.DEDUCTED)], lender_claim=Decimal(1800),
        ),
        LoanTerms(
            "【示例】某某网络小贷（虚构）", LenderType.MICROLOAN, Decimal(10000), d, method=Method.ANNUITY,
            periods=12, annual_rate=Decimal("0.18"), fees=[Fee("会员费", Decimal(99), FeeTiming.PER_PERIOD)],
            payments=[Payment(d + dt.timedelta(days=30 * k), Decimal("1015.80")) for k in range(1, 4)],
        ),
        LoanTerms(
            "【示例】某某消费金融（虚构）", LenderType.CONSUMER_FINANCE, Decimal(6000), d, method=Method.EQUAL_PRINCIPAL,
            periods=6, annual_rate=Decimal("0.15"),
            payments=[Payment(d + dt.timedelta(days=30), Decimal("1075.00"))],
        ),
    ]


def add_demo_loans(home: Home, case_id: str, today: dt.date | None = None) -> list[str]:
    """Record the demo loans in ``case_id``; returns their ids."""
    from dunguard.finance.service import add_loan

    when = today or dt.date.today()
    return [add_loan(home, case_id, terms, note=DEMO_NOTE, actor="demo") for terms in demo_loans(when)]
