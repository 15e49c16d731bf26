"""The stored timeline figures stay equal to figures computed from scratch."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from engine_helpers import COLLECTOR, call, sms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update

from dunguard.analyze import stats
from dunguard.analyze.stats import timeline
from dunguard.home import Home
from dunguard.models import Case, Event
from dunguard.testing import add_events, make_case, utc

NUMBERS = [COLLECTOR, "+8617012345602", "+8613900000000", "+12025550123"]


def _events(rng: random.Random, n: int, start: dt.datetime) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        when = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        number = rng.choice(NUMBERS)
        if rng.random() < 0.5:
            out.append(call(when, number, rng.choice(["missed", "answered", "rejected"]), rng.randrange(0, 300)))
        else:
            out.append(sms(when, number, "你好", direction=rng.choice(["in", "out"])))
        out[-1]["dedup_key"] = f"{rng.random()}"
    return out


def _scratch(home: Home, case_id: str) -> dict[str, Any]:
    """The figures computed again from every event (stored ones thrown away)."""
    with home.store.write_session() as s:
        for table in (stats.STATE, stats.DAYS, stats.HOURS, stats.NUMBERS):
            s.execute(delete(table).where(table.c.case_id == case_id))
    return timeline(home, case_id)


def _stored_state(home: Home, case_id: str) -> tuple[Any, ...] | None:
    with home.store.session() as s:
        row = s.execute(select(stats.STATE).where(stats.STATE.c.case_id == case_id)).first()
    return None if row is None else tuple(row)


def test_added_events_update_the_stored_figures(any_home: Home) -> None:
    home = any_home
    case = make_case(home)
    rng = random.Random(7)
    add_events(home, case.id, _events(rng, 200, utc(2025, 1, 1)))
    first = timeline(home, case.id)
    assert first["total"] == 200 and _stored_state(home, case.id) is not None
    assert timeline(home, case.id) == first  # answered from the stored figures
    add_events(home, case.id, _events(rng, 50, utc(2025, 6, 1)))  # a second import
    after = timeline(home, case.id)
    assert after["total"] == 250
    assert after == _scratch(home, case.id)


def test_changed_zone_or_removed_events_rebuild(any_home: Home) -> None:
    home = any_home
    case = make_case(home)
    add_events(home, case.id, [call(utc(2026, 3, 2, 15, 30), COLLECTOR), sms(utc(2026, 3, 3, 3), COLLECTOR, "还钱")])
    assert [d["date"] for d in timeline(home, case.id)["per_day"]] == ["2026-03-02", "2026-03-03"]
    with home.store.write_session() as s:
        s.execute(update(Case).where(Case.id == case.id).values(timezone="UTC"))
    tl = timeline(home, case.id)
    assert tl["timezone"] == "UTC" and tl["hour_weekday"][0][15] == 1 and tl["per_day"][0]["night"] == 0
    with home.store.write_session() as s:
        s.execute(delete(Event).where(Event.case_id == case.id, Event.kind == "sms"))
    tl = timeline(home, case.id)
    assert tl["total"] == 1 and tl["kinds"] == {"call": 1} and tl["numbers"][0]["messages_in"] == 0


def test_daylight_saving_hours_are_local(home: Home) -> None:
    case = make_case(home, timezone="America/New_York")
    # 2025-03-09 02:00 EST → EDT: 06:30 UTC is 01:30 EST, 07:30 UTC is 03:30 EDT
    add_events(home, case.id, [call(utc(2025, 3, 9, 6, 30), COLLECTOR), call(utc(2025, 3, 9, 7, 30), COLLECTOR)])
    tl = timeline(home, case.id)
    sunday = tl["hour_weekday"][6]
    assert sunday[1] == 1 and sunday[3] == 1 and tl["per_day"][0]["night"] == 2
    assert tl["numbers"][0]["night"] == 2


def test_figures_are_returned_while_another_writer_holds_the_database(home: Home) -> None:
    case = make_case(home)
    add_events(home, case.id, [call(utc(2026, 3, 2, 15, 30), COLLECTOR)])
    with home.store.write_session() as s:
        s.execute(text("SELECT 1"))
        assert timeline(home, case.id)["total"] == 1
        assert _stored_state(home, case.id) is None  # not saved: the lock was not free
    assert timeline(home, case.id)["total"] == 1
    assert _stored_state(home, case.id) is not None


def test_deleted_case_takes_its_figures_along(home: Home) -> None:
    from dunguard.cases import delete_case

    case = make_case(home)
    add_events(home, case.id, [call(utc(2026, 3, 2, 15, 30), COLLECTOR)])
    timeline(home, case.id)
    delete_case(home, case.id)
    assert _stored_state(home, case.id) is None
    with home.store.session() as s:
        assert s.scalar(select(stats.DAYS.c.case_id).where(stats.DAYS.c.case_id == case.id)) is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), batches=st.lists(st.integers(1, 30), min_size=1, max_size=4))
def test_any_sequence_of_imports_matches_a_fresh_count(home: Home, seed: int, batches: list[int]) -> None:
    case = make_case(home)
    rng = random.Random(seed)
    for n in batches:
        add_events(home, case.id, _events(rng, n, utc(2025, 1, 1)))
        timeline(home, case.id)
    assert timeline(home, case.id) == _scratch(home, case.id)


def test_refresh_of_an_unknown_case_is_refused(home: Home) -> None:
    from dunguard.errors import NotFoundError

    with pytest.raises(NotFoundError):
        stats.refresh(home, "nope")
