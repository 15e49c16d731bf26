"""``dunguard log``: the borrower's own diary of calls, visits, letters and stop notices.

``dunguard log CASE --time "2024-10-04 22:41" --kind visit --note "两人上门，在门口喊话"``;
the work is done by :func:`dunguard.ingest.diary.add_diary_entry`.
"""

from __future__ import annotations

import datetime as dt

import click

from dunguard.cli import get_home, print_json
from dunguard.i18n import t
from dunguard.ingest.diary import DIARY_KINDS, add_diary_entry

__all__ = ["DIARY_KINDS", "add_diary_entry", "register"]


@click.command("log")
@click.argument("case_ref", metavar="CASE")
@click.option(
    "--time", "when", required=True, help='发生时间，如 "2024-10-04 22:41"，或 now (when it happened).'
)
@click.option(
    "--kind", required=True,
    help="call（电话）/ visit（上门）/ letter（信件）/ notice（已要求对方停止联系，如寄出的书面通知）.",
)
@click.option("--number", default=None, help="对方号码 (the collector's number, if any).")
@click.option("--note", default=None, help="经过说明 (what happened, in your words).")
@click.option(
    "--direction", default=None, help="in = 对方找你（默认）, out = 你联系对方（notice 默认为 out）."
)
@click.option("--duration", default=None, help="通话时长：秒数或 分:秒 (call length).")
@click.option("--tz", default=None, help="时区，默认用案件的时区 (time zone; default: the case's).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def log_cmd(
    ctx: click.Context,
    case_ref: str,
    when: str,
    kind: str,
    number: str | None,
    note: str | None,
    direction: str | None,
    duration: str | None,
    tz: str | None,
    as_json: bool,
) -> None:
    """记一笔：催收电话、上门、信件（没有文件可导入时的自述记录）."""
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    result = add_diary_entry(
        home, case.id, when, kind, number, note, direction.strip().lower() if direction else None, duration, tz
    )
    if as_json:
        print_json(result)
    elif result["new"]:
        local = dt.datetime.fromisoformat(result["time_utc"]) + dt.timedelta(
            minutes=result["utc_offset_minutes"]
        )
        shown = local.replace(tzinfo=None).isoformat(" ", "minutes")
        click.echo(
            t("diary.saved", kind=t(f"diary.kind.{result['kind']}"), time=shown, event_id=result["event_id"])
        )
    else:
        click.echo(t("diary.duplicate"))


def register(cli: click.Group) -> None:
    cli.add_command(log_cmd)
