"""Server time of the web app's dashboard and timeline on a 1,000,000-event case.

    .venv/bin/python benchmarks/bench_web.py [--events N] [--keep DIR]

Builds a case with N synthetic events (calls and SMS from 2,000 numbers over two years,
Chinese texts), then times each page through the real ASGI app (FastAPI TestClient, no
network): the dashboard cold (first view after new events) and warm (figures cached under
the events' version), the timeline's first page, a deep page by cursor, a number filter, a Chinese
full-text search and the findings and evidence pages.  Prints milliseconds (median of 5).
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

from dunguard.cases import create_case
from dunguard.home import Home
from dunguard.models import Event
from dunguard.web import create_app
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
    rng = random.Random(1)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    numbers = [f"+86170{rng.randrange(10**8):08d}" for _ in range(2000)]
    batch: list[dict[str, object]] = []
    t0 = time.perf_counter()
    with home.transaction(case.id, actor="bench") as tx:
        for i in range(n):
            kind = "call" if i % 3 else "sms"
            when = start + dt.timedelta(seconds=int(i * 63_072_000 / n) + rng.randrange(60))
            num = numbers[rng.randrange(len(numbers))]
            batch.append({
                "case_id": case.id, "kind": kind, "direction": "in", "time_utc": when, "utc_offset_minutes": 480,
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
        tx.log("bench_events", None, {"count": n})
    print(f"built {n:,} events in {time.perf_counter() - t0:.1f} s")
    return case.id


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
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dunguard-bench-web-") as tmp:
        root = args.keep or Path(tmp)
        home = Home.open(root)
        existing = [c for c in __import__("dunguard.cases", fromlist=["list_cases"]).list_cases(home)
                    if c.title == "百万条记录基准" and c.events == args.events]
        case_id = existing[0].id if existing else build(home, args.events)
        client = TestClient(create_app(home), base_url="http://127.0.0.1")
        base = f"/cases/{case_id}"
        web_stats.clear_cache()
        t0 = time.perf_counter()
        client.get(base)
        print(f"{'dashboard, cold (first view after new events)':48s} {(time.perf_counter() - t0) * 1000:8.1f} ms")
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
        home.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
