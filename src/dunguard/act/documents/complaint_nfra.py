"""《投诉书》: to 国家金融监督管理总局 or its local office (or the local financial regulator)."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="complaint_nfra",
    title={"zh": "投诉书（金融监管部门）", "en": "Complaint to the financial regulator"},
    template="complaint_nfra.txt",
    summary={"zh": "向国家金融监督管理总局或地方金融管理部门投诉", "en": "Complaint to NFRA or the local financial regulator"},
)
