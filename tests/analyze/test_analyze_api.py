"""The public surface of dunguard.analyze (text half) is pinned."""

from __future__ import annotations

import dunguard.analyze as analyze


def test_public_surface() -> None:
    assert analyze.__all__ == sorted(analyze.__all__)
    assert {"LABELS", "ScanResult", "Scanner", "load_rulebook", "scan_many", "scan_text"} <= set(analyze.__all__)
    for name in analyze.__all__:
        assert hasattr(analyze, name), name


def test_scan_many_matches_scan_text() -> None:
    texts = ["欠款不还就爆你通讯录", "明天见", "老赖还钱"]
    assert analyze.scan_many(texts) == [analyze.scan_text(t) for t in texts]


def test_result_serialises() -> None:
    text = "欠款不还就爆你通讯录"
    data = analyze.scan_text(text).to_dict()
    assert data["labels"] == ["threat_contacts"]
    start, end = data["findings"][0]["span"]
    assert text[start:end].endswith("爆你通讯录")
    assert set(data) == {"labels", "findings", "suggested"}
