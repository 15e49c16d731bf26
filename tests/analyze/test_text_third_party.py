"""Who writes to the debtor's people matters: a lender's collector contacting a sister is rule
T7; the borrower writing to her, or a friend who lent money personally, is not collection."""

from __future__ import annotations

import pytest

from dunguard.analyze.text.scanner import scan_text


@pytest.mark.parametrize("text", [
    "姐，我借网贷的事连累你了，他们要是再给你打电话你别接。",       # the borrower
    "老李，你弟弟借我那三千块钱还没还呢，你见到他跟他说一声让他回我个电话。",  # a personal lender
    "王姐，你家小张上个月借我的钱昨天已经还了，替我谢谢他啊。",
])
def test_the_borrower_or_a_friend_writing_to_a_contact_is_not_collection(text: str) -> None:
    assert scan_text(text, addressee="contact").labels == ()


@pytest.mark.parametrize("text", [
    "老李，你弟弟借我们平台那三千块钱还没还，你见到他跟他说一声让他回个电话。",
    "您好，您儿子在我司的借款逾期了，欠我们的钱麻烦您转告他尽快还。",
])
def test_a_lender_writing_to_a_contact_still_is(text: str) -> None:
    labels = scan_text(text, addressee="contact").labels
    assert "third_party_contact" in labels and "debt_disclosure" in labels
