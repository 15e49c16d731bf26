"""Core commands: cases, adding originals, the ledger, verification, export, demo."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.i18n import t


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@click.group("case")
def case_group() -> None:
    """管理案件 (cases)."""


@case_group.command("new")
@click.argument("title")
@click.option("--debtor", help="借款人姓名 (debtor's name)")
@click.option("--phone", help="借款人手机号 (debtor's phone)")
@click.option("--tz", "timezone", default="Asia/Shanghai", show_default=True, help="手机所在时区")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def case_new(ctx: click.Context, title: str, debtor: str | None, phone: str | None, timezone: str,
             as_json: bool) -> None:
    """新建案件."""
    from dunguard.cases import create_case

    case = create_case(get_home(ctx), title, debtor_name=debtor, debtor_phone=phone, timezone=timezone)
    if as_json:
        print_json({"id": case.id, "title": case.title})
    else:
        click.echo(t("case.created", id=case.id, short=case.id[:8], title=case.title))


@case_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def case_list(ctx: click.Context, as_json: bool) -> None:
    """列出全部案件."""
    from dunguard.cases import list_cases

    cases = list_cases(get_home(ctx))
    if as_json:
        print_json([c.as_dict() for c in cases])
        return
    if not cases:
        click.echo(t("case.none"))
        return
    table = Table(t("col.id"), t("col.title"), t("col.debtor"), t("col.evidence"), t("col.events"),
                  t("col.findings"), t("col.created"))
    for c in cases:
        title = c.title + (" " + t("case.demo_mark") if c.is_demo and t("case.demo_mark") not in c.title else "")
        table.add_row(c.id[:8], title, c.debtor or "", str(c.evidence), str(c.events), str(c.findings),
                      c.created_at.strftime("%Y-%m-%d %H:%M"))
    _console().print(table)


@case_group.command("show")
@click.argument("case_ref", metavar="CASE")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def case_show(ctx: click.Context, case_ref: str, as_json: bool) -> None:
    """显示一个案件的概况."""
    from dunguard.cases import list_cases, resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    summary = next(c for c in list_cases(home) if c.id == case.id)
    if as_json:
        print_json(summary.as_dict())
        return
    for key, value in summary.as_dict().items():
        click.echo(f"{t('col.' + key)}: {value}")


@case_group.command("delete")
@click.argument("case_ref", metavar="CASE")
@click.option("--yes", is_flag=True, help="不再确认 (don't ask)")
@click.pass_context
def case_delete(ctx: click.Context, case_ref: str, yes: bool) -> None:
    """删除案件及其全部证据 (不可恢复)."""
    from dunguard.cases import delete_case, resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    if not yes:
        click.confirm(t("case.confirm_delete", title=case.title, id=case.id[:8]), abort=True)
    delete_case(home, case.id)
    click.echo(t("case.deleted", title=case.title))


@click.command("add")
@click.argument("case_ref", metavar="CASE")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source-app", help="来源应用 (e.g. 微信)")
@click.option("--source-device", help="来源设备 (e.g. 小米 12)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def add_cmd(ctx: click.Context, case_ref: str, files: tuple[Path, ...], source_app: str | None,
            source_device: str | None, as_json: bool) -> None:
    """把原始文件存入证据库 (不解析; 解析请用 import)."""
    from dunguard.cases import resolve_case
    from dunguard.evidence import add_files

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    results = add_files(home, case.id, list(files), source_app=source_app, source_device=source_device)
    if as_json:
        print_json([r.as_dict() for r in results])
        return
    for r in results:
        key = "add.stored" if r.is_new else "add.resubmitted"
        click.echo(t(key, name=r.name, sha=r.sha256[:16], size=r.size))


@click.command("ledger")
@click.argument("case_ref", metavar="CASE")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ledger_cmd(ctx: click.Context, case_ref: str, as_json: bool) -> None:
    """显示证据保管日志 (custody ledger)."""
    import json

    from dunguard.cases import resolve_case
    from dunguard.verify import load_db_entries

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    entries = load_db_entries(home, case.id)
    if as_json:
        print_json([json.loads(e.to_json_line()) for e in entries])
        return
    table = Table(t("col.seq"), t("col.time"), t("col.actor"), t("col.action"), t("col.object"),
                  t("col.details"), t("col.hash"))
    for e in entries:
        table.add_row(str(e.seq), e.ts[:19].replace("T", " ") + "Z", e.actor, t("action." + e.action),
                      (e.object_hash or "")[:12], e.details[:80], e.entry_hash[:12])
    _console().print(table)


@click.command("verify")
@click.argument("case_ref", metavar="CASE")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def verify_cmd(ctx: click.Context, case_ref: str, as_json: bool) -> None:
    """核验证据完整性: 0 = 完好, 1 = 发现问题 (逐条列出)."""
    from dunguard.cases import resolve_case
    from dunguard.verify import verify_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    report = verify_case(home, case.id)
    if as_json:
        print_json(report.as_dict())
    elif report.ok:
        click.echo(t("verify.ok", files=report.files_checked, entries=report.ledger_entries,
                     head=(report.ledger_head or "-")[:16]))
    else:
        click.echo(t("verify.failed", n=len(report.problems)))
        for p in report.problems:
            click.echo("  - " + p.message())
    if not report.ok:
        ctx.exit(1)


@click.command("export")
@click.argument("case_ref", metavar="CASE")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 ZIP 文件")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export_cmd(ctx: click.Context, case_ref: str, output: Path, as_json: bool) -> None:
    """导出证据包 (ZIP, 含原件、清单、日志、签名和独立核验脚本)."""
    from dunguard.cases import resolve_case
    from dunguard.export import export_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    result = export_case(home, case.id, output)
    if as_json:
        print_json(result.as_dict())
    else:
        click.echo(t("export.done", path=str(output), files=result.files, head=result.ledger_head[:16]))


@click.command("demo")
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="报告等输出目录")
@click.pass_context
def demo_cmd(ctx: click.Context, as_json: bool, out_dir: Path | None) -> None:
    """用合成的示例数据演示完整流程 (示例案件)."""
    from dunguard.demo import run_demo

    result = run_demo(get_home(ctx), out_dir=out_dir, say=None if as_json else click.echo)
    if as_json:
        print_json(result)


def register(cli: click.Group) -> None:
    cli.add_command(case_group)
    for cmd in (add_cmd, ledger_cmd, verify_cmd, export_cmd, demo_cmd):
        cli.add_command(cmd)
