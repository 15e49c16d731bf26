"""The short text for the 12378 online complaint form (plain text to paste)."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="complaint_12378_text",
    title={"zh": "12378 在线投诉简述", "en": "Short text for the 12378 online form"},
    template="complaint_12378_text.txt",
    summary={"zh": "可直接粘贴到 12378 等在线投诉表单的简短文字", "en": "Short text to paste into online complaint forms"},
)
