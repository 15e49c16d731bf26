"""Loans stored in a case (SQLite, and PostgreSQL where available) and the CLI end to end."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from dunguard.cases import create_case
from dunguard.cli import cli
from dunguard.errors import NotFoundError, UsageError
from dunguard.finance import service
from dunguard.finance.schedule import Method
from dunguard.finance.terms import Fee, FeeTiming, LenderType, LoanTerms, Payment
from dunguard.home import Home
from dunguard.models import LedgerEntry


def _microloan() -> LoanTerms:
    start = dt.date(2025, 1, 1)
    return LoanTerms(
        "某小贷", LenderType.MICROLOAN, D(10000), start, method=Method.EXPLICIT,
        fees=[Fee("服务费", D(1000), FeeTiming.DEDUCTED)],
        explicit_schedule=[(start + dt.timedelta(days=30 * k), D(1000)) for k in range(1, 13)],
        payments=[Payment(dt.date(2025, 1, 31), D(1000)), Payment(dt.date(2025, 3, 2), D(1000))],
    )


def test_add_list_and_negotiation_figures_round_trip(any_home: Home) -> None:
    case = create_case(any_home, "网贷案")
    loan_id = service.add_loan(any_home, case.id, _microloan())
    service.add_loan(any_home, case.id, LoanTerms("张三", LenderType.PRIVATE, D(5000), dt.date(2025, 6, 1),
                                                  method=Method.BULLET, periods=12, annual_rate=D("0.30")))
    [a, b] = service.loan_analyses(any_home, case.id, dt.date(2025, 4, 1))
    assert a.id == loan_id and a.terms.actual_received() == D("9000.00")
    assert a.owed.lawful_outstanding == D("7483.61")  # docs example 5, through the store
    assert b.owed.lawful_outstanding == D("5000.00")  # not yet lent on as_of → principal only
    figures = service.negotiation_figures(any_home, case.id, D(2000), as_of=dt.date(2025, 4, 1))
    assert figures["total_lawful"] == "12483.61"
    first = figures["lenders"][0]
    assert first["kantou"] == "1000.00" and first["lawful"] == "7483.61" and first["difference"] == "2516.39"
    assert "civil_670" in first["citations"]
    assert sum(D(x["monthly"]) for x in figures["lenders"]) <= D(2000)
    json.dumps(figures)  # serialisable for the drafter


def test_add_loan_leaves_a_ledger_entry(home: Home) -> None:
    case = create_case(home, "账本")
    loan_id = service.add_loan(home, case.id, _microloan())
    service.add_payment(home, case.id, loan_id[:6], dt.date(2025, 4, 1), D(1000))
    with home.store.session() as s:
        actions = [e.action for e in s.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case.id))]
    assert actions[-2:] == ["finance.loan_added", "finance.payment_added"]
    [a] = service.loan_analyses(home, case.id, dt.date(2025, 4, 1))
    assert a.terms.paid_total() == D("3000.00")


def test_bad_loans_are_refused_before_storing(home: Home) -> None:
    case = create_case(home, "错")
    bad = LoanTerms("X", LenderType.PRIVATE, D(1000), dt.date(2025, 6, 1), received=D(1200))
    with pytest.raises(UsageError):
        service.add_loan(home, case.id, bad)
    with pytest.raises(UsageError):
        service.add_loan(home, case.id, LoanTerms("Y", LenderType.PRIVATE, D(1000), dt.date(2025, 6, 1),
                                                  payments=[Payment(dt.date(2025, 5, 1), D(10))]))
    assert service.loan_analyses(home, case.id, dt.date(2025, 7, 1)) == []
    with pytest.raises(NotFoundError):
        service.add_payment(home, case.id, "nope", dt.date(2025, 7, 1), D(1))
    assert service.negotiation_figures(home, case.id, D(1000), as_of=dt.date(2025, 7, 1))["lenders"] == []


def _run(home_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home_dir), *args], catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        from dunguard.errors import DunGuardError

        if isinstance(result.exception, DunGuardError):
            return 1, str(result.exception)
        raise result.exception
    return result.exit_code, result.output


def test_apr_command_json(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "apr", "--received", "9000", "--payments", "12x950", "--json")
    assert code == 0
    data = json.loads(out)
    assert round(data["apr"], 4) == 0.4606 and round(data["apr_compounded"], 4) == 0.5714
    assert data["legal_lines"]["licensed_24"] == 0.24


def test_apr_command_human_output_in_chinese(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "apr", "--received", "9000", "--principal", "10000", "--payments", "12x950")
    assert code == 0
    assert "46.06%" in out and "砍头息" in out and "对照法律标准" in out


def test_apr_command_schedule_file(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("2026-01-01,1100\n", encoding="utf-8")
    code, out = _run(tmp_path, "apr", "--received", "1000", "--schedule", str(csv), "--start", "2025-01-01",
                     "--json")
    assert code == 0 and json.loads(out)["apr"] == pytest.approx(0.10)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--received", "9000", "--payments", "12x700"], "为负数"),
        (["--received", "-1", "--payments", "12x700"], "不能为负数"),
        (["--received", "9000"], "--payments"),
        (["--received", "9000", "--payments", "12x950", "--schedule", "x.csv"], "--payments"),
        (["--received", "9000", "--payments", "abc"], "abc"),
    ],
)
def test_apr_command_errors_are_one_clear_chinese_line(tmp_path: Path, args: list[str], needle: str) -> None:
    code, out = _run(tmp_path, "apr", *args)
    assert code != 0 and needle in out


def test_loan_and_repay_commands(tmp_path: Path) -> None:
    home_dir = tmp_path / "h"
    with Home.open(home_dir) as h:
        case_id = create_case(h, "命令行").id
    code, out = _run(home_dir, "loan", "add", case_id, "--lender", "某小贷", "--type", "microloan",
                     "--principal", "10000", "--fee", "服务费:1000:deducted", "--date", "2025-01-01",
                     "--rate", "18%", "--paid", "2025-02-01:1000", "--claim", "11000", "--json")
    assert code == 0, out
    code, out = _run(home_dir, "loan", "list", case_id, "--as-of", "2025-06-01")
    assert code == 0 and "某小贷" in out and "24.00%" in out
    code, out = _run(home_dir, "loan", "cost", case_id, "某小贷", "--as-of", "2025-06-01")
    assert code == 0 and "第六百七十条" in out and "法发〔2017〕22号" in out
    code, out = _run(home_dir, "loan", "cost", case_id, "--as-of", "2025-06-01", "--json")
    assert json.loads(out)[0]["caps"]["cap_rule"] == "licensed_24"
    code, out = _run(home_dir, "repay", case_id, "--budget", "3000", "--json")
    plan = json.loads(out)
    assert code == 0 and plan["strategy"] == "proportional" and plan["months"] >= 1
    code, out = _run(home_dir, "repay", case_id, "--budget", "3000", "--strategy", "avalanche")
    assert code == 0 and "停息挂账" in out


def test_apr_first_payment_date(tmp_path: Path) -> None:
    # first payment one month after the loan: a regular schedule
    code, out = _run(tmp_path, "apr", "--received", "9000", "--payments", "12x950", "--start", "2025-01-15",
                     "--first", "2025-02-15", "--json")
    assert code == 0 and json.loads(out)["basis"] == "period"
    # a first payment two months after the loan costs the lender a month: lower rate, dated flows
    code, out = _run(tmp_path, "apr", "--received", "9000", "--payments", "12x950", "--start", "2025-01-15",
                     "--first", "2025-03-15", "--json")
    data = json.loads(out)
    assert code == 0 and data["basis"] == "daily" and data["apr"] < 0.4606


def test_apr_in_english(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--lang", "en", "apr", "--received", "9000", "--payments", "12x950")
    assert code == 0 and "True annual rate" in out and "46.06%" in out


def test_explicit_method_without_dues_is_a_clear_error(tmp_path: Path) -> None:
    home_dir = tmp_path / "h"
    with Home.open(home_dir) as h:
        case_id = create_case(h, "清单").id
    code, out = _run(home_dir, "loan", "add", case_id, "--lender", "X", "--principal", "1000",
                     "--date", "2025-01-01", "--method", "explicit")
    assert code != 0 and "--due" in out


def test_demo_loans_show_every_line(home: Home) -> None:
    from dunguard.finance.demo import add_demo_loans

    case = create_case(home, "示例", is_demo=True)
    today = dt.date(2026, 3, 1)
    add_demo_loans(home, case.id, today)
    analyses = {a.terms.lender_type: a for a in service.loan_analyses(home, case.id, today)}
    fast = analyses[LenderType.UNLICENSED]
    assert fast.terms.kantou() == D("300.00") and fast.caps.over_cap
    assert {c.rule.law_rule for c in fast.caps.checks} == {"T15", "T17", "T18"}
    assert analyses[LenderType.MICROLOAN].caps.over_cap
    within = analyses[LenderType.CONSUMER_FINANCE]
    assert not within.caps.over_cap and within.owed.method == "contract"
    figures = service.negotiation_figures(home, case.id, D(1500), as_of=today)
    assert len(figures["lenders"]) == 3 and figures["months"] > 0
