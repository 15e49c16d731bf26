"""A borrower's own account of what collectors did gets no label, however violent the words it
retells; the collector's message itself still does.  (The ``complaint`` cue's narrative
structures, seventh pass: docs/rulebook.md.)"""

from __future__ import annotations

import pytest

from dunguard.analyze.text.scanner import scan_text


@pytest.mark.parametrize(("complaint", "collector"), [
    # the collector as the subject of a reported act
    ("催收竟然给我们女儿的班主任打电话，说孩子家长是老赖", "再不还钱就给你女儿的班主任打电话，说她家长是老赖"),
    # reported words
    ("昨天有个号码打来，开口就是你不还钱全家死光", "你不还钱全家死光"),
    # the author's own evidence-keeping
    ("记录一下：欠款逾期第三天，晚上11点那个号码威胁明天带人上门。", "欠款再不还，明天带人上门。"),
    # a message received and retold
    ("今天收到一条短信，说是律师函，不还就冻结所有银行卡", "律师函：欠款不还就冻结你所有银行卡"),
    # someone calling a relative, a relative telling the author
    ("我妈今天哭着给我打电话，说有人打给她，说我借钱不还要被抓去坐牢", "你借钱不还，等着被抓去坐牢"),
    # a request for help
    ("电话里讲欠款不还就去单位找领导闹，这算不算暴力催收？", "欠款不还就去单位找领导闹"),
    ("说欠款不还明天就上门，这种情况该去哪里投诉？", "欠款不还明天就上门"),
])
def test_a_retold_threat_is_not_a_finding_but_the_threat_is(complaint: str, collector: str) -> None:
    assert scan_text(complaint).labels == ()
    assert scan_text(collector).labels != ()


@pytest.mark.parametrize("text", [
    "我们催收员明天上门，欠款今天必须还清",         # the collector naming its own staff
    "你家人都收到短信了，说你欠钱不还，明天上门",    # 收到 … 说, but told to the debtor
    "有人会打给你家人，欠款再不还后果自负，明天上门",  # a future call is a threat, not a report
])
def test_collectors_own_wording_is_not_read_as_a_complaint(text: str) -> None:
    assert "threat_visit" in scan_text(text).labels
