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
    import sys

    # piped output keeps whole numbers: tables are not squeezed to 80 columns
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


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
    gap_label = "finance.label.gap" if report.gap >= 0 else "finance.label.gap_below"
    rows.append((t(gap_label), t("finance.label.gap_value", points=f"{abs(report.gap) * 100:,.2f}")))
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


@loan_group.command("add")
@click.argument("case_ref")
@click.option("--lender", required=True, help="出借方名称（平台/公司/个人）")
@click.option("--type", "lender_type", type=_TYPES, default="unknown", show_default=True,
              help="出借方类型：bank 银行, consumer_finance 消费金融公司, microloan 小额贷款公司, "
                   "private 个人, unlicensed 无资质, unknown 不明")
@click.option("--principal", required=True, help="合同本金（元）")
@click.option("--received", default=None, help="实际到手（元），默认=本金减去放款时扣除的费用")
@click.option("--date", "start", required=True, help="借款（放款）日期 YYYY-MM-DD")
@click.option("--method", type=_METHODS, default="annuity", show_default=True,
              help="还款方式：annuity 等额本息, equal_principal 等额本金, interest_only 先息后本, "
                   "bullet 一次性还本付息, explicit 按 --due 清单")
@click.option("--periods", type=int, default=12, show_default=True, help="期数")
@click.option("--every", type=_FREQ, default="month", show_default=True, help="每期间隔")
@click.option("--rate", default="0", show_default=True, help="合同年利率，如 18% 或 0.18（不含费用）")
@click.option("--fee", "fees", multiple=True, help="费用 名称:金额[:deducted|upfront|per_period|on_date[:日期]]，可重复")
@click.option("--due", "dues", multiple=True, help="按清单还款时每一期 日期:金额，可重复（--method explicit）")
@click.option("--paid", "paid", multiple=True, help="已还的一笔 日期:金额，可重复")
@click.option("--claim", default=None, help="出借方要求还的金额（元）")
@click.option("--claim-date", default=None, help="出借方要求金额对应的日期（默认按计算日期比较）")
@click.option("--penalty-rate", default=None, help="合同约定的罚息年利率（仅记录）")
@click.option("--note", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def loan_add(ctx: click.Context, case_ref: str, lender: str, lender_type: str, principal: str,
             received: str | None, start: str, method: str, periods: int, every: str, rate: str,
             fees: tuple[str, ...], dues: tuple[str, ...], paid: tuple[str, ...], claim: str | None,
             claim_date: str | None, penalty_rate: str | None, note: str | None, as_json: bool) -> None:
    """登记一笔借款。"""
    from dunguard.finance import service
    from dunguard.finance.inputs import parse_date, parse_dated_amount, parse_fee_spec, parse_rate
    from dunguard.finance.money import parse_money
    from dunguard.finance.schedule import Frequency, Method
    from dunguard.finance.terms import Fee, FeeTiming, LenderType, LoanTerms, Payment

    fee_objs = []
    for spec in fees:
        name, amount, timing, when = parse_fee_spec(spec)
        fee_objs.append(Fee(name, amount, FeeTiming(timing), when))
    terms = LoanTerms(
        lender=lender.strip(),
        lender_type=LenderType(lender_type),
        principal=parse_money(principal, what="--principal"),
        start=parse_date(start, what="--date"),
        method=Method(method),
        periods=periods,
        frequency=Frequency(every),
        annual_rate=parse_rate(rate, what="--rate"),
        received=parse_money(received, what="--received") if received else None,
        fees=fee_objs,
        explicit_schedule=[parse_dated_amount(d, what="--due") for d in dues],
        penalty_rate=parse_rate(penalty_rate, what="--penalty-rate") if penalty_rate else None,
        payments=[Payment(*parse_dated_amount(p, what="--paid")) for p in paid],
        lender_claim=parse_money(claim, what="--claim") if claim else None,
        claim_date=parse_date(claim_date, what="--claim-date") if claim_date else None,
    )
    loan_id = service.add_loan(get_home(ctx), case_ref, terms, note=note)
    if as_json:
        print_json({"id": loan_id})
    else:
        click.echo(t("finance.loan.added", lender=terms.lender, principal=_yuan(terms.principal),
                     received=_yuan(terms.actual_received()), id=loan_id[:8]))


@loan_group.command("pay")
@click.argument("case_ref")
@click.argument("loan_ref")
@click.option("--date", "when", required=True, help="还款日期 YYYY-MM-DD")
@click.option("--amount", required=True, help="金额（元）")
@click.option("--note", default=None)
@click.pass_context
def loan_pay(ctx: click.Context, case_ref: str, loan_ref: str, when: str, amount: str, note: str | None) -> None:
    """记录一笔已经还的钱。"""
    from dunguard.finance import service
    from dunguard.finance.inputs import parse_date
    from dunguard.finance.money import parse_money

    day = parse_date(when, what="--date")
    money = parse_money(amount, what="--amount")
    service.add_payment(get_home(ctx), case_ref, loan_ref, day, money, note)
    click.echo(t("finance.loan.payment_added", date=day.isoformat(), amount=_yuan(money)))


@loan_group.command("list")
@click.argument("case_ref")
@click.option("--as-of", default=None, help="计算日期（默认今天）")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def loan_list(ctx: click.Context, case_ref: str, as_of: str | None, as_json: bool) -> None:
    """列出案件的借款：真实年化、适用上限、依法应还。"""
    from dunguard.finance import service
    from dunguard.finance.inputs import parse_date

    when = parse_date(as_of, what="--as-of") if as_of else dt.date.today()
    analyses = service.loan_analyses(get_home(ctx), case_ref, when)
    if as_json:
        print_json([a.to_dict() for a in analyses])
        return
    if not analyses:
        click.echo(t("finance.loan.none"))
        return
    table = Table(t("finance.col.id"), t("finance.col.lender"), t("finance.col.type"), t("finance.col.date"),
                  t("finance.col.principal"), t("finance.col.received"), t("finance.col.apr"),
                  t("finance.col.cap"), t("finance.col.lender_figure"), t("finance.col.lawful"),
                  t("finance.col.difference"))
    for a in analyses:
        table.add_row(a.id[:8], a.terms.lender, t(f"finance.lender_type.{a.terms.lender_type.value}"),
                      a.terms.start.isoformat(), _yuan(a.terms.principal), _yuan(a.terms.actual_received()),
                      _pct(a.cost.apr), _pct(a.caps.cap), _yuan(a.owed.lender_figure),
                      _yuan(a.owed.lawful_outstanding), _yuan(a.owed.difference))
    _console().print(table)
    click.echo(t("finance.owed.disclaimer"))


@loan_group.command("cost")
@click.argument("case_ref")
@click.argument("loan_ref", required=False)
@click.option("--as-of", default=None, help="计算日期（默认今天）")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def loan_cost(ctx: click.Context, case_ref: str, loan_ref: str | None, as_of: str | None, as_json: bool) -> None:
    """每笔借款的真实成本、适用的法律上限（附条文）和依法应还金额。"""
    from dunguard.finance import service
    from dunguard.finance.inputs import parse_date

    when = parse_date(as_of, what="--as-of") if as_of else dt.date.today()
    analyses = service.loan_analyses(get_home(ctx), case_ref, when, loan_ref)
    if as_json:
        print_json([a.to_dict() for a in analyses])
        return
    if not analyses:
        click.echo(t("finance.loan.none"))
        return
    console = _console()
    for a in analyses:
        _print_analysis(console, a)
    click.echo(t("finance.owed.disclaimer"))


def _print_analysis(console: Console, a: Any) -> None:
    from dunguard.finance.caps import citation, pct

    console.rule(t("finance.cost.title", lender=a.terms.lender,
                   type=t(f"finance.lender_type.{a.terms.lender_type.value}"),
                   date=a.terms.start.isoformat(), id=a.id[:8]))
    _print_rows(console, _cost_rows(a.cost))
    console.print()
    console.print(t(a.caps.why_key, **a.caps.why_params))
    for check in a.caps.checks:
        console.print("• " + t(check.key, **check.params))
    lpr = a.caps.lpr
    if lpr is not None and (not lpr.confirmed or lpr.stale) and not a.terms.lender_type.licensed:
        console.print(t("finance.caps.lpr_unconfirmed", lpr=pct(lpr.rate), lpr_from=lpr.effective_from.isoformat()))
    if a.caps.needs_review or any(c.needs_review for c in a.caps.checks):
        console.print(t("finance.caps.review"))
    console.print()
    o = a.owed
    console.print(t("finance.owed.title", as_of=o.as_of.isoformat()))
    if o.method == "contract":
        console.print(t("finance.owed.contract", outstanding=_yuan(o.lawful_outstanding)))
    else:
        console.print(t("finance.owed.recomputed", principal=_yuan(o.lawful_principal), rate=pct(o.rate),
                        paid=_yuan(o.paid), outstanding=_yuan(o.lawful_outstanding)))
    if o.overpaid > 0:
        console.print(t("finance.owed.overpaid", overpaid=_yuan(o.overpaid)))
    if o.lawful_at_claim is not None and o.claim_date is not None:
        console.print(t("finance.owed.lender_dated", date=o.claim_date.isoformat(), lender=_yuan(o.lender_figure),
                        lawful=_yuan(o.lawful_at_claim), difference=_yuan(o.difference)))
    else:
        console.print(t("finance.owed.lender", lender=_yuan(o.lender_figure),
                        basis=t(f"finance.owed.basis.{o.lender_basis}"), difference=_yuan(o.difference)))
    console.print()
    console.print(t("finance.cost.citations") + "：")
    for cid in a.caps.citations():
        c = citation(cid)
        article = f" {c.article}" if c.article and not c.text.startswith(c.article[0]) else ""
        secondary = t("finance.cost.secondary") if "[P:" in c.source or "secondary" in c.source else ""
        console.print(f"  {c.law}{article}：" + c.text.replace("\n", "\n    ") + secondary)
    console.print()
