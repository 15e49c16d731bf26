"""Loans of a case: add, list, cost, plan, and the figures for the 《协商还款申请书》.

This is the only finance module that touches the store.  Each write runs in one
``home.transaction`` and leaves a ledger entry (action ``finance.loan_added`` /
``finance.payment_added``) whose object hash is the sha256 of the canonical JSON of what was
recorded, so the custody log shows exactly which figures the borrower entered and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from dunguard.cases import resolve_case
from dunguard.errors import AmbiguousError, NotFoundError, UsageError
from dunguard.finance import caps as caps_mod
from dunguard.finance import cost as cost_mod
from dunguard.finance import owed as owed_mod
from dunguard.finance.models import Fee as FeeRow
from dunguard.finance.models import Loan
from dunguard.finance.models import Payment as PaymentRow
from dunguard.finance.money import fen, from_fen_int, to_fen_int, total
from dunguard.finance.plan import Debt, Plan, Strategy, make_plan
from dunguard.finance.schedule import Frequency, Method
from dunguard.finance.terms import Fee, FeeTiming, LenderType, LoanTerms, Payment
from dunguard.home import Home
from dunguard.timeutil import utcnow


@dataclass(slots=True)
class LoanAnalysis:
    """Everything computed for one stored loan."""

    id: str
    terms: LoanTerms
    cost: cost_mod.CostReport
    caps: caps_mod.CapAssessment
    owed: owed_mod.Owed

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lender": self.terms.lender,
            "lender_type": self.terms.lender_type.value,
            "principal": str(self.terms.principal),
            "received": str(self.terms.actual_received()),
            "start": self.terms.start.isoformat(),
            "method": self.terms.method.value,
            "cost": self.cost.to_dict(),
            "caps": self.caps.to_dict(),
            "owed": self.owed.to_dict(),
        }


def analyse(terms: LoanTerms, as_of: dt.date, loan_id: str = "") -> LoanAnalysis:
    """Cost, legal line and lawful balance of one loan (pure: no store access)."""
    report = cost_mod.loan_cost(terms)
    assessment = caps_mod.assess(terms.lender_type, terms.start, report.apr, principal=terms.principal,
                                 received=terms.actual_received())
    cap = Decimal(repr(assessment.cap))
    result = owed_mod.owed(terms, cap, report.apr, max(as_of, terms.start))
    return LoanAnalysis(loan_id, terms, report, assessment, result)


# -- storage ------------------------------------------------------------------------------------

def _canonical(terms: LoanTerms, note: str | None) -> dict[str, Any]:
    return {
        "lender": terms.lender,
        "lender_type": terms.lender_type.value,
        "principal": str(fen(terms.principal)),
        "received": None if terms.received is None else str(fen(terms.received)),
        "start": terms.start.isoformat(),
        "method": terms.method.value,
        "periods": terms.periods,
        "frequency": terms.frequency.value,
        "annual_rate": str(terms.annual_rate),
        "penalty_rate": None if terms.penalty_rate is None else str(terms.penalty_rate),
        "fees": [{"name": f.name, "amount": str(fen(f.amount)), "timing": f.timing.value,
                  "date": f.date.isoformat() if f.date else None} for f in terms.fees],
        "schedule": [[d.isoformat(), str(fen(a))] for d, a in terms.explicit_schedule],
        "payments": [[p.date.isoformat(), str(fen(p.amount))] for p in terms.payments],
        "lender_claim": None if terms.lender_claim is None else str(fen(terms.lender_claim)),
        "claim_date": terms.claim_date.isoformat() if terms.claim_date else None,
        "note": note,
    }


def _hash(data: dict[str, Any]) -> str:
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def add_loan(home: Home, case_ref: str, terms: LoanTerms, *, note: str | None = None, actor: str = "cli") -> str:
    """Validate and store a loan (with its fees, schedule rows and payments); return its id."""
    case = resolve_case(home, case_ref)
    terms.validate()
    cost_mod.loan_cost(terms)  # an impossible schedule is refused before anything is stored
    loan_id = uuid.uuid4().hex
    record = _canonical(terms, note)
    with home.transaction(case.id, actor=actor) as tx:
        loan = Loan(
            id=loan_id,
            case_id=case.id,
            lender=terms.lender,
            lender_type=terms.lender_type.value,
            principal_fen=to_fen_int(terms.principal),
            received_fen=None if terms.received is None else to_fen_int(terms.received),
            start=terms.start,
            method=terms.method.value,
            periods=terms.periods,
            frequency=terms.frequency.value,
            annual_rate=str(terms.annual_rate),
            penalty_rate=None if terms.penalty_rate is None else str(terms.penalty_rate),
            lender_claim_fen=None if terms.lender_claim is None else to_fen_int(terms.lender_claim),
            claim_date=terms.claim_date,
            note=note,
            created_at=utcnow(),
        )
        loan.fees = [FeeRow(name=f.name, amount_fen=to_fen_int(f.amount), timing=f.timing.value, date=f.date)
                     for f in terms.fees]
        loan.payments = [PaymentRow(kind="due", date=d, amount_fen=to_fen_int(a))
                         for d, a in terms.explicit_schedule]
        loan.payments += [PaymentRow(kind="paid", date=p.date, amount_fen=to_fen_int(p.amount), note=p.note or None)
                          for p in terms.payments]
        tx.session.add(loan)
        tx.log("finance.loan_added", _hash(record), {"loan_id": loan_id, **record})
    return loan_id


def add_payment(home: Home, case_ref: str, loan_ref: str, when: dt.date, amount: Decimal,
                note: str | None = None, *, actor: str = "cli") -> None:
    """Record a payment the borrower made on a stored loan."""
    case = resolve_case(home, case_ref)
    loan_id = _resolve_loan(home, case.id, loan_ref)
    with home.transaction(case.id, actor=actor) as tx:
        loan = tx.session.get(Loan, loan_id)
        assert loan is not None
        if when < loan.start:
            raise UsageError("finance.schedule.before_loan", date=when.isoformat(), start=loan.start.isoformat())
        if amount <= 0:
            raise UsageError("finance.money.zero", what="amount", value=amount)
        loan.payments.append(PaymentRow(kind="paid", date=when, amount_fen=to_fen_int(amount), note=note))
        record = {"loan_id": loan_id, "date": when.isoformat(), "amount": str(fen(amount)), "note": note}
        tx.log("finance.payment_added", _hash(record), record)


def _resolve_loan(home: Home, case_id: str, ref: str) -> str:
    """A loan by id, id prefix (≥ 4), exact lender name, or unique part of the lender name."""
    ref = ref.strip()
    with home.store.session() as s:
        rows = list(s.execute(select(Loan.id, Loan.lender).where(Loan.case_id == case_id)))
    matches: list[str] = [str(r.id) for r in rows if r.id == ref]
    if not matches and len(ref) >= 4:
        matches = [str(r.id) for r in rows if r.id.startswith(ref.lower())]
    if not matches:
        matches = [str(r.id) for r in rows if r.lender == ref]
    if not matches and ref:
        matches = [str(r.id) for r in rows if ref.casefold() in r.lender.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError("finance.loan.not_found", ref=ref)
    raise AmbiguousError("finance.loan.ambiguous", ref=ref, ids=", ".join(m[:8] for m in matches))


def terms_of(loan: Loan) -> LoanTerms:
    """The pure ``LoanTerms`` of a stored loan."""
    return LoanTerms(
        lender=loan.lender,
        lender_type=LenderType(loan.lender_type),
        principal=from_fen_int(loan.principal_fen),
        start=loan.start,
        method=Method(loan.method),
        periods=loan.periods,
        frequency=Frequency(loan.frequency),
        annual_rate=Decimal(loan.annual_rate),
        received=None if loan.received_fen is None else from_fen_int(loan.received_fen),
        fees=[Fee(f.name, from_fen_int(f.amount_fen), FeeTiming(f.timing), f.date) for f in loan.fees],
        explicit_schedule=[(p.date, from_fen_int(p.amount_fen)) for p in loan.payments if p.kind == "due"],
        penalty_rate=None if loan.penalty_rate is None else Decimal(loan.penalty_rate),
        payments=[Payment(p.date, from_fen_int(p.amount_fen), p.note or "") for p in loan.payments
                  if p.kind == "paid"],
        lender_claim=None if loan.lender_claim_fen is None else from_fen_int(loan.lender_claim_fen),
        claim_date=loan.claim_date,
    )


def case_terms(home: Home, case_id: str) -> list[tuple[str, LoanTerms]]:
    with home.store.session() as s:
        loans = list(s.scalars(select(Loan).where(Loan.case_id == case_id).order_by(Loan.start, Loan.id)))
        return [(loan.id, terms_of(loan)) for loan in loans]


def loan_analyses(home: Home, case_ref: str, as_of: dt.date, loan_ref: str | None = None) -> list[LoanAnalysis]:
    """Analyse every loan of the case (or just ``loan_ref``) as of ``as_of``."""
    case = resolve_case(home, case_ref)
    wanted = _resolve_loan(home, case.id, loan_ref) if loan_ref else None
    return [analyse(terms, as_of, loan_id) for loan_id, terms in case_terms(home, case.id)
            if wanted is None or loan_id == wanted]


def repayment_plan(home: Home, case_ref: str, budget: Decimal, strategy: Strategy = Strategy.PROPORTIONAL,
                   *, accrue: bool = False, as_of: dt.date, basis: str = "lawful") -> Plan:
    """Plan the case's loans against a monthly budget.

    ``basis="lawful"`` plans what is lawfully owed (the negotiation position); ``"lender"``
    plans the lender's own figures.  Each debt's rate is the lawful rate (for accrual and the
    avalanche order).
    """
    analyses = loan_analyses(home, case_ref, as_of)
    debts = _debts(analyses, basis)
    if not debts:
        raise UsageError("finance.plan.no_debts")
    return make_plan(debts, budget, strategy, accrue=accrue)


def _debts(analyses: list[LoanAnalysis], basis: str) -> list[Debt]:
    """One Debt per loan with something owed; names made unique with the loan id."""
    names = [a.terms.lender for a in analyses]
    debts = []
    for a in analyses:
        amount = a.owed.lawful_outstanding if basis == "lawful" else a.owed.lender_figure
        if amount > 0:
            name = a.terms.lender if names.count(a.terms.lender) == 1 else f"{a.terms.lender} ({a.id[:6]})"
            debts.append(Debt(name, amount, a.owed.rate))
    return debts


def negotiation_figures(home: Home, case_id: str, budget: Decimal, *,
                        strategy: Strategy = Strategy.PROPORTIONAL, as_of: dt.date | None = None) -> dict[str, Any]:
    """Figures for the 《协商还款申请书》 (called by the document drafter).

    Returns a JSON-serialisable dict; money as strings of yuan with two decimals, rates as
    fractions (0.24 = 24 %)::

        {
          "as_of": "2026-03-01",
          "budget": "3000.00",               # monthly budget the borrower can keep
          "strategy": "proportional",
          "months": 14,                      # months until every lender is paid
          "total_lender_figure": "...",      # what the lenders ask in total
          "total_lawful": "...",             # lawfully owed in total (estimate)
          "frozen_interest": True,           # the plan assumes 停息挂账
          "lenders": [
            {
              "loan_id": "...", "lender": "某某小贷", "lender_type": "microloan",
              "principal": "10000.00",       # contract principal
              "received": "9000.00",         # actually received (砍头息 removed)
              "kantou": "1000.00",
              "apr": 0.46,                   # true annual rate (IRR)
              "cap": 0.24, "cap_rule": "licensed_24", "over_cap": True,
              "citations": ["lending_1", ...],   # ids in finance/data/citations.yaml
              "paid": "1900.00",             # paid so far (incl. fees paid)
              "lender_figure": "9500.00", "lender_basis": "claim" | "schedule",
              "lawful": "7345.51",           # lawfully owed now (estimate)
              "difference": "2154.49",       # lender_figure − lawful
              "overpaid": "0.00",
              "monthly": "842.70",           # proposed monthly instalment (first month)
              "months": 9                    # months until this lender is paid
            }, ...
          ],
          "needs_review": False              # True if any conclusion needs a lawyer's check
        }

    Every figure is computed from what the borrower recorded; nothing is invented.  A case
    without loans gives ``lenders: []`` and ``months: 0`` (the letter leaves blanks).
    """
    when = as_of or dt.date.today()
    analyses = loan_analyses(home, case_id, when)
    debts = _debts(analyses, "lawful")
    plan = make_plan(debts, budget, strategy) if debts else None
    lines = iter(plan.lines if plan else [])
    lenders = []
    for a in analyses:
        line = next(lines) if a.owed.lawful_outstanding > 0 else None
        lenders.append({
            "loan_id": a.id,
            "lender": a.terms.lender,
            "lender_type": a.terms.lender_type.value,
            "principal": str(a.terms.principal),
            "received": str(a.terms.actual_received()),
            "kantou": str(a.terms.kantou()),
            "apr": a.cost.apr,
            "cap": a.caps.cap,
            "cap_rule": a.caps.cap_rule.value,
            "over_cap": a.caps.over_cap,
            "citations": a.caps.citations(),
            "paid": str(a.owed.paid),
            "lender_figure": str(a.owed.lender_figure),
            "lender_basis": a.owed.lender_basis,
            "lawful": str(a.owed.lawful_outstanding),
            "difference": str(a.owed.difference),
            "overpaid": str(a.owed.overpaid),
            "monthly": str(line.first_instalment) if line else "0.00",
            "months": line.months if line else 0,
        })
    return {
        "as_of": when.isoformat(),
        "budget": str(fen(budget)),
        "strategy": strategy.value,
        "months": plan.months if plan else 0,
        "total_lender_figure": str(total(a.owed.lender_figure for a in analyses)),
        "total_lawful": str(total(a.owed.lawful_outstanding for a in analyses)),
        "frozen_interest": True,
        "lenders": lenders,
        "needs_review": any(a.caps.needs_review for a in analyses),
    }


__all__ = [
    "LoanAnalysis",
    "add_loan",
    "add_payment",
    "analyse",
    "case_terms",
    "loan_analyses",
    "negotiation_figures",
    "repayment_plan",
    "terms_of",
]
