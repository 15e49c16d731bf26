"""``dunguard analyze | findings | finding | timeline``: run the analysis and review its findings.

    dunguard analyze CASE [--json]                       find possible violations, store them
    dunguard findings CASE [--label L] [--status S] [--json]
    dunguard finding CASE ID confirm|dismiss|reset [--note TEXT] [--json]
    dunguard timeline CASE [--json]                      per-day counts, hour × weekday, numbers
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.i18n import current_lang, t

__all__ = ["register"]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _sev(sev: str) -> str:
    colour = {"high": "red", "medium": "yellow", "low": "cyan"}.get(sev, "white")
    return f"[{colour}]{t(f'engine.severity.{sev}')}[/{colour}]"


@click.command("analyze")
@click.argument("case_ref", metavar="CASE")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def analyze_cmd(ctx: click.Context, case_ref: str, as_json: bool) -> None:
    """分析案件：找出可能违法的催收行为并保存（可重复运行，已确认/排除的状态会保留）."""
    from dunguard.analyze.engine import analyze_case
    from dunguard.analyze.findings import label_name
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    if sys.stderr.isatty() and not as_json:
        with Console(stderr=True).status(t("engine.cli.running")):
            summary = analyze_case(home, case.id, actor="cli")
    else:
        summary = analyze_case(home, case.id, actor="cli")
    data = summary.as_dict()
    if as_json:
        print_json(data)
        return
    con = _console()
    con.print(t("engine.cli.title", findings=summary.findings, new=summary.new, updated=summary.updated,
                stale=summary.stale))
    con.print(t("engine.cli.scanned", events=summary.events, scanned=summary.scanned))
    if not summary.text_detector:
        con.print(t("engine.cli.no_text_detector"))
    if summary.suggested:  # model proposals: never findings until the user confirms them
        con.print(t("engine.cli.suggested", n=summary.suggested, case=case.id[:8]))
    if not summary.findings:
        con.print(t("engine.cli.none"))
        return
    from dunguard.analyze.findings import list_findings

    counts: dict[tuple[str, str], int] = {}
    for v in list_findings(home, case.id, max_evidence=0):
        key = (v.label or v.rule_id, v.severity)
        counts[key] = counts.get(key, 0) + 1
    table = Table(t("engine.cli.col.label"), t("engine.cli.col.severity"), t("engine.cli.col.count"))
    order = {"high": 0, "medium": 1, "low": 2}
    for (label, sev), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][1], 9), -kv[1], kv[0][0])):
        table.add_row(label_name(label), _sev(sev), str(n))
    con.print(table)
    groups = [g for g in summary.groups if g["findings"]]
    if groups:
        gt = Table(t("engine.cli.col.who"), t("engine.cli.col.numbers"), t("engine.cli.col.events"),
                   t("engine.cli.col.count"), t("engine.cli.col.overdue"), t("engine.cli.col.amounts"),
                   title=t("engine.cli.groups"))
        for g in groups[:20]:
            nums = g["numbers"]
            shown = "、".join(nums[:3]) + (t("engine.cli.and_more", more=len(nums) - 3) if len(nums) > 3 else "")
            gt.add_row(g["name"], shown, str(g["events"]), str(g["findings"]),
                       "" if g["max_days_overdue"] is None else str(g["max_days_overdue"]), "、".join(g["amounts"][:3]))
        con.print(gt)
    con.print(t("engine.cli.next", case=case.id[:8]))


@click.command("findings")
@click.argument("case_ref", metavar="CASE")
@click.option("--label", default=None, help="只看某一类，如 threat_violence (filter by label).")
@click.option("--status", default=None, help="new / confirmed / dismissed.")
@click.option("--severity", default=None, help="high / medium / low.")
@click.option("--stale", "include_stale", is_flag=True, help="包括已过时的发现 (include stale findings).")
@click.option("--evidence", "max_evidence", default=5, show_default=True, help="每项最多显示几条证据.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def findings_cmd(ctx: click.Context, case_ref: str, label: str | None, status: str | None,
                 severity: str | None, include_stale: bool, max_evidence: int, as_json: bool) -> None:
    """列出分析发现：每项附法律依据和证据原文（高亮违规片段）."""
    from dunguard.analyze.findings import list_findings
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    views = list_findings(home, case.id, label=label, status=status, severity=severity,
                          include_stale=include_stale, max_evidence=max_evidence if not as_json else 1000)
    if as_json:
        print_json([v.as_dict() for v in views])
        return
    con = _console()
    if not views:
        con.print(t("engine.cli.none"))
        return
    for v in views:
        rule = f"（{v.rule_id} {v.rule_title}）" if current_lang() == "zh" else f" ({v.rule_id} {v.rule_title})"
        head = f"[bold]#{v.id}[/bold] {_sev(v.severity)} {v.label_name}{rule} · {t('engine.status.' + v.status)}"
        if v.stale:
            head += " " + t("engine.cli.stale_note")
        con.print(head)
        con.print("  " + v.summary, markup=False)
        if v.note:
            con.print("  ✎ " + v.note, markup=False)
        for ev in v.evidence:
            line = f"    · {ev['time']} {ev['kind']} {ev.get('number') or ''}"
            if ev.get("marked"):
                line += " " + str(ev["marked"])
            elif ev.get("call_status"):
                line += f" {ev['call_status']} {ev.get('duration_s') or 0}s"
            con.print(line, markup=False)
        more = v.evidence_total - len(v.evidence)
        if more > 0:
            con.print("    " + t("engine.cli.evidence_more", more=more))
        con.print("")


@click.command("finding")
@click.argument("case_ref", metavar="CASE")
@click.argument("finding_id", metavar="ID", type=int)
@click.argument("action", type=click.Choice(["confirm", "dismiss", "reset"]))
@click.option("--note", default=None, help="备注 (your note, kept across re-analysis).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def finding_cmd(ctx: click.Context, case_ref: str, finding_id: int, action: str, note: str | None,
                as_json: bool) -> None:
    """确认或排除一项发现（重新分析后仍保留）."""
    from dunguard.analyze.findings import set_status
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    result = set_status(home, case.id, finding_id, action, note=note, actor="cli")
    if as_json:
        print_json(result)
    else:
        click.echo(t("engine.cli.status_set", id=finding_id, status=t("engine.status." + result["status"])))


@click.command("timeline")
@click.argument("case_ref", metavar="CASE")
@click.option("--top", default=20, show_default=True, help="号码表显示前几个 (numbers to show).")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON (print JSON).")
@click.pass_context
def timeline_cmd(ctx: click.Context, case_ref: str, top: int, as_json: bool) -> None:
    """时间线统计：每日记录数、星期×小时分布、号码统计、已涉及的联系人."""
    from dunguard.analyze.stats import timeline
    from dunguard.cases import resolve_case

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    data = timeline(home, case.id, top_numbers=top if not as_json else 1000)
    if as_json:
        print_json(data)
        return
    _print_timeline(data)


def _print_timeline(data: dict[str, Any]) -> None:
    con = _console()
    con.print(f"[bold]{t('engine.timeline.title')}[/bold]  {data['range'][0] or ''} — {data['range'][1] or ''}")
    kinds = sorted(data["kinds"])
    day_table = Table(t("engine.timeline.col.day"), *kinds, t("engine.timeline.col.night"),
                      t("engine.timeline.col.total"), title=t("engine.timeline.per_day"))
    for row in data["per_day"]:
        day_table.add_row(row["date"], *(str(row["counts"].get(k, 0)) for k in kinds), str(row["night"]),
                          str(row["total"]))
    con.print(day_table)
    days = t("engine.timeline.weekdays").split(",")
    matrix = Table("", *(f"{h:02d}" for h in range(24)), title=t("engine.timeline.matrix"))
    for wd, counts in enumerate(data["hour_weekday"]):
        matrix.add_row(days[wd] if wd < len(days) else str(wd), *(str(c) if c else "·" for c in counts))
    con.print(matrix)
    num_table = Table(t("engine.timeline.col.number"), t("engine.timeline.col.name"),
                      t("engine.timeline.col.calls"), t("engine.timeline.col.answered"),
                      t("engine.timeline.col.messages"), t("engine.timeline.col.night"),
                      t("engine.timeline.col.total"), t("engine.timeline.col.first"), t("engine.timeline.col.last"),
                      title=t("engine.timeline.numbers"))
    for n in data["numbers"]:
        num_table.add_row(n["display"], n["name"] or n["number_kind"] or "", str(n["calls_in"]), str(n["answered"]),
                          str(n["messages_in"]), str(n["night"]), str(n["total"]), (n["first"] or "")[:16],
                          (n["last"] or "")[:16])
    con.print(num_table)
    if data["third_parties"]:
        tp = Table(t("engine.timeline.col.name"), t("engine.timeline.col.number"), t("engine.timeline.col.total"),
                   t("engine.timeline.col.first"), title=t("engine.timeline.third_parties"))
        for p in data["third_parties"]:
            tp.add_row(p["name"] or "", "、".join(p["numbers"]), str(p["count"]), (p["first"] or "")[:16])
        con.print(tp)


def register(cli: click.Group) -> None:
    cli.add_command(analyze_cmd)
    cli.add_command(findings_cmd)
    cli.add_command(finding_cmd)
    cli.add_command(timeline_cmd)
