"""The timeline: every event, filtered by number, kind, label and date, with Chinese search."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dunguard.ingest.query import parse_since
from dunguard.records import EventKind
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case
from dunguard.web.routes.dashboard import label_names
from dunguard.web.timeline import TimelineFilter, split_marked, timeline_page

router = APIRouter()


def _day(value: str | None, tz: str, *, end: bool = False) -> dt.datetime | None:
    if not value or not value.strip():
        return None
    when = parse_since(value.strip(), tz)
    if end and len(value.strip()) == 10:  # a date: include the whole day
        when += dt.timedelta(days=1)
    return when


@router.get("/cases/{case_id}/timeline", response_class=HTMLResponse)
def timeline(
    request: Request,
    case_id: str,
    q: str = "",
    number: str = "",
    kind: list[str] = Query(default=[]),  # noqa: B008 - FastAPI idiom
    label: str = "",
    since: str = "",
    until: str = "",
    after: str | None = None,
) -> HTMLResponse:
    case = load_case(request, case_id)
    kinds = [k for k in kind if k]
    f = TimelineFilter(
        number=number.strip() or None,
        kinds=kinds,
        label=label.strip() or None,
        since=_day(since, case.timezone),
        until=_day(until, case.timezone, end=True),
        query=q.strip()[:200] or None,
    )
    page = timeline_page(home_of(request), case.id, f, cursor=after)
    params = [("q", q), ("number", number), ("label", label), ("since", since), ("until", until)]
    params += [("kind", k) for k in kinds]
    return render(
        request, "timeline.html", case=case, active="timeline", page=page, split_marked=split_marked,
        q=q, number=number, kinds=kinds, label=label, since=since, until=until,
        all_kinds=[k.value for k in EventKind], labels=label_names(), params=[(k, v) for k, v in params if v],
        first_page=after is None,
    )
