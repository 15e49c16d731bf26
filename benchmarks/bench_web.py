"""Server time of the web app's dashboard and timeline on a 1,000,000-event case.

    .venv/bin/python benchmarks/bench_web.py [--events N] [--keep DIR] [--db-url URL]

Builds a case with N synthetic events (calls and SMS from 2,000 numbers over two years,
Chinese texts), then times each page through the real ASGI app (FastAPI TestClient, no
network): the one-off work after a big import (the case's stored figures built from all
events, the search index filled), the dashboard cold (no figures in memory) and warm, the
timeline's first page, a deep page by cursor, a number filter, Chinese full-text searches
and the findings and evidence pages, then the dashboard and a search again after 1,000 more
events were added.  Prints milliseconds (median of 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import insert

from dunguard.analyze import stats as analyze_stats
from dunguard.cases import create_case
from dunguard.home import Home
from dunguard.models import Event
from dunguard.web import create_app, search
from dunguard.web import stats as web_stats

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TEXTS = [
    "您好，您在本平台的借款已逾期，请尽快处理。",
    "再不还钱就把你欠钱的事发给你通讯录里所有人",
    "我们明天上门拜访，请在家等候",
    "【某某金融】您的账单已逾期3天，请及时还款",
    "你妈的电话我们已经打过了",
    "请转告张三尽快还款，否则后果自负",
]


def build(home: Home, n: int) -> str:
    case = create_case(home, "百万条记录基准", debtor_name="测试")
    add(home, case.id, 0, n, n)
    return case.id


def add(home: Home, case_id: str, first: int, count: int, n: int) -> None:
    """Events ``first`` … ``first + count - 1`` of an ``n``-event series (two years)."""
    rng = random.Random(1)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    numbers = [f"+86170{rng.randrange(10**8):08d}" for _ in range(2000)]
    batch: list[dict[str, object]] = []
    t0 = time.perf_counter()
    with home.transaction(case_id, actor="bench") as tx:
        for i in range(first, first + count):
            kind = "call" if i % 3 else "sms"
            when = start + dt.timedelta(seconds=int(i * 63_072_000 / n) + rng.randrange(60))
            num = numbers[rng.randrange(len(numbers))]
            batch.append({
                "case_id": case_id, "kind": kind, "direction": "in", "time_utc": when, "utc_offset_minutes": 480,
                "time_raw": when.isoformat(), "counterpart_raw": num[3:], "counterpart_e164": num,
                "text": TEXTS[i % len(TEXTS)] + f" #{i}" if kind == "sms" else None,
                "duration_s": rng.randrange(0, 120) if kind == "call" else None,
                "call_status": "missed" if kind == "call" else None, "locator": f"bench {i}",
                "dedup_key": hashlib.blake2b(str(i).encode(), digest_size=16).hexdigest(),
            })
            if len(batch) >= 50_000:
                tx.session.execute(insert(Event), batch)
                batch.clear()
        if batch:
            tx.session.execute(insert(Event), batch)
        tx.log("bench_events", None, {"count": count})
    print(f"added {count:,} events in {time.perf_counter() - t0:.1f} s")


def timed(client: TestClient, url: str, repeat: int = 5) -> tuple[float, int]:
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        status = resp.status_code
        if status != 200:
            print(f"  ! {url} -> {status}: {resp.text[:300]}", file=sys.stderr)
    return statistics.median(times), status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="build the case in DIR and keep it")
    ap.add_argument("--db-url", default=None, help="a PostgreSQL database instead of the home's SQLite file")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dunguard-bench-web-") as tmp:
        root = args.keep or Path(tmp)
        home = Home.open(root, db_url=args.db_url)
        existing = [c for c in __import__("dunguard.cases", fromlist=["list_cases"]).list_cases(home)
                    if c.title == "百万条记录基准" and c.events >= args.events]
        case_id = existing[0].id if existing else build(home, args.events)
        client = TestClient(create_app(home, warm_cache=False), base_url="http://127.0.0.1")
        base = f"/cases/{case_id}"
        t0 = time.perf_counter()
        search.sync(home)
        print(f"{'search index: events added since the last sync':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        t0 = time.perf_counter()
        analyze_stats.refresh(home, case_id)
        print(f"{'stored figures: refresh after the import':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        web_stats.clear_cache()
        t0 = time.perf_counter()
        client.get(base)
        print(f"{'dashboard, first view of the process':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        cold = []
        for _ in range(5):
            web_stats.clear_cache()
            t0 = time.perf_counter()
            client.get(base)
            cold.append((time.perf_counter() - t0) * 1000)
        print(f"{'dashboard, cold (no figures in memory)':48s} {statistics.median(cold):8.1f} ms")
        first = client.get(base + "/timeline")
        import re

        cursor = re.search(r'href="[^"]*after=([^"&]+)', first.text)
        pages = [
            ("dashboard, warm (figures cached)", base),
            ("timeline, first page", base + "/timeline"),
            ("timeline, next page by cursor", base + "/timeline?after=" + (cursor.group(1) if cursor else "")),
            ("timeline, deep page (2025-12-01)", base + "/timeline?since=2025-12-01"),
            ("timeline, one number", base + "/timeline?number=" + "170" + "00000000"),
            ("timeline, kind=sms", base + "/timeline?kind=sms"),
            ("timeline, search 逾期 (in 1 of 3 events)", base + "/timeline?q=%E9%80%BE%E6%9C%9F"),
            ("timeline, search 请尽快 (in 1 of 9 events)", base + "/timeline?q=%E8%AF%B7%E5%B0%BD%E5%BF%AB"),
            ("timeline, search #999999 (one event)", base + "/timeline?q=%23999999"),
            ("timeline, search 通讯录 (no event)", base + "/timeline?q=%E9%80%9A%E8%AE%AF%E5%BD%95"),
            ("evidence list", base + "/evidence"),
            ("findings", base + "/findings"),
        ]
        for label, url in pages:
            ms, status = timed(client, url)
            print(f"{label:48s} {ms:8.1f} ms  (HTTP {status})")
        web_stats.clear_cache()
        t0 = time.perf_counter()
        client.get(base + "/evidence")
        print(f"{'evidence list, cold (time ranges not cached)':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        existing_events = analyze_stats.timeline(home, case_id, top_numbers=1)["total"]
        add(home, case_id, existing_events, 1000, args.events)
        t0 = time.perf_counter()
        client.get(base)
        print(f"{'dashboard after 1,000 new events (refresh)':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        t0 = time.perf_counter()
        client.get(base + "/timeline?q=%E9%80%9A%E8%AE%AF%E5%BD%95")
        print(f"{'search 通讯录 after 1,000 new events (sync)':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        home.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
