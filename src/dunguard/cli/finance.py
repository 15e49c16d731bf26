"""Finance commands: ``apr`` (case-free calculator), ``loan add|list|cost``, ``repay``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.i18n import t

_FREQ = click.Choice(["month", "week", "day"])
_TYPES = click.Choice(["bank", "consumer_finance", "microloan", "private", "unlicensed", "unknown"])
_METHODS = click.Choice(["annuity", "equal_principal", "interest_only", "bullet", "explicit"])
_STRATEGIES = click.Choice(["proportional", "avalanche", "snowball"])


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _pct(rate: float | None, digits: int = 2) -> str:
    if rate is None or rate > 1e7:
        return t("finance.label.too_big")
    return f"{rate * 100:,.{digits}f}%"


def _yuan(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f}"


def _cost_rows(report: Any) -> list[tuple[str, str]]:
    """Label/value rows describing a CostReport (shared by ``apr`` and ``loan cost``)."""
    unit = {12: "month", 52: "week", 365: "day"}.get(report.periods_per_year, "day")
    rows = [
        (t("finance.label.principal"), _yuan(report.principal)),
        (t("finance.label.received"), _yuan(report.received)),
    ]
    if report.kantou > 0:
        rows.append((t("finance.label.kantou"), _yuan(report.kantou)))
    if report.upfront_fees > 0:
        rows.append((t("finance.label.upfront"), _yuan(report.upfront_fees)))
    rows += [
        (t("finance.label.repaid"), _yuan(report.total_repaid)),
        (t("finance.label.cost"), _yuan(report.total_cost)),
        (t("finance.label.term"), t("finance.label.term_value", days=report.term_days)),
        (t("finance.label.apr", unit=t(f"finance.unit.{unit}"), n=report.periods_per_year), _pct(report.apr)),
        (t("finance.label.apr_compounded"), _pct(report.apr_compounded)),
    ]
    ad = report.advertised
    if ad.basis == "contract":
        rows.append((t("finance.label.advertised_contract"), _pct(ad.annual)))
    else:
        rows.append((t("finance.label.advertised_monthly"), _pct(ad.monthly)))
        rows.append((t("finance.label.advertised_annual"), _pct(ad.annual)))
    rows.append((t("finance.label.advertised_daily"), _pct(ad.daily, 4)))
    rows.append((t("finance.label.gap"), t("finance.label.gap_value", points=f"{report.gap * 100:,.2f}")))
    return rows


def _print_rows(console: Console, rows: list[tuple[str, str]], title: str | None = None) -> None:
    table = Table(show_header=False, title=title, box=None, pad_edge=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)


def _kantou_note(report: Any) -> str:
    return t("finance.note.kantou", principal=_yuan(report.principal), received=_yuan(report.received),
             kept=_yuan(report.kantou))


@click.command("apr")
@click.option("--received", required=True, help="实际到手金额（元）Amount actually received.")
@click.option("--principal", default=None, help="合同本金（元），默认等于到手金额 Contract principal.")
@click.option("--payments", "payments_spec", default=None,
              help="还款：期数x金额，如 12x950，或 3x1000,9x950 Payments, e.g. 12x950.")
@click.option("--schedule", "schedule_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV 文件：每行“日期,金额” Dated payments (date,amount per line).")
@click.option("--first", default=None, help="第一期还款日期 Date of the first payment (YYYY-MM-DD).")
@click.option("--start", default=None, help="放款日期 Loan date (YYYY-MM-DD).")
@click.option("--every", type=_FREQ, default="month", show_default=True, help="还款间隔 Interval of payments.")
@click.option("--fee", "fees", multiple=True, help="放款当天另付的费用（元），可重复 Fee paid on the loan date.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（apr 为小数）")
def apr_command(received: str, principal: str | None, payments_spec: str | None, schedule_file: Path | None,
                first: str | None, start: str | None, every: str, fees: tuple[str, ...], as_json: bool) -> None:
    """算一笔借款的真实年化利率（IRR），与商家宣传口径对比。不需要案件。

    例：dunguard apr --received 9000 --payments 12x950
    """
    from dunguard.errors import UsageError
    from dunguard.finance import calculator
    from dunguard.finance.inputs import parse_date, parse_payments_spec, read_schedule_csv
    from dunguard.finance.money import ZERO, parse_money, total
    from dunguard.finance.schedule import Frequency

    got = parse_money(received, what="--received")
    contract = parse_money(principal, what="--principal") if principal else None
    upfront = total(parse_money(f, what="--fee") for f in fees) if fees else ZERO
    start_date = parse_date(start, what="--start") if start else None
    first_date = parse_date(first, what="--first") if first else None
    if (payments_spec is None) == (schedule_file is None):
        raise UsageError("finance.apr.need_payments")
    if schedule_file is not None:
        if start_date is None:
            raise UsageError("finance.apr.start_required")
        report = calculator.apr_dated(got, read_schedule_csv(schedule_file), start_date, principal=contract,
                                      upfront_fees=upfront)
    else:
        assert payments_spec is not None
        report = calculator.apr_regular(got, parse_payments_spec(payments_spec), every=Frequency(every),
                                        principal=contract, start=start_date, first=first_date,
                                        upfront_fees=upfront)
    lines = calculator.reference_lines()
    if as_json:
        data = report.to_dict()
        data["legal_lines"] = lines
        print_json(data)
        return
    console = _console()
    _print_rows(console, _cost_rows(report))
    if report.kantou > 0:
        console.print(_kantou_note(report))
    console.print()
    _print_rows(console, [
        (t("finance.label.line_private", lpr=_pct(lines["lpr"])), _pct(lines["private_4lpr"])),
        (t("finance.label.line_licensed"), _pct(lines["licensed_24"])),
        (t("finance.label.line_illegal"), _pct(lines["illegal_36"])),
    ], title=t("finance.label.lines"))


def register(cli: click.Group) -> None:
    cli.add_command(apr_command)
    _register_case_commands(cli)


def _register_case_commands(cli: click.Group) -> None:
    """``loan`` and ``repay`` (need a case store); defined below."""
    cli.add_command(loan_group)
    cli.add_command(repay_command)


@click.group("loan")
def loan_group() -> None:
    """登记借款、查看真实成本和依法应还金额 (loans of a case)."""


@click.command("repay")
@click.argument("case_ref")
@click.option("--budget", required=True, help="每月可用于还款的金额（元）Monthly budget.")
@click.option("--strategy", type=_STRATEGIES, default="proportional", show_default=True)
@click.option("--accrue", is_flag=True, help="计划期间继续计息（默认假设停息挂账）")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def repay_command(ctx: click.Context, case_ref: str, budget: str, strategy: str, accrue: bool,
                  as_json: bool) -> None:
    """按每月预算生成跨出借方的还款计划。"""
    from dunguard.finance import service
    from dunguard.finance.money import parse_money
    from dunguard.finance.plan import Strategy

    plan = service.repayment_plan(get_home(ctx), case_ref, parse_money(budget, what="--budget"),
                                  Strategy(strategy), accrue=accrue, as_of=dt.date.today())
    if as_json:
        print_json(plan.to_dict())
        return
    console = _console()
    table = Table(t("finance.col.lender"), t("finance.col.owed"), t("finance.col.first"),
                  t("finance.col.months"), t("finance.col.total"),
                  title=t("finance.plan.title", budget=_yuan(plan.budget),
                          strategy=t(f"finance.strategy.{plan.strategy.value}")))
    for line in plan.lines:
        table.add_row(line.name, _yuan(line.owed), _yuan(line.first_instalment), str(line.months),
                      _yuan(line.total_paid))
    console.print(table)
    console.print(t("finance.plan.summary", months=plan.months, total=_yuan(plan.total_paid),
                    owed=_yuan(plan.total_owed)))
    console.print(t("finance.plan.accrue" if plan.accrue else "finance.plan.frozen"))
