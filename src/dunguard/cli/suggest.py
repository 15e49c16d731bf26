"""``dunguard suggestions | suggestion``: the program's suggestions, for the user to judge.

    dunguard suggestions CASE [--status suggested|confirmed|dismissed|all] [--json]
    dunguard suggestion CASE ID confirm|dismiss [--note TEXT] [--json]

A suggestion is what the statistical model proposes beyond the rules (never a finding by
itself); a confirmed one becomes a finding at the next ``dunguard analyze``.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.i18n import t

__all__ = ["register"]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


@click.command("suggestions")
@click.argument("case_ref", metavar="CASE")
@click.option("--status", default="suggested", show_default=True,
              help="suggested（待判断）/ confirmed / dismissed / all.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def suggestions_cmd(ctx: click.Context, case_ref: str, status: str, as_json: bool) -> None:
    """程序提示：规则没有认定、但统计程序认为可能也有问题的消息（请您判断）."""
    from dunguard.analyze.suggestions import list_suggestions
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    views = list_suggestions(home, case.id, status)
    if as_json:
        print_json([v.as_dict() for v in views])
        return
    con = _console()
    if not views:
        con.print(t("engine.suggestion.none"))
        return
    con.print(t("engine.suggestion.title", n=len(views)))
    con.print(t("engine.suggestion.explain"), markup=False)
    table = Table(t("engine.cli.col.id"), t("engine.cli.col.label"), t("engine.suggestion.col.likelihood"),
                  t("engine.suggestion.col.time"), t("engine.cli.col.who"), t("engine.suggestion.col.message"),
                  t("engine.cli.col.status"))
    for v in views:
        marked = v.excerpt
        for s, e in reversed(v.highlights):
            marked = marked[:s] + "【" + marked[s:e] + "】" + marked[e:]
        table.add_row(str(v.id), v.label_name, v.likelihood, v.time or "", v.number or "", marked,
                      t("engine.suggestion.status." + v.status))
    con.print(table, markup=False)
    con.print(t("engine.suggestion.next", case=case.id[:8]))


@click.command("suggestion")
@click.argument("case_ref", metavar="CASE")
@click.argument("suggestion_id", metavar="ID", type=int)
@click.argument("action", type=click.Choice(["confirm", "dismiss"]))
@click.option("--note", default=None, help="备注 (your note).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def suggestion_cmd(ctx: click.Context, case_ref: str, suggestion_id: int, action: str, note: str | None,
                   as_json: bool) -> None:
    """判断一条程序提示：confirm（是，算作问题）或 dismiss（不是，以后不再提示）."""
    from dunguard.analyze.findings import label_name
    from dunguard.analyze.suggestions import set_suggestion
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    result = set_suggestion(home, case.id, suggestion_id, action, note, actor="cli")
    if as_json:
        print_json(result)
        return
    click.echo(t("engine.suggestion.set", id=suggestion_id, label=label_name(result["label"]),
                 status=t("engine.suggestion.status." + result["status"])))
    if result["status"] == "confirmed":
        click.echo(t("engine.suggestion.reanalyze", case=case.id[:8]))


def register(cli: click.Group) -> None:
    cli.add_command(suggestions_cmd)
    cli.add_command(suggestion_cmd)
