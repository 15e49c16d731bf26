"""Act commands: ``interview``, ``plan``, ``draft``, ``report``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from dunguard.cli import get_home, print_json
from dunguard.errors import InputError, UsageError
from dunguard.i18n import current_lang, t


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _case_id(ctx: click.Context, ref: str) -> str:
    from dunguard.cases import resolve_case

    return str(resolve_case(get_home(ctx), ref).id)


# -- interview ---------------------------------------------------------------------------
def _ask(question: Any, default: Any) -> Any:
    """Ask one question in the terminal; an empty answer or '-' skips it (returns None)."""
    from dunguard.act.interview import coerce

    lang = current_lang()
    click.echo("")
    click.echo(click.style(question.text(lang), bold=True))
    if question.type == "lenders":
        return _ask_lenders(default)
    if question.choices:
        for i, (cid, _names) in enumerate(question.choices, start=1):
            click.echo(f"  {i}. {question.choice_name(cid, lang)}")
    shown = None
    if default not in (None, "", []):
        if question.type == "multi" and isinstance(default, list):
            ids = [c for c, _ in question.choices]
            shown = ",".join(str(ids.index(d) + 1) for d in default if d in ids)
        else:
            shown = str(default)
    while True:
        raw = click.prompt(t("act.interview.prompt"), default=shown or "", show_default=bool(shown))
        if raw.strip() in ("-", ""):
            return None
        try:
            return coerce(question, raw)
        except InputError as exc:
            click.echo(exc.message(), err=True)


def _ask_lenders(default: Any) -> Any:
    from dunguard.act.interview import coerce, definition

    lang = current_lang()
    fields = definition().lender_fields
    proposals = default if isinstance(default, list) else []
    lenders: list[dict[str, Any]] = []
    i = 0
    while True:
        base = proposals[i] if i < len(proposals) else {}
        if i > 0 or not base:
            more = click.confirm(t("act.interview.more_lenders" if i else "act.interview.any_lender"),
                                 default=i < len(proposals) or i == 0)
            if not more:
                break
        click.echo(t("act.interview.lender_no", n=i + 1))
        one: dict[str, Any] = {}
        for q in fields:
            if q.choices:
                click.echo("  " + q.text(lang))
                for k, (cid, _names) in enumerate(q.choices, start=1):
                    click.echo(f"    {k}. {q.choice_name(cid, lang)}")
                prompt = "  " + q.name(lang)
            else:
                prompt = "  " + q.text(lang)
            dflt = base.get(q.id)
            while True:
                raw = click.prompt(prompt, default=str(dflt) if dflt not in (None, "") else "",
                                   show_default=dflt not in (None, ""))
                if raw.strip() in ("", "-"):
                    one[q.id] = None
                    break
                try:
                    one[q.id] = coerce(q, raw)
                    break
                except InputError as exc:
                    click.echo(exc.message(), err=True)
        if one.get("name"):
            lenders.append(one)
        i += 1
    return lenders or None


def _review(home: Any, case_id: str) -> None:
    from rich.table import Table

    from dunguard.act.interview import review

    table = Table(title=t("act.interview.review_title"), show_lines=False)
    table.add_column("#", justify="right")
    table.add_column(t("act.label.question"))
    table.add_column(t("act.label.answer"))
    for n, (_key, label, shown) in enumerate(review(home, case_id), start=1):
        table.add_row(str(n), label, shown)
    _console().print(table)


@click.command("interview")
@click.argument("case_ref", metavar="CASE")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML file with answers (non-interactive).")
@click.option("--all", "ask_all", is_flag=True, help="Ask every question again, not only the missing ones.")
@click.option("--review", "review_only", is_flag=True, help="Only show the answers so far (the review screen).")
@click.option("--json", "as_json", is_flag=True, help="Print what is still missing as JSON.")
@click.pass_context
def interview_cmd(ctx: click.Context, case_ref: str, answers_file: Path | None, ask_all: bool,
                  review_only: bool, as_json: bool) -> None:
    """问卷：只问文书和行动计划还缺少的信息，回答随时保存、可中断续答 (guided interview)."""
    from dunguard.act.facts import load_facts
    from dunguard.act.interview import defaults, load_answers_file, pending, save_answers

    home = get_home(ctx)
    case_id = _case_id(ctx, case_ref)
    if answers_file is not None:
        saved = save_answers(home, case_id, load_answers_file(answers_file))
        left = pending(load_facts(home, case_id))
        if as_json:
            print_json({"saved": sorted(saved), "missing": [q.id for q in left]})
        else:
            click.echo(t("act.interview.saved", n=len(saved)))
            if left:
                click.echo(t("act.interview.still_missing",
                             keys="、".join(f"{q.name()}（{q.id}）" for q in left)))
        return
    if review_only:
        _review(home, case_id)
        return
    if as_json:
        print_json({"missing": [q.id for q in pending(load_facts(home, case_id), ask_all=ask_all)]})
        return
    click.echo(t("act.interview.intro"))

    def ask_and_save(q: Any) -> None:
        facts = load_facts(home, case_id)
        value = _ask(q, facts.answers.get(q.id) or defaults(home, facts).get(q.id))
        if value is None:
            save_answers(home, case_id, {}, skipped=[q.id])
        else:
            save_answers(home, case_id, {q.id: value})

    if ask_all:
        for q in pending(load_facts(home, case_id), ask_all=True):
            ask_and_save(q)
    asked: set[str] = set()
    while True:
        todo = [q for q in pending(load_facts(home, case_id)) if q.id not in asked]
        if not todo:
            break
        asked.add(todo[0].id)
        ask_and_save(todo[0])
    _review(home, case_id)
    click.echo(t("act.interview.done", case=case_id[:8]))


# -- plan ------------------------------------------------------------------------------------
@click.command("plan")
@click.argument("case_ref", metavar="CASE")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Plan start date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def plan_cmd(ctx: click.Context, case_ref: str, start: dt.datetime | None, as_json: bool) -> None:
    """行动计划：按日期排列的步骤，说明为什么做、带什么、去哪里 (action plan)."""
    from dunguard.act.plan import plan_for_case

    steps = plan_for_case(get_home(ctx), _case_id(ctx, case_ref), start=start.date() if start else None)
    if as_json:
        print_json([s.as_dict() for s in steps])
        return
    con = _console()
    for n, s in enumerate(steps, start=1):
        con.print(f"[bold]{n}. {s.date.isoformat()}  {s.title}[/bold]")
        why = s.why + (f"（{'、'.join(s.citations)}）" if s.citations else "")
        con.print(f"   {t('act.plan.why')}{why}", markup=False)
        for line in s.findings[:6]:
            con.print(f"   · {line}", markup=False)
        for w in s.what:
            con.print(f"   - {w}", markup=False)
        if s.bring:
            con.print(f"   {t('act.plan.bring')}{'；'.join(s.bring)}", markup=False)
        for c in s.channels:
            con.print(f"   {t('act.plan.where')}{c.name}：{c.contact}", markup=False)
        if not s.channels and s.where:
            con.print(f"   {t('act.plan.where')}{'；'.join(s.where)}", markup=False)
        if s.documents:
            con.print(f"   {t('act.plan.documents')}{', '.join(s.documents)}", markup=False)
        con.print("")


# -- draft -----------------------------------------------------------------------------------
@click.command("draft")
@click.argument("case_ref", metavar="CASE", required=False)
@click.argument("kind_id", metavar="KIND", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .docx .txt .md .html (format from the suffix).")
@click.option("--lender", "lender_no", type=int, default=1, show_default=True,
              help="Which lender of the case (1 = the first).")
@click.option("--list", "list_kinds", is_flag=True, help="List the document kinds, one per line.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def draft_cmd(ctx: click.Context, case_ref: str | None, kind_id: str | None, output: Path | None,
              lender_no: int, list_kinds: bool, as_json: bool) -> None:
    """起草文书：投诉书、报案材料、告知函等，格式由文件后缀决定 (draft a document)."""
    from dunguard.act.documents import KINDS, draft

    lang = current_lang()
    if list_kinds:
        if as_json:
            print_json([{"id": k.id, "title": k.name(lang), "summary": k.summary.get(lang) or k.summary["zh"]}
                        for k in KINDS])
        else:
            for k in KINDS:
                click.echo(f"{k.id}\t{k.name(lang)}\t{k.summary.get(lang) or k.summary['zh']}")
        return
    if not case_ref or not kind_id or output is None:
        raise UsageError("act.draft.usage")
    if lender_no < 1:
        raise UsageError("act.draft.bad_lender", n=lender_no)
    doc = draft(get_home(ctx), _case_id(ctx, case_ref), kind_id, output, lender=lender_no - 1)
    if as_json:
        print_json({"kind": kind_id, "path": str(output), "blanks": doc.blanks, "citations": doc.cited})
        return
    click.echo(t("act.draft.written", title=doc.kind.name(lang), path=str(output)))
    if doc.blanks:
        click.echo(t("act.draft.blanks", n=len(doc.blanks)))
        for b in doc.blanks[:12]:
            click.echo(f"  {b}")


# -- report ----------------------------------------------------------------------------------
@click.command("report")
@click.argument("case_ref", metavar="CASE")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="report.html or report.pdf")
@click.pass_context
def report_cmd(ctx: click.Context, case_ref: str, output: Path) -> None:
    """案件报告：概况、图表、发现的问题和法律条文、时间线（HTML 或 PDF）(case report)."""
    from dunguard.act.report import write_report

    path = write_report(get_home(ctx), _case_id(ctx, case_ref), output)
    click.echo(t("act.report.written", path=str(path)))


def register(cli: click.Group) -> None:
    cli.add_command(interview_cmd)
    cli.add_command(plan_cmd)
    cli.add_command(draft_cmd)
    cli.add_command(report_cmd)
