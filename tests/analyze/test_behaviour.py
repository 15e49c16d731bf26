"""Behaviour detectors: table-driven, over hand-made rows (no database)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.analyze.behaviour import (
    Row,
    attempts,
    burst,
    calls,
    night,
    repeated,
    rotation,
    stop,
    third_party,
)

DAY0 = dt.date(2026, 3, 2).toordinal()
_ids = count(1)


def row(
    day: int = 0,
    hhmm: str = "12:00",
    *,
    kind: str = "call",
    direction: str = "in",
    number: str | None = "+8617000000001",
    group: str | None = "lender:A",
    status: str | None = "missed",
    duration: int | None = None,
    text: str | None = None,
    collector: bool = True,
    contact: str | None = None,
    from_contact_device: bool = False,
    labels: tuple[str, ...] = (),
    channel: str | None = None,
    second: int = 0,
) -> Row:
    h, m = map(int, hhmm.split(":"))
    minute = h * 60 + m
    ts = (DAY0 + day - 719163) * 86400 + minute * 60 + second - 8 * 3600
    return Row(next(_ids), kind, direction, ts, DAY0 + day, minute, number, group if collector else None, status,
               duration, channel, text, collector, contact, from_contact_device, labels)


# ----------------------------------------------------------------------------- T1 night


@pytest.mark.parametrize(
    ("minute", "start", "end", "expected"),
    [
        (21 * 60 + 59, 1320, 480, False),
        (22 * 60, 1320, 480, True),
        (23 * 60 + 59, 1320, 480, True),
        (0, 1320, 480, True),
        (7 * 60 + 59, 1320, 480, True),
        (8 * 60, 1320, 480, False),
        (12 * 60, 1320, 480, False),
        (11 * 60, 600, 720, True),  # a window that does not wrap
        (12 * 60, 600, 600, False),  # empty window
    ],
)
def test_night_window(minute: int, start: int, end: int, expected: bool) -> None:
    assert night.in_window(minute, start, end) is expected


@pytest.mark.parametrize(
    ("rows", "expected_count"),
    [
        ([row(0, "21:59"), row(0, "22:00"), row(1, "07:59"), row(1, "08:00")], 2),
        ([row(0, "23:30", direction="out")], 0),  # the debtor's own call
        ([row(0, "23:30", collector=False)], 0),  # nothing links the number to collection
        ([row(0, "23:30", kind="sms", status=None, text="还钱")], 1),
        ([row(0, "23:30", kind="diary", channel="diary:visit", number=None, group="unknown")], 1),
        ([row(0, "23:30", kind="diary", channel="diary:letter", number=None, group="unknown")], 0),
    ],
)
def test_night_counts_only_collection_contact(rows: list[Row], expected_count: int) -> None:
    hits = night.detect(rows, {"night_start": "22:00", "night_end": "08:00"})
    assert sum(h.facts["count"] for h in hits) == expected_count


def test_night_one_hit_per_group_with_nights() -> None:
    rows = [row(0, "23:00"), row(0, "23:10"), row(2, "06:00"), row(0, "23:00", group="lender:B")]
    hits = {h.group: h for h in night.detect(rows, {})}
    assert set(hits) == {"lender:A", "lender:B"}
    assert hits["lender:A"].facts["nights"] == 2 and hits["lender:A"].facts["count"] == 3
    assert hits["lender:A"].rule_id == "T1" and hits["lender:A"].event_ids == [r.id for r in rows[:3]]


def test_night_uses_rulebook_params() -> None:
    rows = [row(0, "21:30")]
    assert night.detect(rows, {"night_start": "21:00", "night_end": "09:00"})
    assert not night.detect(rows, {"night_start": "22:00", "night_end": "08:00"})


# ----------------------------------------------------------------------------- T2 / T3


def answered(day: int = 0, hhmm: str = "10:00", **kw: Any) -> Row:
    return row(day, hhmm, status="answered", duration=kw.pop("duration", 60), **kw)


@pytest.mark.parametrize(
    ("rows", "days_over", "max_per_day"),
    [
        ([answered() for _ in range(3)], None, None),
        ([answered() for _ in range(4)], 1, 4),
        ([answered(0) for _ in range(3)] + [answered(1) for _ in range(3)], None, None),
        ([answered() for _ in range(3)] + [row(status="missed")], None, None),  # missed calls do not count
        ([answered() for _ in range(3)] + [answered(duration=0)], None, None),  # 0 s: not a conversation
        ([answered(number=f"+861700000000{i}") for i in range(4)], 1, 4),  # one lender, several numbers
        ([answered(0, "23:50") for _ in range(2)] + [answered(1, "00:10") for _ in range(2)], None, None),
    ],
)
def test_effective_calls_per_day(rows: list[Row], days_over: int | None, max_per_day: int | None) -> None:
    hits = calls.detect(rows, {"max_effective_calls_per_day": 3})
    if days_over is None:
        assert hits == []
    else:
        assert len(hits) == 1 and hits[0].rule_id == "T2"
        assert hits[0].facts["days"] == days_over and hits[0].facts["max_per_day"] == max_per_day


@pytest.mark.parametrize(
    ("n_calls", "expected"),
    [(6, False), (7, True), (20, True)],
)
def test_attempts_per_day(n_calls: int, expected: bool) -> None:
    rows = [row(0, f"{9 + i // 6:02d}:{(i * 10) % 60:02d}", status="missed" if i % 2 else "rejected",
                number=f"+86170000000{i % 3}") for i in range(n_calls)]
    hits = attempts.detect(rows, {"max_attempts_per_number_per_day": 6})
    assert bool(hits) is expected
    if expected:
        assert hits[0].facts["max_per_day"] == n_calls and hits[0].rule_id == "T3"


def test_attempts_separate_lenders_and_days() -> None:
    rows = [row(0, group="lender:A") for _ in range(4)] + [row(0, group="lender:B") for _ in range(4)]
    rows += [row(1, group="lender:A") for _ in range(4)]
    assert attempts.detect(rows, {"max_attempts_per_number_per_day": 6}) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["answered", "missed"]), st.integers(0, 1)),
                max_size=40))
def test_effective_calls_match_a_naive_count(spec: list[tuple[int, str, int]]) -> None:
    rows = [row(day, status=status, duration=60, group=f"lender:{g}") for day, status, g in spec]
    per = Counter((f"lender:{g}", day) for day, status, g in spec if status == "answered")
    expected = {g for (g, _d), n in per.items() if n > 3}
    hits = calls.detect(rows, {"max_effective_calls_per_day": 3})
    assert {h.group for h in hits} == expected
    for h in hits:
        assert h.facts["max_per_day"] == max(n for (g, _d), n in per.items() if g == h.group)


# ----------------------------------------------------------------------------- bursts


def test_burst_five_in_half_an_hour() -> None:
    rows = [row(0, f"10:{m:02d}") for m in (0, 5, 10, 15, 20)]
    found = burst.find_bursts(rows)
    assert len(found) == 1 and len(found[0].event_ids) == 5


@pytest.mark.parametrize(
    ("minutes", "bursts"),
    [
        ([0, 5, 10, 15], 0),  # four is not a burst
        ([0, 30, 60, 90, 120], 0),  # spread over two hours
        ([0, 1, 2, 3, 4, 200, 201, 202, 203, 204], 2),  # two separate bursts
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1),  # one long burst, not several
    ],
)
def test_burst_table(minutes: list[int], bursts: int) -> None:
    rows = [row(0, f"{8 + m // 60:02d}:{m % 60:02d}") for m in minutes]
    assert len(burst.find_bursts(rows)) == bursts


def test_burst_hit_facts() -> None:
    rows = [row(0, f"10:{m:02d}") for m in range(0, 14, 2)]
    (hit,) = burst.detect(rows, {})
    assert hit.facts["largest"] == 7 and hit.facts["bursts"] == 1 and hit.facts["largest_minutes"] == 12


# ----------------------------------------------------------------------------- rotation (T14)


def test_rotation_needs_named_lender_and_personal_numbers() -> None:
    numbers = ["+8617000000001", "+8617100000002", "+8613800000003", "10690000123"]
    kinds = {numbers[0]: "virtual_mobile", numbers[1]: "virtual_mobile", numbers[2]: "mobile", numbers[3]: "service"}
    rows = [row(0, number=n, group="lender:闪电借") for n in numbers]
    (hit,) = rotation.detect(rows, {}, kinds, {"lender:闪电借"})
    assert hit.facts["number_count"] == 3 and "10690000123" not in hit.facts["numbers"]
    assert hit.facts["virtual"] == 2
    assert rotation.detect(rows, {}, kinds, set()) == []  # no name: nothing links them
    assert rotation.detect(rows[:2], {}, kinds, {"lender:闪电借"}) == []  # two numbers are not rotation


# ----------------------------------------------------------------------------- stop requests (T8)


def sms(day: int, hhmm: str, text: str, **kw: Any) -> Row:
    return row(day, hhmm, kind="sms", status=None, text=text, **kw)


@pytest.mark.parametrize(
    ("text", "is_request"),
    [
        ("请立即停止联系我，我会按协商方案还款", True),
        ("别再打电话了", True),
        ("不要再骚扰我的家人", True),
        ("我拒绝你们再联系我", True),
        ("妈，别理他们，我在处理", False),
        ("好的，明天还", False),
        ("你们不会停止联系我的对吧", False),
    ],
)
def test_stop_request_wording(text: str, is_request: bool) -> None:
    assert stop.is_stop_text(text) is is_request


def test_contact_after_stop_counts_only_later_contact_of_that_lender() -> None:
    before = row(0, "09:00")
    request = sms(0, "10:00", "请你们停止联系我", direction="out")
    after = [row(0, "11:00"), row(1, "09:00")]
    other_lender = row(1, "09:00", group="lender:B", number="+8617000000009")
    (hit,) = stop.detect([before, request, *after, other_lender], {})
    assert hit.group == "lender:A" and hit.rule_id == "T8"
    assert hit.event_ids == [request.id] + [r.id for r in after]
    assert hit.facts["count"] == 2 and hit.facts["scope"] == "debtor"


def test_diary_request_covers_every_collector() -> None:
    request = row(0, "10:00", kind="diary", channel="diary:call", number=None, group="unknown",
                  text="接电话时我明确要求他们不要再打电话")
    later = [row(1, "09:00"), row(1, "09:00", group="lender:B", number="+8617000000009")]
    assert {h.group for h in stop.detect([request, *later], {})} == {"lender:A", "lender:B"}


def test_message_to_a_contact_is_not_a_stop_request() -> None:
    to_mum = sms(0, "10:00", "妈，你别再打电话给他们了", direction="out", contact="妈妈", collector=False)
    assert stop.detect([to_mum, row(1, "09:00")], {}) == []


def test_request_about_family_covers_third_parties() -> None:
    request = sms(0, "10:00", "请立即停止联系我的家人和同事", direction="out")
    debtor_call = row(1, "09:00")
    mum = sms(1, "12:00", "刚才有个陌生人打电话给我，说你欠网贷不还", number="+8613800000001", collector=False,
              contact="妈妈")
    (hit,) = stop.detect([request, debtor_call, mum], {})
    assert hit.group == "contact:妈妈" and hit.facts["scope"] == "third_parties"


# ----------------------------------------------------------------------------- third parties (T7)


@pytest.mark.parametrize(
    ("text", "reports"),
    [
        ("儿子，刚才有个陌生人打电话给我，说你借网贷不还，让我转告你", True),
        ("老王，有人打到公司前台说你欠钱不还", True),
        ("催收的又给我发短信了，说你逾期了", True),
        ("你欠我的钱什么时候还", False),  # a friend's own debt, not collection
        ("周末回家吃饭吗", False),
        ("有人打电话找你，说是快递", False),
    ],
)
def test_contact_reports_collection(text: str, reports: bool) -> None:
    assert third_party.reports_collection(text) is reports


def test_third_party_hits_per_contact() -> None:
    mum = dict(number="+8613800000001", collector=False, contact="妈妈")
    rows = [
        sms(0, "12:00", "有个陌生人打电话给我，说你借网贷不还", **mum),
        sms(1, "12:00", "周末回家吃饭吗", **mum),
        sms(1, "13:00", "请转告王小明尽快还款", number="+8617000000001", from_contact_device=True,
            labels=("third_party_contact",)),
    ]
    hits = {h.group: h for h in third_party.detect(rows, {})}
    assert hits["contact:妈妈"].event_ids == [rows[0].id]
    assert hits["contact:+8617000000001"].facts["from_contact_device"] is True
    assert all(h.rule_id == "T7" for h in hits.values())


# ----------------------------------------------------------------------------- repeated abuse (T4)


@pytest.mark.parametrize(
    ("labels", "hit", "severity"),
    [
        ([("insult",), ("insult",)], False, None),
        ([("insult",), ("threat_visit",), ("threat_contacts",)], True, None),
        ([("insult",), ("insult",), ("threat_violence",)], True, "high"),
        ([("induce_borrowing",), ("extra_fees",), ("insult",)], False, None),
    ],
)
def test_repeated_abuse(labels: list[tuple[str, ...]], hit: bool, severity: str | None) -> None:
    rows = [sms(0, f"1{i}:00", "…", labels=lab) for i, lab in enumerate(labels)]
    hits = repeated.detect(rows, {"min_messages": 3}, ["insult", "threat_violence", "threat_contacts", "threat_visit"])
    assert bool(hits) is hit
    if hit:
        assert hits[0].rule_id == "T4" and hits[0].severity == severity


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 600), max_size=40))
def test_bursts_match_their_definition(minutes: list[int]) -> None:
    rows = [row(0, "00:00", second=m * 60) for m in minutes]
    found = burst.find_bursts(rows, min_events=5, window_minutes=30)
    in_burst = {i for b in found for i in b.event_ids}
    times = sorted((r.ts, r.id) for r in rows)
    for b in found:
        assert len(b.event_ids) >= 5 and b.start <= b.end
    # every run of 5 contacts within 30 minutes lies inside a burst
    for j in range(4, len(times)):
        if times[j][0] - times[j - 4][0] <= 30 * 60:
            assert {i for _, i in times[j - 4:j + 1]} <= in_burst
