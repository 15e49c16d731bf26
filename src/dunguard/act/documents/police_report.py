"""《报案材料》: for 110 or the local 派出所 (threats, impersonation, insults, harassment)."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="police_report",
    title={"zh": "报案材料", "en": "Police report"},
    template="police_report.txt",
    summary={"zh": "向公安机关报案时提交的书面材料", "en": "Written statement for the police"},
)
