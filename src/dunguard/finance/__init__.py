"""Loan cost, legal interest lines, what is lawfully owed, and repayment plans.

Pure calculations (no database): ``money``, ``schedule``, ``irr``, ``cost``, ``caps``,
``owed``, ``plan``, ``inputs``, ``calculator``.  Storage and the case-level API: ``service``
(imported on demand, it needs the store).  Method and worked examples: docs/finance.md.
"""

from __future__ import annotations

from dunguard.finance.caps import CapAssessment, CapRule, assess, citation, lpr_on
from dunguard.finance.cost import CostReport, cost_of_flows, loan_cost
from dunguard.finance.owed import Owed
from dunguard.finance.plan import Debt, Plan, Strategy, make_plan
from dunguard.finance.schedule import Frequency, Instalment, Method
from dunguard.finance.terms import Fee, FeeTiming, LenderType, LoanTerms, Payment

__all__ = [
    "CapAssessment",
    "CapRule",
    "CostReport",
    "Debt",
    "Fee",
    "FeeTiming",
    "Frequency",
    "Instalment",
    "LenderType",
    "LoanTerms",
    "Method",
    "Owed",
    "Payment",
    "Plan",
    "Strategy",
    "assess",
    "citation",
    "cost_of_flows",
    "loan_cost",
    "lpr_on",
    "make_plan",
]
