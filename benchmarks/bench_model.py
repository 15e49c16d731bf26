"""Suggestion-model benchmark: microseconds per message, uncached and cached.

    python benchmarks/bench_model.py [--rounds 20] [--min-len 40] [--max-len 80]

Messages: every labelled message of tests/data/analyze with 40-80 characters (the typical
SMS length), each scored ``--rounds`` times.  *Uncached* empties the model's per-text cache
before every round, so each message is normalised, cut into n-grams and scored; *cached* is
the repeat of a text already seen (a template sent many times in a case).  Prints the
median round.  Target (issue 4): <= 30 us per message uncached.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "analyze"


def messages(min_len: int, max_len: int) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    if min_len <= len(rec["text"]) <= max_len:
                        out.append((rec["text"], rec.get("addressee")))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--min-len", type=int, default=40)
    ap.add_argument("--max-len", type=int, default=80)
    args = ap.parse_args()
    from dunguard.analyze.model import load_model

    t = time.perf_counter()
    model = load_model("cn")
    if model is None:
        raise SystemExit("no model.json: run python -m dunguard.analyze.model.train")
    load_s = time.perf_counter() - t
    msgs = messages(args.min_len, args.max_len)
    if not msgs:
        raise SystemExit(f"no messages of {args.min_len}-{args.max_len} characters in {DATA}")
    mean_len = sum(len(m) for m, _ in msgs) / len(msgs)
    groups = {"all": msgs,
              "no suggestion": [m for m in msgs if not model.suggest(*m)],
              "with suggestion": [m for m in msgs if model.suggest(*m)]}
    print(f"model: {len(model.labels)} labels, {len(model.table):,} n-grams, loaded in {load_s * 1000:.0f} ms")
    print(f"messages: {len(msgs):,} of {args.min_len}-{args.max_len} chars (mean {mean_len:.1f}); "
          f"{len(groups['with suggestion']):,} get a suggestion; {args.rounds} rounds")
    for name, group in groups.items():
        if not group:
            continue
        uncached: list[float] = []
        cached: list[float] = []
        for _ in range(args.rounds):
            model.clear_cache()
            t = time.perf_counter()
            for text, addressee in group:
                model.suggest(text, addressee)
            uncached.append((time.perf_counter() - t) / len(group))
            t = time.perf_counter()
            for text, addressee in group:
                model.suggest(text, addressee)
            cached.append((time.perf_counter() - t) / len(group))
        print(f"{name:16} uncached {statistics.median(uncached) * 1e6:6.1f} us/message (median; best "
              f"{min(uncached) * 1e6:.1f})  cached {statistics.median(cached) * 1e6:4.1f} us")


if __name__ == "__main__":
    main()
