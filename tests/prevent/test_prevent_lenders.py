"""Licensed-lender check: table-driven fuzzy matching and channels per type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunguard.errors import UsageError
from dunguard.prevent.lenders import check_lender, institutions, normalize_name

LAW_MD = Path(__file__).resolve().parents[3] / "shared" / "law" / "law.md"

CASES = [
    # query, expected kind, expected matched legal name (None = no match)
    ("马上金融", "consumer_finance", "马上消费金融股份有限公司"),
    ("马上消金", "consumer_finance", "马上消费金融股份有限公司"),
    ("马上消费金融股份有限公司", "consumer_finance", "马上消费金融股份有限公司"),
    ("马上 消费金融", "consumer_finance", "马上消费金融股份有限公司"),
    ("【招联消费金融】客服中心", "consumer_finance", "招联消费金融股份有限公司"),
    ("招联", "consumer_finance", "招联消费金融股份有限公司"),
    ("锦程消费金融有限公司", "consumer_finance", "四川锦程消费金融有限责任公司"),
    ("湖北消费金融", "consumer_finance", "湖北消费金融股份有限公司"),
    ("唯品富邦消费金融", "consumer_finance", "四川省唯品富邦消费金融有限公司"),
    ("小米消金", "consumer_finance", "重庆小米消费金融有限公司"),
    ("长银五八", "consumer_finance", "湖南长银五八消费金融股份有限公司"),
    ("ＨＡＩＥＲ海尔消费金融", "consumer_finance", "海尔消费金融有限公司"),
    ("工行", "bank", "中国工商银行股份有限公司"),
    ("招商银行", "bank", "招商银行股份有限公司"),
    ("微众银行", "bank", "深圳前海微众银行股份有限公司"),
    ("平安银行", "bank", "平安银行股份有限公司"),
    ("宁波某某农村商业银行", "bank", None),
    ("某某小额贷款有限公司", "small_loan", None),
    ("某某融资担保有限公司", "guarantee", None),
    ("快乐花", "unknown", None),
    ("兴业", "unknown", None),  # a bank and a consumer finance company: ambiguous
    ("平安", "unknown", None),
    ("招连消费金融", "unknown", None),  # near-miss: suggestion only (could be an impostor)
    ("捷信消费金融", "unknown", None),  # not in the 2025 list
]


@pytest.mark.parametrize(("query", "kind", "name"), CASES)
def test_matching_table(query: str, kind: str, name: str | None) -> None:
    result = check_lender(query, lang="zh")
    assert result.kind == kind
    assert (result.match.name if result.match else None) == name


def test_near_miss_is_suggested_not_matched() -> None:
    r = check_lender("招连消费金融", lang="zh")
    assert r.match is None and not r.licensed
    assert r.candidates[0].name == "招联消费金融股份有限公司"
    assert r.candidates[0].how == "similar"
    assert any("相近但不相同" in n for n in r.notes)
    assert any("消费金融" in n and "名单" in n for n in r.notes)


def test_ambiguous_short_name_lists_both() -> None:
    r = check_lender("兴业")
    assert {c.name for c in r.candidates} == {"兴业消费金融股份公司", "兴业银行股份有限公司"}


def test_channels_per_type() -> None:
    cf = [c.id for c in check_lender("马上金融").channels]
    assert cf[0] == "company" and "nfra_12378" in cf
    assert "local_regulator" in [c.id for c in check_lender("某某小额贷款有限公司").channels]
    unknown = [c.id for c in check_lender("快乐花").channels]
    assert unknown[0] == "police_110" and "nfra_12378" not in unknown


def test_register_note_and_date_always_present() -> None:
    for lang in ("zh", "en"):
        r = check_lender("马上金融", lang=lang)
        assert r.as_of == "2025-06-30"
        assert ("监督管理总局" in r.notes[-1]) if lang == "zh" else ("register" in r.notes[-1])
    assert check_lender("马上金融", lang="en").channels[1].name.startswith("12378")


def test_empty_query() -> None:
    with pytest.raises(UsageError):
        check_lender("  ")


def test_every_alias_finds_its_own_institution() -> None:
    for inst in institutions():
        for alias in inst.aliases:
            r = check_lender(alias)
            assert r.match is not None and r.match.name == inst.name, alias


@given(st.text(max_size=40))
def test_any_text_gives_an_answer(q: str) -> None:
    if not normalize_name(q):
        return
    r = check_lender(q)
    assert r.kind in {"consumer_finance", "bank", "small_loan", "guarantee", "unknown"}
    assert r.channels


@pytest.mark.skipif(not LAW_MD.exists(), reason="../shared/law/law.md not present")
def test_consumer_finance_list_equals_law_md_section_10() -> None:
    text = LAW_MD.read_text(encoding="utf-8")
    sec = text[text.index("## 10.") : text.index("## 11.")]
    rows = re.findall(r"^\| \d+ \| (\S+) \| (X\w+) \|$", sec, re.M)
    assert len(rows) == 31
    ours = [(i.name, i.code) for i in institutions() if i.kind == "consumer_finance"]
    assert ours == rows
