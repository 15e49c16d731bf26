"""``dunguard log``: the borrower's own diary of calls, visits, letters and stop notices.

Not everything leaves a file: a collector who calls from a hidden number, comes to the
door or sends a letter.  ``dunguard log CASE --time "2024-10-04 22:41" --kind visit
--note "两人上门，在门口喊话"`` records it as a DIARY event in the case, through the same
transaction and record writer as an import (hash-chained ledger entry included), so the
analysis and the documents see it like any other event, marked as the user's own note.

``--kind notice`` records that the borrower (or a relative) told a lender or collector to stop
contacting them or their contacts: the written notice DunGuard drafts, or a clear spoken
request.  It defaults to ``--direction out``; the analysis (rule T8) counts every collection
contact after it, and a note naming family, colleagues or contacts scopes it to third parties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import click

from dunguard.cli import get_home, print_json
from dunguard.errors import UsageError
from dunguard.i18n import t

__all__ = ["DIARY_KINDS", "add_diary_entry", "register"]

DIARY_KINDS = ("call", "visit", "letter", "notice")


def add_diary_entry(
    home: Any,
    case_id: str,
    when: str,
    kind: str,
    number: str | None = None,
    note: str | None = None,
    direction: str | None = None,
    duration: str | None = None,
    tz: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Store one diary entry as a DIARY event; returns what was stored (and if it was new)."""
    from sqlalchemy import func, select

    from dunguard.ingest.base import ParseContext
    from dunguard.ingest.generic_csv import parse_duration, parse_time
    from dunguard.ingest.pipeline import FileReport, RecordWriter
    from dunguard.models import Case, Event
    from dunguard.records import Direction, EventKind, EventRecord

    kind = kind.strip().lower()
    if kind not in DIARY_KINDS:
        raise UsageError("diary.bad_kind", value=kind)
    number = (number or "").strip() or None
    note = (note or "").strip() or None
    if number is None and note is None:
        raise UsageError("diary.need_content")
    if direction is None:  # a notice is something the borrower sends; the rest usually come in
        direction = "out" if kind == "notice" else "in"
    if direction not in ("in", "out"):
        raise UsageError("diary.bad_direction", value=direction)
    with home.store.session() as s:
        case = s.get(Case, case_id)
        zone = tz or (case.timezone if case is not None and case.timezone else "Asia/Shanghai")
    ctx = ParseContext(display_name="diary", tz_name=zone)
    if when.strip().lower() in ("now", "现在"):
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        time_utc, offset = now, ctx.offset_minutes(now.timestamp())
    else:
        parsed = parse_time(when, ctx)
        if parsed is None:
            raise UsageError("diary.bad_time", value=when)
        time_utc, offset = parsed.utc, parsed.offset_minutes
    seconds = None
    if duration:
        seconds = parse_duration(duration)
        if seconds is None:
            raise UsageError("diary.bad_duration", value=duration)
    entered = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    record = EventRecord(
        kind=EventKind.DIARY,
        time_utc=time_utc,
        utc_offset_minutes=offset,
        time_raw=when,
        direction=Direction(direction),
        counterpart_number=number,
        channel=f"diary:{kind}",
        text=note,
        duration_s=seconds,
        locator="diary",
        extra={"diary_kind": kind, "entered_at": entered, "source": "user"},
    )
    entry = {
        "kind": kind,
        "time_utc": time_utc.isoformat(),
        "utc_offset_minutes": offset,
        "time_raw": when,
        "direction": direction,
        "number": number,
        "note": note,
        "duration_s": seconds,
        "tz": zone,
    }
    digest = hashlib.sha256(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    report = FileReport("diary", format="diary")
    with home.transaction(case_id, actor=actor) as tx:
        writer = RecordWriter(tx, None, report)
        writer.write([record])
        writer.finish()
        tx.log("diary", digest, {**entry, "inserted": report.inserted})
    with home.store.session() as s:
        event_id = s.scalar(
            select(func.max(Event.id)).where(
                Event.case_id == case_id, Event.kind == EventKind.DIARY.value, Event.time_utc == time_utc
            )
        )
    return {**entry, "event_id": event_id, "new": report.inserted > 0, "sha256": digest}


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
