"""extra_fees (T12): a fee the contract already bills is not an extra fee; one the collector
invents is, even when it borrows a contract word (分期手续费)."""

from __future__ import annotations

import pytest

from dunguard.analyze.text.scanner import scan_text


@pytest.mark.parametrize("text", [
    "【某银行】您的分期手续费按月收取，本期应还手续费36.00元，已包含在账单中。",
    "上门维修费80元，材料费另算，师傅说的。",
    "催收要我交一千的“加急处理费”才给我减免，合同里根本没这一项，这合理吗？",
])
def test_billed_everyday_or_retold_fees_are_not_extra_fees(text: str) -> None:
    assert scan_text(text).labels == ()


@pytest.mark.parametrize("text", [
    "欠款要分期还可以，先交20%的分期手续费。",
    "交2000保证金，我们就帮你申请停息挂账。",
    "要撤销对你的外访安排，需支付外访取消费500元",
])
def test_fees_the_collector_invents_are(text: str) -> None:
    assert "extra_fees" in scan_text(text).labels
