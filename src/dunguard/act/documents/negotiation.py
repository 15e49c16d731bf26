"""《协商还款申请书》 with a proposed plan (finance figures when loans are recorded) and a
checklist of 困难证明 to attach."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dunguard.act.documents.base import DocumentKind, DraftContext


def _context(ctx: DraftContext) -> dict[str, Any]:
    """The figures from ``dunguard.finance.service.negotiation_figures`` for the chosen lender,
    when the borrower recorded loans and a monthly budget; otherwise nothing (blanks stay)."""
    figures: dict[str, Any] | None = None
    line: dict[str, Any] | None = None
    budget = ctx.value("negotiate.budget")
    home = ctx.home
    if budget and home is not None and ctx.facts.finance_lenders:
        try:
            from dunguard.finance.service import negotiation_figures
        except ImportError:  # pragma: no cover - finance ships with the package
            negotiation_figures = None  # type: ignore[assignment]
        if negotiation_figures is not None:
            figures = negotiation_figures(home, ctx.facts.case_id, Decimal(str(budget)), as_of=ctx.today)
            name = ctx.value("lender.name")
            for candidate in figures.get("lenders", []):
                if candidate.get("lender") == name:
                    line = candidate
                    break
    return {"figures": figures, "line": line}


KIND = DocumentKind(
    id="negotiation",
    title={"zh": "协商还款申请书", "en": "Request to negotiate repayment"},
    template="negotiation.txt",
    summary={"zh": "申请个性化分期或停息挂账，附困难证明清单", "en": "Request instalments / frozen interest, with a hardship checklist"},
    context=_context,
)
