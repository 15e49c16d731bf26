"""Act benchmark: plan, every document and the case report on a large analysed case.

    python benchmarks/bench_act.py [--events 100000] [--workdir DIR] [--keep]

Builds the case with ``bench_analyze.build`` (bulk-inserted synthetic events from 12 lenders,
with abusive, threatening and third-party wording), runs the real ``analyze_case``, then times:
``load_facts``; ``make_plan``; ``compose`` + ``.docx`` for each of the eight document kinds;
the HTML report; the PDF report (WeasyPrint).  Prints wall times, sizes and findings.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _bench_analyze() -> object:
    spec = importlib.util.spec_from_file_location("bench_analyze", HERE / "bench_analyze.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_analyze"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="dunguard-bench-act-"))
    try:
        from dunguard.act.documents import KINDS, draft
        from dunguard.act.facts import load_facts
        from dunguard.act.plan import make_plan
        from dunguard.act.report import write_report
        from dunguard.analyze.engine import analyze_case
        from dunguard.home import Home

        t0 = time.perf_counter()
        case_id = _bench_analyze().build(root, args.events)  # type: ignore[attr-defined]
        print(f"build {args.events:,} events: {time.perf_counter() - t0:.1f} s")
        home = Home.open(root)
        t0 = time.perf_counter()
        summary = analyze_case(home, case_id, actor="bench")
        print(f"analyze_case: {time.perf_counter() - t0:.1f} s, {summary.as_dict().get('findings')} findings")

        def timed(label: str, fn: object) -> object:
            start = time.perf_counter()
            out = fn()  # type: ignore[operator]
            print(f"{label:<34} {1000 * (time.perf_counter() - start):9.0f} ms")
            return out

        facts = timed("load_facts", lambda: load_facts(home, case_id))
        timed("make_plan", lambda: make_plan(facts))  # type: ignore[arg-type]
        out = root / "out"
        for k in KINDS:
            timed(f"draft {k.id}.docx", lambda k=k: draft(home, case_id, k.id, out / f"{k.id}.docx"))
        html = timed("report.html", lambda: write_report(home, case_id, out / "report.html"))
        pdf = timed("report.pdf", lambda: write_report(home, case_id, out / "report.pdf"))
        print(f"report.html {Path(str(html)).stat().st_size / 1024:.0f} KiB, "
              f"report.pdf {Path(str(pdf)).stat().st_size / 1024:.0f} KiB")
        home.close()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
