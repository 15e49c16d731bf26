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


@pytest.mark.parametrize("text", [
    "你好，是王磊的表哥吗？他最近跟你有联系吗，我们有急事找他。",
    "打扰了，请问张丽现在还在你们公司上班吗？",
    "王总，贵公司员工何军的事情需要和您当面沟通一下，请问您什么时候方便？",
    "你是他老婆是吧，跟他说，他不出面，我们明天就到你们家楼下等。",
])
def test_hunting_for_the_debtor_through_a_contact_is_third_party_contact(text: str) -> None:
    """No debt word, but the reader is asked where the debtor is, whether he still works there,
    or told he must show himself: a collector reaching the debtor's people."""
    assert "third_party_contact" in scan_text(text, addressee="contact").labels


@pytest.mark.parametrize("text", [
    "你好，是王磊的表哥吗？我是他大学同学，想问问他婚礼定在哪天了。",
    "阿姨您好，我是小陈的同事，他手机没电了让我跟您说一声今晚加班晚点回。",
    "请问张丽还在你们公司吗？我是她以前的客户，想找她再订一批货。",
])
def test_asking_after_someone_for_ordinary_reasons_is_not(text: str) -> None:
    assert scan_text(text, addressee="contact").labels == ()
