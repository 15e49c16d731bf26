"""Analysis benchmark: ``analyze_case`` on a 1,000,000-event case; wall time and peak RSS.

    python benchmarks/bench_analyze.py [--events 1000000] [--workdir DIR] [--keep] [--baseline-src DIR]

Builds the case directly with bulk inserts (no backup file, no import pipeline): a SQLite
home, one case with a debtor and 50 contacts, and ``--events`` events over 180 days —
60 % calls (answered / missed / rejected) and 40 % SMS from 12 lenders rotating over 400
numbers (virtual and ordinary mobiles, a few 106 gateways), message templates with 【签名】,
about 8 % of them abusive / threatening / third-party wording, lawful reminders, some
contacts' messages, the debtor's own replies and a stop request.  Then, each in a fresh
subprocess so peak RSS is clean (``resource.getrusage`` in the child):

1. ``analyze_case`` (first run: every finding new);
2. ``analyze_case`` again (re-run: findings updated in place, user status kept);
3. ``stats.timeline`` (the SQL GROUP BY statistics).

Prints events, text messages scanned, findings, open model suggestions, wall time, events/s
and peak RSS.  The suggestion model caches per distinct text, so each template is scored once
(before / after the model: docs/rulebook.md, "Suggestion model").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from dunguard.home import Home
mode, root, case_id = sys.argv[1], sys.argv[2], sys.argv[3]
home = Home.open(root)
t = time.perf_counter()
if mode == "analyze":
    from dunguard.analyze.engine import analyze_case
    s = analyze_case(home, case_id, actor="bench")
    out = {"events": s.events, "scanned": s.scanned, "findings": s.findings, "new": s.new, "updated": s.updated,
           "suggested": getattr(s, "suggested", None), "by_rule": s.by_rule}
else:
    from dunguard.analyze.stats import timeline
    tl = timeline(home, case_id)
    out = {"days": len(tl["per_day"]), "numbers": tl["numbers_total"], "total": tl["total"]}
out["wall"] = time.perf_counter() - t
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
home.close()
print(json.dumps(out, ensure_ascii=False))
"""

LENDERS = ["闪电借", "快有钱", "马上还钱", "速贷之家", "金满仓", "小橙花", "惠民钱包", "安心借", "好借呗呗", "易贷通",
           "钱多多", "月光宝盒"]
LAWFUL = [
    "【{l}】尊敬的{n}，您的借款本期应还{a}元已逾期{d}天，请及时还款，逾期记录将按规定报送征信。",
    "【{l}】温馨提示：您的账单已逾期{d}天，请登录APP还款。如有困难可申请协商。",
    "【{l}】{n}您好，您在本平台的借款{a}元今日到期，请保持账户余额充足。",
]
ABUSIVE = [
    "{n}你再不还钱，我们就把你欠钱的事发给你通讯录里所有人，让你全家都知道你是个老赖！",
    "给你最后通牒，今天不还明天就去你单位找你领导，再去你老家找你爸妈。",
    "你这种人渣早晚出门被车撞，等着瞧。",
    "【XX市人民法院】{n}涉嫌恶意拖欠贷款，已立案，请于今日18点前联系处理，否则将强制执行。",
    "还不上就去别的平台借，下载速借宝APP马上到账，先把我们的还了。",
    "你的案件已移交外访组，需另付上门催收费{a}元，不交就天天上门。",
]
CONTACT_TEXTS = ["儿子，刚才有个陌生人打电话给我，说你借网贷不还，让我转告你", "周末回家吃饭吗", "老王，有人打到公司前台说你欠钱不还"]
NAMES = ["王小明", "王先生", "小明"]


def build(root: Path, n_events: int, seed: int = 11) -> str:
    import sqlite3

    from dunguard.cases import create_case
    from dunguard.home import Home
    from dunguard.models import Party, Phone

    rnd = random.Random(seed)
    home = Home.open(root)
    case = create_case(home, "基准测试：一百万条记录", debtor_name="王小明", debtor_phone="13912345678")
    contacts = [f"+86138{i:08d}" for i in range(50)]
    with home.store.write_session() as s:
        for i, num in enumerate(contacts):
            p = Party(case_id=case.id, role="contact", name=f"联系人{i}", extra={})
            s.add(p)
            s.flush()
            s.add(Phone(case_id=case.id, party_id=p.id, raw=num[3:], e164=num))
    numbers: list[tuple[str, str, int]] = []  # (e164, kind, lender index)
    for i in range(400):
        lender = i % len(LENDERS)
        if i < 12:
            numbers.append((f"1069{i:08d}", "service", lender))
        elif i % 3 == 0:
            numbers.append((f"+86170{i:08d}", "virtual_mobile", lender))
        else:
            numbers.append((f"+86155{i:08d}", "mobile", lender))
    start = int(time.mktime((2026, 1, 1, 0, 0, 0, 0, 0, 0)))
    span = 180 * 86400
    cols = ("case_id, evidence_id, kind, direction, time_utc, utc_offset_minutes, time_raw, counterpart_raw, "
            "counterpart_e164, counterpart_name, number_kind, channel, text, duration_s, call_status, locator, "
            "thread, extra, dedup_key")
    sql = f"INSERT INTO events ({cols}) VALUES ({', '.join('?' * 19)})"
    import datetime as dt

    epoch = dt.datetime(1970, 1, 1)
    con = sqlite3.connect(root / "dunguard.db")
    batch: list[tuple[object, ...]] = []
    for i in range(n_events):
        ts = start + rnd.randrange(span)
        when = (epoch + dt.timedelta(seconds=ts)).isoformat(" ", "microseconds")
        r = rnd.random()
        e164, nkind, lender = numbers[rnd.randrange(len(numbers))]
        direction, text, duration, status, kind = "in", None, None, None, "call"
        if r < 0.6:
            status = rnd.choice(["answered", "missed", "missed", "rejected"])
            duration = rnd.randint(10, 300) if status == "answered" else 0
        else:
            kind = "sms"
            q = rnd.random()
            fill = {"l": LENDERS[lender], "n": rnd.choice(NAMES), "a": rnd.randint(300, 9000), "d": rnd.randint(1, 90)}
            if q < 0.08:
                text = rnd.choice(ABUSIVE).format(**fill)
            elif q < 0.93:
                text = rnd.choice(LAWFUL).format(**fill)
            elif q < 0.97:
                e164, nkind = contacts[rnd.randrange(len(contacts))], "mobile"
                text = rnd.choice(CONTACT_TEXTS)
            else:
                direction = "out"
                text = "请你们立即停止联系我，我会按协商方案还款" if q > 0.999 else "好的，我尽快处理"
        batch.append((case.id, None, kind, direction, when, 480, when, e164, e164, None, nkind, kind, text, duration,
                      status, f"bench[{i}]", None, None, f"{ts:010x}{i:014x}"))
        if len(batch) >= 50_000:
            con.executemany(sql, batch)
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    con.commit()
    con.close()
    home.close()
    return case.id


def run_child(mode: str, root: Path, case_id: str, src: Path | None = None) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(src)) if src is not None else None
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(root), case_id], check=True,
                         capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="the src/ folder of another checkout (e.g. a git worktree of an older commit): "
                         "analyse the same database alternately with it and with this tree, twice each")
    args = ap.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="dunguard-bench-analyze-"))
    try:
        t = time.perf_counter()
        case_id = build(root, args.events)
        print(f"built case with {args.events:,} events in {time.perf_counter() - t:.1f} s ({root})")
        if args.baseline_src is not None:
            for rnd in range(2):
                for name, src in (("baseline", args.baseline_src.resolve()), ("this tree", None)):
                    r = run_child("analyze", root, case_id, src)
                    print(f"round {rnd} {name:9s} wall {float(r['wall']):7.1f} s  "  # type: ignore[arg-type]
                          f"peak RSS {float(r['rss_mb']):7.0f} MB  findings={r['findings']} "  # type: ignore[arg-type]
                          f"suggested={r.get('suggested')}")
            return
        for label, mode in (("analyze (first run)", "analyze"), ("analyze (re-run)", "analyze"),
                            ("timeline statistics", "timeline")):
            r = run_child(mode, root, case_id)
            wall = float(r["wall"])  # type: ignore[arg-type]
            extra = ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("wall", "rss_mb"))
            print(f"{label:22s} wall {wall:7.1f} s  {args.events / wall:10,.0f} events/s  "
                  f"peak RSS {float(r['rss_mb']):7.0f} MB  ({extra})")  # type: ignore[arg-type]
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
