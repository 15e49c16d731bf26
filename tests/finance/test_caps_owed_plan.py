"""Legal lines by lender type and date, lawful balance, and plan invariants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.errors import UsageError
from dunguard.finance import caps
from dunguard.finance.caps import CapRule
from dunguard.finance.owed import owed, recompute
from dunguard.finance.plan import Debt, Strategy, make_plan
from dunguard.finance.schedule import Method
from dunguard.finance.terms import LenderType, LoanTerms, Payment

REPO = Path(__file__).resolve().parents[2]
LAW = REPO.parent / "shared" / "law" / "law.md"
STATUTES = REPO / "src" / "dunguard" / "analyze" / "rulebooks" / "cn" / "statutes.yaml"


@pytest.mark.parametrize(
    ("lender", "date", "rule", "cap"),
    [
        (LenderType.PRIVATE, dt.date(2025, 6, 1), CapRule.PRIVATE_4LPR, 0.12),
        (LenderType.PRIVATE, dt.date(2022, 10, 1), CapRule.PRIVATE_4LPR, 0.146),
        (LenderType.UNLICENSED, dt.date(2025, 6, 1), CapRule.PRIVATE_4LPR, 0.12),
        (LenderType.UNKNOWN, dt.date(2025, 6, 1), CapRule.PRIVATE_4LPR, 0.12),
        (LenderType.BANK, dt.date(2025, 6, 1), CapRule.LICENSED_24, 0.24),
        (LenderType.CONSUMER_FINANCE, dt.date(2019, 1, 1), CapRule.LICENSED_24, 0.24),
        (LenderType.MICROLOAN, dt.date(2025, 6, 1), CapRule.LICENSED_24, 0.24),
    ],
)
def test_line_depends_on_lender_type_and_contract_date(lender: LenderType, date: dt.date, rule: CapRule,
                                                       cap: float) -> None:
    a = caps.assess(lender, date, 0.20)
    assert a.cap_rule is rule
    assert a.cap == pytest.approx(cap)
    assert a.over_cap is (cap < 0.20)


def test_lpr_is_the_one_at_contract_formation() -> None:
    assert caps.lpr_on(dt.date(2019, 8, 19)) is None
    found = caps.lpr_on(dt.date(2025, 5, 19))
    assert found is not None and found.rate == D("0.0310")
    found = caps.lpr_on(dt.date(2025, 5, 20))
    assert found is not None and found.rate == D("0.0300") and found.confirmed
    later = caps.lpr_on(dt.date(2030, 1, 1))
    assert later is not None and later.stale and not later.confirmed


def test_unconfirmed_lpr_row_asks_for_review() -> None:
    a = caps.assess(LenderType.PRIVATE, dt.date(2023, 7, 1), 0.5)  # 3.55 %: from memory
    assert a.lpr is not None and not a.lpr.confirmed
    assert a.needs_review


def test_old_private_contract_is_flagged_and_cites_article_31() -> None:
    a = caps.assess(LenderType.PRIVATE, dt.date(2019, 3, 1), 0.3)
    assert a.needs_review and "lending_31" in a.citations()
    assert a.why_key == "finance.caps.why.private_old_contract"


def test_36_percent_marker_only_for_unlicensed_or_unknown() -> None:
    rules = {c.rule for c in caps.assess(LenderType.UNLICENSED, dt.date(2025, 6, 1), 0.5).checks}
    assert CapRule.ILLEGAL_36 in rules
    rules = {c.rule for c in caps.assess(LenderType.CONSUMER_FINANCE, dt.date(2025, 6, 1), 0.5).checks}
    assert CapRule.ILLEGAL_36 not in rules


def test_kantou_cites_civil_code_670() -> None:
    a = caps.assess(LenderType.PRIVATE, dt.date(2025, 6, 1), 0.1, principal=D(10000), received=D(9000))
    check = next(c for c in a.checks if c.rule is CapRule.KANTOU)
    assert check.citations == ["civil_670", "lending_26"]
    assert check.params["kept"] == "1,000.00"


def test_messages_never_state_illegality_as_fact() -> None:
    from dunguard.i18n import t

    a = caps.assess(LenderType.UNLICENSED, dt.date(2025, 6, 1), 0.5)
    texts = [t(c.key, **c.params) for c in a.checks]
    assert any("可能" in x for x in texts)
    assert not any("构成犯罪。" in x or "是违法的" in x for x in texts)


def test_every_citation_is_verbatim_in_law_md() -> None:
    if not LAW.exists():
        pytest.skip(f"law.md not available: {LAW}")
    law = LAW.read_text(encoding="utf-8")
    for cid, c in caps.citations().items():
        for line in c.text.split("\n"):
            assert line in law, cid
    assert "UNVERIFIED" not in "".join(c.source for c in caps.citations().values())


def test_citations_agree_with_the_rulebook() -> None:
    """Ids shared with the analysis rulebook carry the same text; the rest are not in it."""
    if not STATUTES.exists():
        pytest.skip("analysis rulebook statutes.yaml not present")
    data = yaml.safe_load(STATUTES.read_text(encoding="utf-8"))
    theirs = {e["id"]: e for e in data["statutes"]}
    shared = [cid for cid in caps.citations() if cid in theirs]
    assert {"civil_670", "lending_25", "lending_26", "lending_29"} <= set(shared)
    for cid in shared:
        assert caps.citation(cid).text == str(theirs[cid]["text"]).strip(), cid
        assert caps.citation(cid).article == theirs[cid]["article"], cid


def test_recompute_interest_first_then_principal_and_overpaid() -> None:
    left, unpaid, interest, overpaid, rows = recompute(
        D(1000), dt.date(2025, 1, 1), [Payment(dt.date(2026, 1, 1), D(1500))], D("0.12"), dt.date(2026, 6, 1))
    assert interest == D("120.00") and left == 0 and unpaid == 0
    assert overpaid == D("380.00")
    assert rows[0].to_interest == D("120.00") and rows[0].to_principal == D("1000.00")


def test_loan_within_the_line_keeps_the_contract() -> None:
    terms = LoanTerms("银行", LenderType.BANK, D(12000), dt.date(2025, 1, 1), method=Method.ANNUITY,
                      annual_rate=D("0.10"), payments=[Payment(dt.date(2025, 2, 1), D("1054.99"))])
    result = owed(terms, D("0.24"), 0.10, dt.date(2025, 3, 1))
    assert result.method == "contract"
    assert result.lawful_outstanding == result.lender_figure


def test_as_of_before_loan_is_refused() -> None:
    with pytest.raises(UsageError):
        recompute(D(1000), dt.date(2025, 1, 1), [], D("0.12"), dt.date(2024, 1, 1))


debts_st = st.lists(
    st.tuples(st.integers(min_value=0, max_value=5_000_000), st.integers(min_value=0, max_value=3600)),
    min_size=1, max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(debts_st, st.integers(min_value=5000_00, max_value=50000_00), st.sampled_from(list(Strategy)),
       st.booleans())
def test_plan_never_pays_more_than_owed_nor_more_than_the_budget(
    raw: list[tuple[int, int]], budget_fen: int, strategy: Strategy, accrue: bool
) -> None:
    debts = [Debt(f"L{i}", D(f) / 100, D(bp) / 10000) for i, (f, bp) in enumerate(raw)]
    budget = D(budget_fen) / 100
    try:
        plan = make_plan(debts, budget, strategy, accrue=accrue)
    except UsageError as exc:
        assert accrue and exc.key in ("finance.plan.budget_below_interest", "finance.plan.too_long")
        return
    for line, debt in zip(plan.lines, debts, strict=True):
        assert line.total_paid == debt.owed + line.interest  # exactly what is owed, never more
        assert all(p >= 0 and p == p.quantize(D("0.01")) for p in line.payments)
        if not accrue:
            assert line.interest == 0
    for month in range(plan.months):
        assert sum((line.payments[month] for line in plan.lines), D(0)) <= budget
    assert plan.total_paid == sum((line.total_paid for line in plan.lines), D(0))


def test_plan_refuses_a_budget_that_cannot_cover_interest() -> None:
    with pytest.raises(UsageError) as info:
        make_plan([Debt("A", D(100000), D("0.36"))], D(1000), accrue=True)
    assert info.value.key == "finance.plan.budget_below_interest"
    assert "停息挂账" in str(info.value)


def test_plan_needs_a_positive_budget() -> None:
    with pytest.raises(UsageError):
        make_plan([Debt("A", D(100), D(0))], D(0))


def test_dated_claim_is_compared_on_its_own_date() -> None:
    terms = LoanTerms("张三", LenderType.PRIVATE, D(10000), dt.date(2025, 6, 1), method=Method.EXPLICIT,
                      explicit_schedule=[(dt.date(2026, 6, 1), D(13000))], lender_claim=D(13000),
                      claim_date=dt.date(2026, 6, 1))
    result = owed(terms, D("0.12"), 0.30, dt.date(2026, 12, 1))
    assert result.lawful_outstanding > D("11200.00")  # interest keeps accruing to as_of
    assert result.lawful_at_claim == D("11200.00")
    assert result.difference == D("1800.00")
