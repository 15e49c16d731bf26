"""Benchmarks for dunguard.prevent: caller table, AXML parsing, zip-bomb refusal, contract scan.

    .venv/bin/python benchmarks/bench_prevent.py [--events 1000000] [--numbers 5000]

Prints figures; asserts nothing about time.  The caller table runs on a real SQLite home in
a temporary directory, events inserted in bulk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "prevent"))

from prevent_apkbuild import El, build_apk, encode_axml, loan_app_manifest

from dunguard.errors import HostileInputError
from dunguard.models import Event, Finding
from dunguard.prevent.apk import parse_axml, read_manifest
from dunguard.prevent.callers import caller_table, vcard
from dunguard.prevent.contract import scan_text
from dunguard.testing import make_case, make_home, utc
from dunguard.timeutil import utcnow


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_callers(n_events: int, n_numbers: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        home = make_home(Path(tmp) / "home")
        case = make_case(home, "bench")
        numbers = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(n_numbers)]
        t0 = time.perf_counter()
        base = utc(2026, 1, 1)
        batch: list[dict[str, object]] = []
        with home.transaction(case.id, actor="bench") as tx:
            for i in range(n_events):
                num = numbers[min(int(rng.paretovariate(1.2)) - 1, n_numbers - 1)]
                batch.append(
                    {
                        "case_id": case.id,
                        "kind": "call" if i % 3 else "sms",
                        "direction": "in" if i % 5 else "out",
                        "time_utc": base + dt.timedelta(seconds=37 * i),
                        "counterpart_raw": num,
                        "counterpart_e164": "+86" + num,
                        "text": None if i % 3 else f"【平台{int(num) % 7}】您的账单已逾期{i % 90}天，请尽快还款。",
                        "time_raw": "",
                        "locator": f"row {i}",
                        "dedup_key": hashlib.sha1(str(i).encode()).hexdigest(),
                    }
                )
                if len(batch) >= 50_000:
                    tx.session.execute(insert(Event), batch)
                    batch.clear()
            if batch:
                tx.session.execute(insert(Event), batch)
            now = utcnow()
            # 1,000 findings, each citing 50 events
            for f in range(1000):
                tx.session.add(
                    Finding(
                        case_id=case.id,
                        fingerprint=f"bench{f}",
                        rule_id="T2",
                        attribution=f"平台{f % 7}",
                        evidence_refs=[{"event_id": 1 + (f * 50 + k) % n_events} for k in range(50)],
                        created_at=now,
                        updated_at=now,
                    )
                )
        print(f"inserted {n_events:,} events over {n_numbers:,} numbers in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        rows = caller_table(home, case)
        elapsed = time.perf_counter() - t0
        print(
            f"caller_table: {len(rows):,} numbers from {n_events:,} events in {elapsed:.2f}s "
            f"({n_events / elapsed:,.0f} events/s); max RSS {rss_mb():.0f} MB"
        )
        t0 = time.perf_counter()
        card = vcard(rows)
        print(f"vcard: {len(rows):,} cards, {len(card) / 1e6:.1f} MB in {time.perf_counter() - t0:.2f}s")
        home.close()


def bench_axml() -> None:
    children = [El("uses-permission", {"android:name": f"android.permission.P{i}"}) for i in range(2000)]
    activities = [El("activity", {"android:name": f".A{i}", "android:exported": bool(i % 2)}) for i in range(3000)]
    root = El("manifest", {"package": "com.bench"}, [*children, El("application", {}, activities)])
    data = encode_axml(root)
    t0 = time.perf_counter()
    reps = 20
    for _ in range(reps):
        parse_axml(data)
    per = (time.perf_counter() - t0) / reps
    print(f"parse_axml: {len(data) / 1024:.0f} KiB manifest, 5,000 elements: {per * 1000:.1f} ms/parse")


def bench_bomb() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("AndroidManifest.xml", "w") as w:
            block = b"\x00" * (1 << 20)
            for _ in range(256):  # 256 MiB of zeros, streamed
                w.write(block)
        p = Path(tmp) / "bomb.apk"
        p.write_bytes(buf.getvalue())
        t0 = time.perf_counter()
        try:
            read_manifest(p)
        except HostileInputError as exc:
            print(
                f"zip bomb ({p.stat().st_size / 1024:.0f} KiB → 256 MiB) refused in "
                f"{(time.perf_counter() - t0) * 1000:.1f} ms ({exc.key}); max RSS {rss_mb():.0f} MB"
            )
        ok = build_apk(Path(tmp) / "ok.apk", encode_axml(loan_app_manifest()))
        t0 = time.perf_counter()
        read_manifest(ok)
        print(f"read_manifest on a small APK: {(time.perf_counter() - t0) * 1000:.2f} ms")


def bench_contract() -> None:
    clause = "第{}条 借款人同意平台读取通讯录并向合作机构提供其个人信息，逾期的将联系紧急联系人。借款人应按时还款。\n"
    text = "".join(clause.format(i) for i in range(20_000))
    t0 = time.perf_counter()
    hits = scan_text(text, lang="zh")
    elapsed = time.perf_counter() - t0
    print(
        f"scan_text: {len(text) / 1e6:.1f} M chars, {len(hits):,} hits in {elapsed:.2f}s "
        f"({len(text) / elapsed / 1e6:.2f} M chars/s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--numbers", type=int, default=5000)
    args = ap.parse_args()
    bench_axml()
    bench_bomb()
    bench_contract()
    bench_callers(args.events, args.numbers)


if __name__ == "__main__":
    main()
