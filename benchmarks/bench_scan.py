"""Benchmark ``scan`` throughput against a bare pass of the same automaton.

    .venv/bin/python benchmarks/bench_scan.py [--n 1000000] [--seed 7] [--rounds 3]
    .venv/bin/python benchmarks/bench_scan.py --batch [--jobs 2] [--model] [--n 1000000]

Generates N synthetic messages (a mix of lawful reminders, ordinary chat and abusive
collection messages, from templates written for this benchmark — not the dev set), then
times, on one core and in the same run:

* bare: ``for text in texts: for _ in automaton.iter(text): pass`` (the lexicon's
  Aho-Corasick automaton only);
* scan: ``Scanner.scan(text)`` for every text (the full rule evaluation).

Prints messages/s per core for both and the ratio scan/bare.  Targets: >= 100,000
messages/s per core and ratio <= 2.  Also prints the share of messages with findings or
suggestions.

``--batch`` times what ``dunguard scan`` does instead: JSON lines in, JSON lines out
(``analyze.batch.scan_lines``, in memory, no disk), with ``--jobs`` worker processes; it
prints wall-clock messages/s (and CPU time of this process).  Wall time counts the other
load on the machine too, so compare runs taken back to back.
"""

from __future__ import annotations

import argparse
import random
import time

LAWFUL = [
    "【{lender}】尊敬的客户，您本期账单应还{amount}元，还款日为{month}月{day}日，请按时还款。",
    "【{lender}】您的借款已逾期{days}天，逾期记录将按规定报送征信，请尽快还款。",
    "【{lender}】温馨提示：您的还款日为本月{day}日，请确保还款账户余额充足，如已还款请忽略。",
    "您好，我是{lender}的贷后专员，工号{num}，请问今天方便处理一下逾期账单吗？",
    "【{lender}】您尾号{num}的信用卡最低还款额{amount}元，到期还款日{month}月{day}日。",
]
ORDINARY = [
    "今晚{day}点在老地方吃饭，别迟到。",
    "快递已放在{place}，请及时领取。",
    "明天上午开会，记得带电脑，{name}会准备材料。",
    "妈，我这周末回家，给你带了点水果。",
    "【{shop}】您的订单已发货，运单号{num}，请注意查收。",
    "周末一起去爬山吗？天气预报说是晴天。",
    "这个月工资发了吗？我的还没到账。",
    "验证码{num}，五分钟内有效，请勿泄露给他人。",
    "会议改到下午{day}点，请通知你们组的同事。",
    "好的，收到，谢谢！",
]
ABUSIVE = [
    "{name}，你欠{lender}的{amount}元再不还，明天就爆你通讯录，让你家人同事都知道。",
    "老赖，今天不还钱就派人去你单位找你领导。",
    "你已经涉嫌诈骗，再不还款就等着坐牢吧。",
    "【{court}】传票：{name}拖欠借款一案已立案，请于三日内联系处理。",
    "没钱就去别的平台借，借出来先把我们的欠款还了。",
    "您好，您的朋友{name}在我司借款逾期{days}天，欠款{amount}元，请转告他尽快还款。",
    "不还钱？小心你的腿，出门注意点。",
    "今天结清需要另外加收催收费{amount}元。",
    "再不还，我们會聯繫你的家人和單位，別怪我沒提醒你。",
    "逾期不还将对你的通 讯 录进行曝光，后果自负。",
]
FILL = {
    "lender": ["闪电借", "速贷通", "金牛贷", "有钱花", "易分期", "信用钱包", "快乐借"],
    "amount": ["1200", "3560.50", "800", "12000", "4999"],
    "month": [str(i) for i in range(1, 13)],
    "day": [str(i) for i in range(1, 29)],
    "days": ["3", "15", "47", "90"],
    "num": ["8823", "302118", "1234", "5566"],
    "place": ["菜鸟驿站", "门卫室", "快递柜"],
    "name": ["张伟", "李娜", "王强", "陈**", "赵某"],
    "shop": ["某宝", "某东", "某多多"],
    "court": ["XX区人民法院", "XX市中级人民法院"],
}


def generate(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pools = [(LAWFUL, 0.45), (ORDINARY, 0.40), (ABUSIVE, 0.15)]
    out = []
    for _ in range(n):
        r = rng.random()
        acc = 0.0
        pool = ABUSIVE
        for templates, weight in pools:
            acc += weight
            if r < acc:
                pool = templates
                break
        template = rng.choice(pool)
        out.append(template.format(**{k: rng.choice(v) for k, v in FILL.items()}) + str(rng.randrange(100)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--batch", action="store_true", help="time the JSON-lines batch (dunguard scan) instead")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for --batch")
    parser.add_argument("--model", action="store_true", help="with --batch: also run the suggestion model (scan --model)")
    args = parser.parse_args()
    if args.batch:
        batch(args.n, args.seed, args.rounds, args.jobs, args.model)
        return

    from dunguard.analyze.text.scanner import EMPTY, default_scanner

    t0 = time.perf_counter()
    scanner = default_scanner()
    print(f"build automaton + rulebook: {time.perf_counter() - t0:.2f} s")
    texts = generate(args.n, args.seed)
    automaton = scanner.automaton

    def bare_pass() -> None:
        for text in texts:
            for _ in automaton.iter(text):
                pass

    scan = scanner.scan
    flagged = 0

    def scan_pass() -> None:
        nonlocal flagged
        flagged = 0
        for text in texts:
            if scan(text) is not EMPTY:
                flagged += 1

    # Alternate the two passes and keep the best of each: the machine may be shared, and
    # CPU time (process_time) of the best round is the closest to an idle core.
    bare = full = float("inf")
    for _ in range(args.rounds):
        t0 = time.process_time()
        bare_pass()
        bare = min(bare, time.process_time() - t0)
        t0 = time.process_time()
        scan_pass()
        full = min(full, time.process_time() - t0)

    n = len(texts)
    print(f"messages: {n:,}  (avg {sum(map(len, texts)) / n:.1f} chars)")
    print(f"bare automaton pass: {bare:.2f} s  {n / bare:,.0f} msg/s")
    print(f"scan:                {full:.2f} s  {n / full:,.0f} msg/s per core")
    print(f"ratio scan/bare:     {full / bare:.2f}")
    print(f"messages with findings or suggestions: {flagged:,} ({flagged / n:.1%})")


def batch(n: int, seed: int, rounds: int, jobs: int, model: bool = False) -> None:
    import json

    from dunguard.analyze.batch import scan_lines
    from dunguard.analyze.text.scanner import default_scanner

    default_scanner()
    lines = [json.dumps({"id": i, "text": text}, ensure_ascii=False).encode("utf-8") + b"\n"
             for i, text in enumerate(generate(n, seed))]
    best_wall = best_cpu = float("inf")
    size = flagged = 0
    for _ in range(rounds):
        out: list[str] = []
        t0, c0 = time.perf_counter(), time.process_time()
        report = scan_lines(lines, out.append, jobs=jobs, model=model)
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
        size, flagged = sum(map(len, out)), report.flagged
    what = " + suggestion model" if model else ""
    print(f"batch (JSON lines in and out){what}, jobs={jobs}: {n:,} messages, {size / 1e6:.1f} M chars written")
    print(f"wall: {best_wall:.2f} s  {n / best_wall:,.0f} msg/s   (CPU of the main process {best_cpu:.2f} s)")
    print(f"messages with findings: {flagged:,} ({flagged / n:.1%})")


if __name__ == "__main__":
    main()
