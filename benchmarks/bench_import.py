"""Import benchmark: a 1,000,000-SMS + 200,000-call "SMS Backup & Restore" backup.

    python benchmarks/bench_import.py [--sms 1000000] [--calls 200000] [--workdir DIR] [--parallel auto|on|off]
                                      [--runs N]

Generates the backup with ``gen_backup.py`` (unless DIR already holds it), then runs, each in
a fresh subprocess so peak RSS is measured cleanly (``resource.getrusage`` in the child):

1. a bare ``lxml.etree.iterparse`` pass over the same two files (``end`` events for
   sms/mms/call, ``clear()`` and deleting finished siblings — the standard flat-memory loop;
   ``recover=True`` because the backup contains the app's invalid "store emojis" surrogate
   references, which the importer repairs and a bare parser cannot read otherwise);
2. ``dunguard.ingest.pipeline.import_paths`` of both files into a new case (SQLite home in
   the work dir): vault copy, parse (in a child process for files over 32 MB), normalise
   numbers, de-duplicate, insert, commit;
3. the bare pass again (the wall-time ratio uses the mean of both bare passes, so a machine
   whose load changes during the run is not counted against either side);
4. the same import again (idempotent re-import: the file is recognised, nothing is added).

Two floors are printed after the import: the importing process's own database work (insert,
index rebuild, commit: the part no faster parser can remove), and the same rows copied by
SQLite itself into a new file with the same table and indexes (``INSERT ... SELECT``: what
the database write costs with no Python at all).  Both are stated as multiples of the bare
pass, so they read against the ratio target.

Wall times depend on what else the machine runs: the load average is printed, and the
CPU-time ratio (all processes of the import vs the bare pass) is printed too, with the
import's CPU split between the importing process and the parser process.  ``--runs N``
repeats the whole sequence and ends with the best and the range of the ratios.

Prints wall times, the ratio import / bare pass, and peak RSS.  Targets: ratio <= 2.0,
peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_BARE = r"""
import json, resource, sys, time
from lxml import etree
t = time.perf_counter()
n = 0
for f in sys.argv[1:]:
    for _ev, el in etree.iterparse(f, events=("end",), tag=("sms", "mms", "call"), recover=True,
                                   resolve_entities=False, no_network=True, load_dtd=False):
        n += 1
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
wall = time.perf_counter() - t
me = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"records": n, "wall": wall, "cpu": me.ru_utime + me.ru_stime, "rss_mb": me.ru_maxrss / 1024}))
"""

_IMPORT = r"""
import json, resource, sys, time
from pathlib import Path
from dunguard.home import Home
from dunguard.cases import create_case, resolve_case
from dunguard.ingest import pipeline
from dunguard.ingest.pipeline import import_paths
from dunguard import vault
from sqlalchemy.orm import Session
mode, home_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
parallel = {"auto": None, "on": True, "off": False}[mode]
# CPU seconds of this (the importing) process in the main steps; the rest is parsing and
# building rows (in-process) or receiving them (parallel)
phases = {"stage": 0.0, "insert": 0.0, "index rebuild": 0.0, "commit": 0.0}
def timed(owner, name, phase):
    real = getattr(owner, name, None)
    if real is None:  # an older dunguard (comparing versions): that step is not there
        return
    def wrapper(*args, **kwargs):
        t0 = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            phases[phase] += time.process_time() - t0
    setattr(owner, name, wrapper)
timed(vault, "stage_file", "stage")
timed(pipeline.RecordWriter, "_insert", "insert")
timed(pipeline.RecordWriter, "_restore_indexes", "index rebuild")
timed(Session, "commit", "commit")
home = Home.open(home_dir)
try:
    case = resolve_case(home, "bench")
except Exception:
    case = create_case(home, "bench")
t = time.perf_counter()
cpu0 = time.process_time()
report = import_paths(home, case.id, [Path(f) for f in files], parallel=parallel)
wall = time.perf_counter() - t
phases["rest"] = time.process_time() - cpu0 - sum(phases.values())
home.close()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "inserted": report.inserted,
                  "duplicates": sum(f.duplicates for f in report.files),
                  "failed": [f.error for f in report.failed],
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "cpu_parser": kids.ru_utime + kids.ru_stime,
                  "rss_mb": me.ru_maxrss / 1024, "worker_rss_mb": kids.ru_maxrss / 1024,
                  "phases": phases}))
"""


_FLOOR = r"""
import json, os, sqlite3, sys, time
# The cost of the database write alone, without any parsing and without Python per row:
# SQLite copies the imported events (same table, same indexes, same settings) into a new file.
src, dst = sys.argv[1], sys.argv[2]
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(dst + suffix):
        os.remove(dst + suffix)
con = sqlite3.connect(dst, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=FULL")
con.execute("PRAGMA cache_size=-65536")
con.execute("ATTACH ? AS src", (src,))
(table,) = con.execute("SELECT sql FROM src.sqlite_master WHERE type='table' AND name='events'").fetchone()
indexes = [r[0] for r in con.execute(
    "SELECT sql FROM src.sqlite_master WHERE type='index' AND tbl_name='events' AND sql IS NOT NULL")]
con.execute(table.replace('CREATE TABLE events', 'CREATE TABLE main.events', 1))
# the unique (case_id, dedup_key) index is implicit in the table's UNIQUE constraint
con.execute("SELECT count(*), sum(length(text)) FROM src.events").fetchone()  # source into the OS cache
con.execute("BEGIN IMMEDIATE")
t = time.process_time()
con.execute("INSERT INTO main.events SELECT * FROM src.events")
insert = time.process_time() - t
t = time.process_time()
for sql in indexes:
    con.execute(sql)
index = time.process_time() - t
t = time.perf_counter()
con.execute("COMMIT")
commit = time.perf_counter() - t
con.close()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(dst + suffix):
        os.remove(dst + suffix)
print(json.dumps({"insert": insert, "index": index, "commit": commit}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sms", type=int, default=1_000_000)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--parallel", choices=("auto", "on", "off"), default="auto",
                    help="parse in a child process: auto (when a CPU is free), on, off")
    ap.add_argument("--runs", type=int, default=1, help="repeat the measurement N times")
    args = ap.parse_args()
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="dunguard-bench-")
        work = Path(tmp.name)
    else:
        work = args.workdir
        work.mkdir(parents=True, exist_ok=True)
    sms, calls = work / "sms-bench.xml", work / "calls-bench.xml"
    if not (sms.exists() and calls.exists()):
        sys.path.insert(0, str(HERE))
        from gen_backup import generate

        generate(work, args.sms, args.calls)
    size_mb = (sms.stat().st_size + calls.stat().st_size) / 1e6
    ratios: list[tuple[float, float]] = []
    for run in range(1, args.runs + 1):
        if args.runs > 1:
            print(f"--- run {run} of {args.runs}")
        ratios.append(_measure(work, sms, calls, size_mb, args.parallel))
    if args.runs > 1:
        walls = sorted(r[0] for r in ratios)
        cpus = sorted(r[1] for r in ratios)
        print(f"ratio over {args.runs} runs: wall best {walls[0]:.2f}, range {walls[0]:.2f}-{walls[-1]:.2f}; "
              f"CPU best {cpus[0]:.2f}, range {cpus[0]:.2f}-{cpus[-1]:.2f}")
    if tmp is not None:
        tmp.cleanup()


def _measure(work: Path, sms: Path, calls: Path, size_mb: float, parallel: str) -> tuple[float, float]:
    """One measurement: bare pass, import, bare pass, re-import; prints them; (wall, CPU) ratios."""
    home = work / "home"
    if home.exists():
        import shutil

        shutil.rmtree(home)
    load = os.getloadavg()[0]
    bare = _run(_BARE, str(sms), str(calls))
    first = _run(_IMPORT, parallel, str(home), str(sms), str(calls))
    floor = _run(_FLOOR, str(home / "dunguard.db"), str(work / "floor.db"))
    bare_after = _run(_BARE, str(sms), str(calls))
    bare_wall = (float(bare["wall"]) + float(bare_after["wall"])) / 2  # type: ignore[arg-type]
    again = _run(_IMPORT, parallel, str(home), str(sms), str(calls))
    ratio = float(first["wall"]) / bare_wall  # type: ignore[arg-type]
    cpu_ratio = float(first["cpu"]) / float(bare["cpu"])  # type: ignore[arg-type]
    print(f"input: {sms.name} + {calls.name}, {size_mb:.0f} MB, {bare['records']:,} records; "
          f"{os.cpu_count()} CPUs, load average {load:.1f} at start")
    print(f"bare lxml iterparse pass : {bare['wall']:.2f} s before, {bare_after['wall']:.2f} s after the import"
          f"   CPU {bare['cpu']:.1f} s   peak RSS {bare['rss_mb']:.0f} MB")
    print(f"dunguard import          : {first['wall']:.2f} s   peak RSS {first['rss_mb']:.0f} MB"
          f" (parser process {first['worker_rss_mb']:.0f} MB)   CPU {first['cpu']:.1f} s"
          f" (parser process {first['cpu_parser']:.1f} s)"
          f"   inserted {first['inserted']:,}")
    phases = first["phases"]
    assert isinstance(phases, dict)
    print("importing process, CPU s : " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
          + ("  (rest: parsing and building rows)" if first["cpu_parser"] == 0 else "  (rest: receiving rows)"))
    print(f"ratio import / bare pass : {ratio:.2f} wall (target <= 2.0), {cpu_ratio:.2f} CPU")
    own = sum(float(phases[k]) for k in ("insert", "index rebuild", "commit"))
    print(f"database write alone     : this import's insert + index rebuild + commit {own:.1f} s CPU"
          f" = {own / bare_wall:.2f} x the bare pass, with no parsing")
    core = float(floor["insert"]) + float(floor["index"]) + float(floor["commit"])  # type: ignore[arg-type]
    print(f"SQLite core alone        : the same rows copied by SQLite itself (INSERT ... SELECT, no Python):"
          f" insert {floor['insert']:.1f}, indexes {floor['index']:.1f}, commit {floor['commit']:.1f}"
          f" = {core:.1f} s = {core / bare_wall:.2f} x the bare pass")
    print(f"re-import (idempotent)   : {again['wall']:.2f} s   peak RSS {again['rss_mb']:.0f} MB"
          f" (parser process {again['worker_rss_mb']:.0f} MB)"
          f"   inserted {again['inserted']:,}, duplicates {again['duplicates']:,}")
    if first["failed"] or again["failed"]:
        print("FAILED files:", first["failed"], again["failed"])
    return ratio, cpu_ratio


if __name__ == "__main__":
    main()
