"""``dunguard import`` and ``dunguard events``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.i18n import t


def _console(err: bool = False) -> Console:
    return Console(highlight=False, soft_wrap=True, stderr=err)


def _make_progress_sink(console: Console) -> Any:
    from dunguard.ingest.pipeline import FileReport
    from dunguard.ingest.pipeline import Progress as Sink

    class RichSink(Sink):
        def __init__(self) -> None:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.task: Any = None

        def file_started(self, name: str, total: int | None) -> None:
            if self.task is not None:
                self.bar.remove_task(self.task)
            short = name if len(name) <= 40 else "…" + name[-39:]
            self.task = self.bar.add_task(t("ingest.progress", file=short), total=total)

        def advance(self, done: int) -> None:
            if self.task is not None:
                self.bar.update(self.task, completed=done)

        def file_finished(self, report: FileReport) -> None:
            if self.task is not None:
                self.bar.remove_task(self.task)
                self.task = None

    return RichSink()


@click.command("import")
@click.argument("case_ref", metavar="CASE")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--salvage", is_flag=True, help="截断的文件：导入中断之前完整的记录 (import complete records before a break).")
@click.option("--tz", default=None, help="手机所在时区，默认用案件的时区 (phone's time zone; default: the case's).")
@click.option("--format", "fmt", default=None, metavar="NAME",
              help="不自动识别，强制按这种格式读取（见 dunguard formats）(force an importer).")
@click.option("--owner", default=None, metavar="NAME",
              help="这些文件来自别人的手机（如 妈妈）；默认是欠款人自己的手机 (whose phone, if not the debtor's).")
@click.option("--owner-role", type=click.Choice(["contact", "family", "friend", "colleague", "employer"]),
              default=None, help="手机主人和欠款人的关系，默认 contact (the owner's relation to the debtor).")
@click.option("--quiet", is_flag=True, help="不显示进度条 (no progress bar).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 导入报告 (print the import report as JSON).")
@click.pass_context
def import_cmd(ctx: click.Context, case_ref: str, paths: tuple[Path, ...], salvage: bool, tz: str | None,
               fmt: str | None, owner: str | None, owner_role: str | None, quiet: bool, as_json: bool) -> None:
    """导入证据：短信/通话备份、手机数据库、通讯录、聊天导出、截图（文件、文件夹或 ZIP）.

    从亲友手机里导出的证据（他们收到的催收短信、截图）请加 --owner，例如
    dunguard import 案件 妈妈的短信.xml --owner 妈妈 --owner-role family。
    """
    from dunguard.cases import resolve_case
    from dunguard.ingest.pipeline import import_paths

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    console = _console(err=True)
    sink = None if quiet or as_json or not console.is_terminal else _make_progress_sink(console)
    if sink is not None:
        with sink.bar:
            report = import_paths(home, case.id, list(paths), tz=tz, salvage=salvage, progress=sink, fmt=fmt,
                                  owner=owner, owner_role=owner_role)
    else:
        report = import_paths(home, case.id, list(paths), tz=tz, salvage=salvage, fmt=fmt,
                              owner=owner, owner_role=owner_role)
    if as_json:
        print_json(report.as_dict())
    elif not quiet or report.failed:
        _print_report(report)
    if report.failed:
        ctx.exit(1)


def _short(name: str) -> str:
    """'/a/b/backup.zip!x/y/AddressBook.sqlitedb' → 'backup.zip!AddressBook.sqlitedb'."""
    return "!".join(Path(part).name or part for part in name.split("!"))


def _print_report(report: Any) -> None:
    out = _console()
    table = Table(t("ingest.report.file"), t("ingest.report.format"), t("ingest.report.status"),
                  t("ingest.report.new"), t("ingest.report.dup"), t("ingest.report.skipped"),
                  t("ingest.report.range"), title=t("ingest.report.title"))
    for f in report.files:
        rng = ""
        if f.first_time and f.last_time:
            rng = f"{f.first_time[:10]} ~ {f.last_time[:10]}"
        parsed = ", ".join(f"{t('ingest.kind.' + k)} {n}" for k, n in sorted(f.parsed.items()))
        table.add_row(
            _short(f.name),
            f.format or "",
            t("ingest.report.status." + f.status) + (f"\n{parsed}" if parsed else ""),
            str(f.inserted),
            str(f.duplicates),
            str(f.skipped_count),
            rng,
        )
    out.print(table)
    if report.owner:
        out.print("· " + t("ingest.report.owner", name=report.owner["owner_name"], role=report.owner["owner_role"]))
    for f in report.files:
        if f.error and f.status == "failed":
            out.print(f"[red]✗[/red] {f.error['message']}")
        if f.salvaged:
            out.print("! " + t("ingest.xml.salvaged", **f.salvaged))
        if f.status == "imported" and not f.new_original:
            out.print(f"· {f.name}: " + t("ingest.report.reimport"))
        if f.contacts_new or f.contacts_known:
            out.print(f"· {f.name}: " + t("ingest.report.contacts", new=f.contacts_new, known=f.contacts_known))
        for note in f.notes[:5]:
            params = {k: v for k, v in note.items() if k != "key"}
            out.print(f"· {f.name}: " + t(note["key"], **params))
        for s in f.skipped[:5]:
            out.print(f"· {f.name} {s['locator']}: {s['reason']}")
    out.print(t("ingest.report.summary", inserted=report.inserted, failed=len(report.failed)))


@click.command("events")
@click.argument("case_ref", metavar="CASE")
@click.option("--kind", "kinds", multiple=True, help="只看某类记录：sms mms call chat diary ocr recording（可重复）.")
@click.option("--number", help="只看与这个号码的往来 (only this counterpart number).")
@click.option("--since", help="起始时间，如 2024-05-01 或 2024-05-01T08:00（本地时间）.")
@click.option("--until", help="截止时间（不含），格式同 --since.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="最多显示多少条.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (for scripts).")
@click.pass_context
def events_cmd(ctx: click.Context, case_ref: str, kinds: tuple[str, ...], number: str | None,
               since: str | None, until: str | None, limit: int | None, as_json: bool) -> None:
    """列出案件中的短信、通话、聊天等记录（按时间排序）."""
    from dunguard.cases import resolve_case
    from dunguard.ingest.query import list_events, parse_since

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    tz = case.timezone or "Asia/Shanghai"
    total, views = list_events(
        home,
        case.id,
        kinds=[k.lower() for k in kinds],
        number=number,
        since=parse_since(since, tz) if since else None,
        until=parse_since(until, tz) if until else None,
        limit=limit,
    )
    if as_json:
        print_json({"case_id": case.id, "total": total, "events": [v.as_dict() for v in views]})
        return
    out = _console()
    if not views:
        out.print(t("ingest.events.none"))
        return
    table = Table(t("ingest.events.time"), t("ingest.events.kind"), t("ingest.events.direction"),
                  t("ingest.events.number"), t("ingest.events.name"), t("ingest.events.content"),
                  title=t("ingest.events.title", count=total, shown=len(views)))
    for v in views:
        content = v.text or ""
        if v.kind == "call":
            content = f"{v.call_status or ''} {v.duration_s or 0}s"
        if len(content) > 60:
            content = content[:59] + "…"
        table.add_row(
            v.local_time().strftime("%Y-%m-%d %H:%M:%S"),
            t("ingest.kind." + v.kind),
            t("ingest.dir." + v.direction),
            v.counterpart_raw or "",
            v.counterpart_name or "",
            content,
        )
    out.print(table)


@click.command("formats")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (for scripts).")
def formats_cmd(as_json: bool) -> None:
    """列出可以导入的证据格式（每种格式读什么、在哪些真实样本上验证过、已知的坑）."""
    from dunguard.ingest import registry

    items: list[dict[str, Any]] = [
        {
            "name": imp.name,
            "description": imp.description,
            "reads": imp.reads,
            "samples": list(imp.samples),
            "quirks": list(imp.quirks),
        }
        for imp in registry()
    ]
    if as_json:
        print_json(items)
        return
    table = Table(t("ingest.formats.name"), t("ingest.formats.reads"), title=t("ingest.formats.title"))
    for item in items:
        table.add_row(str(item["name"]), f"{item['description']}\n{item['reads']}")
    _console().print(table)


def register(cli: click.Group) -> None:
    cli.add_command(import_cmd)
    cli.add_command(events_cmd)
    cli.add_command(formats_cmd)
