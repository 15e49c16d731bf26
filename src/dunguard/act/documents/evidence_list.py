"""《证据清单》 from the vault: the same rows as the evidence package (dunguard.export)."""

from __future__ import annotations

from typing import Any

from dunguard.act.documents.base import DocumentKind, DraftContext, blank


def _context(ctx: DraftContext) -> dict[str, Any]:
    rows = []
    for row in ctx.facts.evidence_rows:
        titles = ctx.facts.evidence_purposes.get(int(row["evidence_id"]), [])
        purpose = ("证明存在" + "、".join(titles) + "等情况") if titles else blank("证明目的")
        rows.append({**row, "purpose": purpose})
    return {"rows": rows}


KIND = DocumentKind(
    id="evidence_list",
    title={"zh": "证据清单", "en": "List of evidence"},
    template="evidence_list.txt",
    summary={"zh": "证据库中全部原件的清单（含 sha256）", "en": "Every original in the vault, with sha256"},
    context=_context,
)
