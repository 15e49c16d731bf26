"""《民事起诉状》 draft: 隐私权、个人信息权益纠纷 (for a lawyer to review)."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="civil_complaint",
    title={"zh": "民事起诉状（隐私权、个人信息权益纠纷）", "en": "Civil complaint (privacy / personal information)"},
    template="civil_complaint.txt",
    summary={"zh": "起诉状草稿，请律师审核后使用", "en": "Draft statement of claim, for a lawyer to review"},
)
