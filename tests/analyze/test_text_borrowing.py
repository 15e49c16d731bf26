"""induce_borrowing (T11) by credit source: instalments, a new credit line, pay-later products and
"whatever it takes" are all pushes to borrow when the collector wants its money from them."""

from __future__ import annotations

import pytest

from dunguard.analyze.text.scanner import scan_text


@pytest.mark.parametrize("text", [
    "你都三十岁的人了，办个分期都不会？分期出来先把欠款还了。",
    "找你老婆的身份证再申请一个，额度下来了先还我们。",
    "抖音月付、美团月付都开一下，额度够你还这一期的了。",
    "不管你是卖手机还是去借高利贷，今晚钱必须到，不然明天上门。",
])
def test_a_push_to_any_new_credit_is_induce_borrowing(text: str) -> None:
    assert "induce_borrowing" in scan_text(text).labels


@pytest.mark.parametrize("text", [
    "我准备办个装修分期，你觉得哪家银行利息低？",
    "信用卡额度下来了，下个月去旅游。",
    "【某银行】如资金周转困难，您可申请分期还款，我行不会要求您通过其他平台借款还款。",
    "美团月付这个月的账单我已经还了。",
])
def test_credit_talk_without_a_push_is_not(text: str) -> None:
    assert "induce_borrowing" not in scan_text(text).labels
