"""《停止向第三人催收及删除个人信息告知函》: to the lender (个人信息保护法 第四十七条)."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="stop_notice",
    title={"zh": "停止向第三人催收及删除个人信息告知函", "en": "Notice to stop contacting third parties and delete data"},
    template="stop_notice.txt",
    summary={"zh": "寄给贷款机构：要求停止联系亲友、删除通讯录信息", "en": "To the lender: stop third-party contact, delete the address book"},
)
