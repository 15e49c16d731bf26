"""亲友告知短信: ready-to-send texts for contacts, in a few tones."""

from __future__ import annotations

from dunguard.act.documents.base import DocumentKind

KIND = DocumentKind(
    id="contact_sms",
    title={"zh": "亲友告知短信", "en": "Text messages for your contacts"},
    template="contact_sms.txt",
    summary={"zh": "发给亲友同事的提醒短信（几种语气）", "en": "Messages warning your contacts (several tones)"},
)
