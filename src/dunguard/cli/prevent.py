"""Prevention commands: ``app-audit``, ``contract-scan``, ``lender``, ``callers``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dunguard.cli import get_home, print_json
from dunguard.errors import InputError
from dunguard.i18n import current_lang, t

_FILE = click.Path(dir_okay=False, path_type=Path)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _write(path: Path, text: str, *, bom: bool = False) -> None:
    try:
        path.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    except OSError as exc:
        raise InputError(
            "prevent.callers.bad_output", file=str(path), reason=exc.strerror or str(exc)
        ) from exc


def _basis_map(ids: list[str]) -> dict[str, dict[str, str]]:
    from dunguard.prevent.citations import statute

    return {
        sid: {"citation": statute(sid).citation(), "text": statute(sid).text} for sid in dict.fromkeys(ids)
    }


def _citations(ids: list[str]) -> str:
    """《法A》第一条、第二条；《法B》第三条 (grouped by law, order kept)."""
    from dunguard.prevent.citations import statute

    by_law: dict[str, list[str]] = {}
    for sid in dict.fromkeys(ids):
        st = statute(sid)
        by_law.setdefault(st.law, []).append(st.article)
    return "；".join(f"《{law}》" + "、".join(arts) for law, arts in by_law.items())


def _print_statutes(console: Console, ids: list[str]) -> None:
    from dunguard.prevent.citations import statute, statutes

    console.print(f"\n[bold]{t('prevent.label.statutes')}[/bold]")
    wanted = set(ids)
    for sid in [s for s in statutes() if s in wanted]:  # citations.yaml order: by law, by article
        st = statute(sid)
        console.print(f"[bold]{escape(st.citation())}[/bold]")
        console.print(escape(st.text))


def _stored_line(console: Console, stored: Any) -> None:
    key = "prevent.label.stored_new" if stored.is_new else "prevent.label.stored_again"
    console.print(t(key, case=stored.case_id[:12], evidence=stored.evidence_id, sha=stored.sha256[:16]))


@click.command("app-audit")
@click.argument("apk", type=_FILE)
@click.option(
    "--case", "case_ref", default=None, help="同时把安装包和检查结果存入该案件的证据 Store in CASE."
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.pass_context
def app_audit_command(ctx: click.Context, apk: Path, case_ref: str | None, as_json: bool) -> None:
    """检查借款App安装包（APK）要了哪些涉及个人信息的权限 (audit an APK's permissions)."""
    from dunguard.prevent import app_audit, service

    stored = None
    if case_ref:
        audit, stored = service.audit_apk_into_case(get_home(ctx), case_ref, apk)
    else:
        audit = app_audit.audit_apk(apk)
    basis_ids = [sid for f in audit.findings for sid in f.basis]
    if as_json:
        data = audit.to_dict()
        data["statutes"] = _basis_map(basis_ids)
        data["references"] = _references([r for f in audit.findings for r in f.see_also])
        if stored:
            data["stored"] = stored.as_dict()
        print_json(data)
        return
    console = _console()
    console.print(
        f"[bold]{t('prevent.label.apk_title', package=escape(audit.package or '?'), version=escape(audit.version_name or '?'))}[/bold]"
    )
    console.print(f"SHA-256 {audit.sha256}")
    if not audit.findings:
        console.print(t("prevent.label.apk_clean"))
    else:
        table = Table(show_lines=False)
        for col in ("risk", "category", "needed", "permissions"):
            table.add_column(t(f"prevent.col.{col}"))
        for f in audit.findings:
            table.add_row(
                t(f"prevent.risk.{f.risk}"),
                escape(f.title),
                t(f"prevent.needed.{f.needed}"),
                escape(
                    "\n".join([p.removeprefix("android.permission.") for p in f.permissions] + f.components)
                ),
            )
        console.print(table)
        for f in audit.findings:
            console.print(f"\n[bold]{escape(f.title)}[/bold]  ({t('prevent.needed.' + f.needed)})")
            console.print(escape(f.explain))
            console.print(f"{t('prevent.label.basis')}: {escape(_citations(f.basis))}")
        n_not = len(audit.not_needed)
        if n_not:
            console.print(f"\n[bold]{t('prevent.label.apk_summary', count=n_not)}[/bold]")
        for ref in _references([r for f in audit.findings for r in f.see_also]).values():
            console.print(f"\n{escape(ref['title'])}（{escape(ref['item'])}）：{escape(ref['note'])}")
    for note in audit.notes:
        console.print(f"\n{escape(note)}")
    if audit.findings:
        _print_statutes(console, basis_ids)
    if stored:
        _stored_line(console, stored)


def _references(ids: list[str]) -> dict[str, dict[str, Any]]:
    from dunguard.prevent.citations import reference

    lang = current_lang()
    out: dict[str, dict[str, Any]] = {}
    for rid in dict.fromkeys(ids):
        ref = reference(rid)
        out[rid] = {"title": ref.title, "item": ref.item, "note": ref.note(lang), "verified": False}
    return out


@click.command("contract-scan")
@click.argument("file", type=_FILE)
@click.option(
    "-o", "--output", type=_FILE, default=None, help="写出给律师看的标注版 HTML Marked-up HTML copy."
)
@click.option("--case", "case_ref", default=None, help="同时把合同和检查结果存入该案件的证据 Store in CASE.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.pass_context
def contract_scan_command(
    ctx: click.Context, file: Path, output: Path | None, case_ref: str | None, as_json: bool
) -> None:
    """检查借款合同/隐私政策中需要注意的条款（PDF、DOCX、HTML、TXT）(scan a contract)."""
    from dunguard.prevent import contract, service

    stored = None
    if case_ref:
        scan, stored = service.scan_contract_into_case(get_home(ctx), case_ref, file)
    else:
        scan = contract.scan_contract(file)
    if output is not None:
        _write(output, contract.render_marked_html(scan))
    basis_ids = [sid for h in scan.hits for sid in h.basis]
    if as_json:
        data = scan.to_dict()
        data["statutes"] = _basis_map(basis_ids)
        if output is not None:
            data["marked_html"] = str(output)
        if stored:
            data["stored"] = stored.as_dict()
        print_json(data)
        return
    console = _console()
    console.print(
        f"[bold]{t('prevent.label.contract_title', file=escape(file.name), count=len(scan.hits))}[/bold]"
    )
    if not scan.hits:
        console.print(t("prevent.label.contract_clean"))
    for i, h in enumerate(scan.hits, 1):
        console.print(f"\n[bold]{i}. {escape(h.title)}[/bold]")
        console.print(f"  “{escape(h.clause)}”")
        console.print(f"  {t('prevent.label.why')}: {escape(h.why)}")
        console.print(f"  {t('prevent.label.basis')}: {escape(_citations(h.basis))}")
    console.print(f"\n{t('prevent.label.contract_note')}")
    if output is not None:
        console.print(t("prevent.label.marked_written", file=escape(str(output))))
    if stored:
        _stored_line(console, stored)


@click.command("lender")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def lender_command(name: str, as_json: bool) -> None:
    """查询放贷机构是否持牌、该向哪里投诉 (is this lender licensed? where to complain)."""
    from dunguard.prevent.lenders import check_lender

    r = check_lender(name)
    if as_json:
        data = r.to_dict()
        data["licensed"] = r.licensed
        print_json(data)
        return
    console = _console()
    console.print(f"[bold]{t('prevent.label.lender_query', name=escape(name))}[/bold]")
    console.print(t(f"prevent.kind.{r.kind}" + ("" if r.match else "_unmatched")))
    if r.match:
        code = f"（{t('prevent.label.code')} {r.match.code}）" if r.match.code else ""
        console.print(f"{t('prevent.label.matched')}: {escape(r.match.name)}{escape(code)}")
    elif r.candidates:
        console.print(t("prevent.label.candidates"))
        for c in r.candidates:
            console.print(f"  - {escape(c.name)}")
    for note in r.notes:
        console.print(escape(note))
    console.print(f"\n[bold]{t('prevent.label.channels')}[/bold]")
    for i, ch in enumerate(r.channels, 1):
        console.print(f"{i}. {escape(ch.name)}\n   {escape(ch.scope)}")
    console.print(f"\n{t('prevent.label.list_source', date=r.as_of, source=escape(r.source))}")


@click.command("callers")
@click.argument("case_ref")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--csv", "csv_path", type=_FILE, default=None, help="导出来电号码表 CSV Caller table as CSV.")
@click.option("--vcard", "vcard_path", type=_FILE, default=None,
              help="导出 vCard 通讯录文件，可导入手机后拉黑 Blocklist as vCard 3.0.")  # fmt: skip
@click.option("--blocklist", "blocklist_path", type=_FILE, default=None,
              help="导出拦截名单 CSV（通讯录格式）Blocklist as contacts CSV.")  # fmt: skip
@click.option("--all", "include_all", is_flag=True,
              help="拦截名单包含所有来电号码，而不只是有违规记录或已知平台的号码")  # fmt: skip
@click.pass_context
def callers_command(
    ctx: click.Context,
    case_ref: str,
    as_json: bool,
    csv_path: Path | None,
    vcard_path: Path | None,
    blocklist_path: Path | None,
    include_all: bool,
) -> None:
    """案件中所有联系过你的号码：次数、首末时间、平台、违规记录 (caller table and blocklists)."""
    from dunguard.cases import resolve_case
    from dunguard.prevent import callers

    home = get_home(ctx)
    case = resolve_case(home, case_ref)
    rows = callers.caller_table(home, case)
    block = callers.blockable(rows, include_all=include_all)
    if csv_path is not None:
        _write(csv_path, callers.table_csv(rows), bom=True)
    if vcard_path is not None:
        _write(vcard_path, callers.vcard(block))
    if blocklist_path is not None:
        _write(blocklist_path, callers.blocklist_csv(block), bom=True)
    if as_json:
        print_json(
            {
                "case_id": case.id,
                "callers": [r.to_dict() for r in rows],
                "blocklist": [r.number for r in block],
            }
        )
        return
    console = _console()
    console.print(
        f"[bold]{t('prevent.label.callers_title', title=escape(case.title), count=len(rows))}[/bold]"
    )
    if not rows:
        console.print(t("prevent.label.callers_empty"))
    else:
        table = Table()
        for col in ("number", "tag", "findings", "calls", "messages", "first", "last", "flags"):
            table.add_column(t(f"prevent.col.{col}"))
        for r in rows:
            flags = [t("prevent.flag.virtual")] if r.virtual else []
            if r.service:
                flags.append(t("prevent.flag.service"))
            table.add_row(
                escape(r.number),
                escape(r.tag),
                str(r.findings),
                str(r.calls),
                str(r.messages),
                r.first_seen[:16].replace("T", " "),
                r.last_seen[:16].replace("T", " "),
                "、".join(flags),
            )
        console.print(table)
    for path, key in ((csv_path, "csv"), (vcard_path, "vcard"), (blocklist_path, "blocklist")):
        if path is not None:
            console.print(t(f"prevent.label.written_{key}", file=escape(str(path)), count=len(block)))
    if vcard_path is not None or blocklist_path is not None:
        console.print(t("prevent.label.block_howto"))


def register(cli: click.Group) -> None:
    for command in (app_audit_command, contract_scan_command, lender_command, callers_command):
        cli.add_command(command)
