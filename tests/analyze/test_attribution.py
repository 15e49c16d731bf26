"""Attribution: who is behind a message, from its text alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunguard.analyze.attribution import extract, template_key


@pytest.mark.parametrize(
    ("text", "lender"),
    [
        ("【马上还钱】尊敬的王先生，您的借款本期应还1280.00元已逾期3天", "马上还钱"),
        ("您的借款已逾期，请尽快处理。【闪电借】", "闪电借"),
        ("[速贷之家]您的账单已逾期", "速贷之家"),
        ("【温馨提示】您的借款已逾期", None),  # a generic bracket is not a sender
        ("您在闪电借平台的借款已逾期45天", "闪电借"),
        ("您在快有钱APP的欠款请于今日处理", "快有钱"),
        ("还不上就去别的平台借，下载速借宝APP马上到账", None),  # another app pushed on the debtor
        ("我司受深圳某某资产管理有限公司委托处理您的欠款", "深圳某某资产管理"),
        ("今天不还明天就去你单位找你领导", None),
    ],
)
def test_lender(text: str, lender: str | None) -> None:
    assert extract(text).lender == lender


def test_claimed_authority_is_never_the_lender() -> None:
    a = extract("【XX市人民法院】王小明涉嫌恶意拖欠贷款，已立案")
    assert a.lender is None and a.claimed_authority == "XX市人民法院"


@pytest.mark.parametrize(
    ("text", "amounts", "days"),
    [
        ("应还1,280.00元，已逾期 45 天", ("1,280.00元",), 45),
        ("欠款￥3200，逾期达12日", ("￥3200",), 12),
        ("需另付上门催收费500元", ("500元",), None),
        ("请尽快还款", (), None),
    ],
)
def test_amounts_and_days_overdue(text: str, amounts: tuple[str, ...], days: int | None) -> None:
    a = extract(text)
    assert a.amounts == amounts and a.days_overdue == days


def test_template_key_links_one_template_across_names_and_amounts() -> None:
    a = template_key("【闪电借】张三您好，您的借款1280元已逾期3天，请今日还款")
    b = template_key("【闪电借】李四您好，您的借款560元已逾期15天，请今日还款")
    c = template_key("【快有钱】李四您好，您的借款560元已逾期15天，请今日还款")
    assert a is not None and a == b and a != c


def test_template_key_ignores_short_texts() -> None:
    assert template_key("在吗") is None and template_key(None) is None


@given(st.text(max_size=200))
def test_extract_never_fails(text: str) -> None:
    a = extract(text)
    assert a.days_overdue is None or a.days_overdue >= 0
    assert set(a.as_dict()) >= {"lender", "signature", "amounts", "days_overdue"}
    assert template_key(text) == template_key(text)


def test_numbers_written_in_the_text() -> None:
    a = extract("如有疑问请回电17012345678或拨打400-123-4567，座机021-12345678")
    assert a.numbers == ("17012345678", "4001234567", "02112345678")
    assert extract("应还1280.00元").numbers == ()
