"""Benchmark of the part-B importers: streaming and flat memory on large exports.

    python benchmarks/bench_ingest_b.py [--chat 1000000] [--cards 200000] [--ocr 3] [--workdir DIR]

Generates (in a temporary folder unless --workdir is given):

* a PyWxDump WeChat CSV with ``--chat`` rows (multi-line quoted messages every 10th row),
* a vCard 2.1 file with ``--cards`` Chinese QUOTED-PRINTABLE cards (2 numbers each),
* ``--ocr`` rendered chat screenshots (needs the OCR extra and a CJK font),

then, each in a fresh subprocess so peak RSS is clean (``resource.getrusage``):

1. a bare ``csv.reader`` pass over the chat CSV (the floor any CSV importer pays),
2. the WeChat importer's ``parse`` over it (records produced, nothing stored),
3. ``import_paths`` of the chat CSV into a new case (SQLite), and of the vCard file,
4. OCR of the screenshots (seconds per image).

Prints wall times, rows per second, the ratio parse / bare pass and peak RSS.
"""

from __future__ import annotations

import argparse
import binascii
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_BARE = r"""
import csv, json, resource, sys, time
t = time.perf_counter(); n = 0
with open(sys.argv[1], encoding="utf-8", newline="") as fh:
    for _row in csv.reader(fh):
        n += 1
print(json.dumps({"rows": n, "seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_PARSE = r"""
import json, resource, sys, time
from pathlib import Path
from dunguard.ingest.base import ParseContext
from dunguard.ingest.wechat_pywxdump import IMPORTER
t = time.perf_counter(); n = 0
for _rec in IMPORTER.parse(Path(sys.argv[1]), ParseContext(display_name="chat.csv")):
    n += 1
print(json.dumps({"records": n, "seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_IMPORT = r"""
import json, resource, sys, time
from pathlib import Path
from dunguard.home import Home
from dunguard.cases import create_case
from dunguard.ingest.pipeline import import_paths
home = Home.open(Path(sys.argv[1]))
case = create_case(home, "bench")
t = time.perf_counter()
report = import_paths(home, case.id, [Path(sys.argv[2])])
f = report.files[0]
print(json.dumps({"format": f.format, "status": f.status, "inserted": f.inserted, "duplicates": f.duplicates,
                  "contacts_new": f.contacts_new, "seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
home.close()
"""

_OCR = r"""
import json, resource, sys, time
from pathlib import Path
from dunguard.ingest.base import ParseContext
from dunguard.ingest.screenshot import IMPORTER
times = []
for p in sys.argv[1:]:
    t = time.perf_counter()
    recs = list(IMPORTER.parse(Path(p), ParseContext(display_name=Path(p).name)))
    times.append(time.perf_counter() - t)
print(json.dumps({"images": len(times), "first_s": times[0], "rest_mean_s": sum(times[1:]) / max(len(times) - 1, 1),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def gen_chat(path: Path, rows: int) -> None:
    texts = [
        "今天不还钱就去你单位",
        "我会还的",
        "[旺柴]",
        "逾期三天了，再不处理就联系你的家人\n和通讯录里所有人",
        "图片",
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n")
        for i in range(rows):
            text = texts[i % len(texts)]
            minute = i // 7
            day, rest = divmod(minute, 24 * 60)
            stamp = f"2024/{1 + (day // 28) % 12}/{1 + day % 28} {rest // 60}:{rest % 60:02d}"
            quoted = '"' + text.replace('"', '""') + '"'
            fh.write(f"{i},{10**17 + i},文本,{i % 2},wxid_c,wxid_c,{quoted},,{stamp}\n")


def gen_vcards(path: Path, cards: int) -> None:
    with path.open("wb") as fh:
        for i in range(cards):
            name = f"联系人{i}".encode()
            qp = binascii.b2a_qp(name).replace(b"=\n", b"")
            fh.write(
                b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                + qp
                + b";;;;\r\n"
                + f"TEL;CELL:138{i:08d}\r\nTEL;HOME:010-{i % 10**8:08d}\r\nEND:VCARD\r\n".encode()
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chat", type=int, default=1_000_000)
    ap.add_argument("--cards", type=int, default=200_000)
    ap.add_argument("--ocr", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dunguard-bench-b-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        chat, vcf = work / "chat.csv", work / "contacts.vcf"
        gen_chat(chat, args.chat)
        gen_vcards(vcf, args.cards)
        print(
            f"chat CSV: {args.chat:,} rows, {chat.stat().st_size / 1e6:.1f} MB; "
            f"vCard: {args.cards:,} cards, {vcf.stat().st_size / 1e6:.1f} MB"
        )
        if args.chat:  # --chat 0 measures the contacts alone
            bare = _run(_BARE, str(chat))
            parse = _run(_PARSE, str(chat))
            print(f"bare csv.reader pass : {bare['seconds']:.1f} s, peak RSS {bare['peak_rss_mb']:.0f} MB")
            print(
                f"WeChat parse         : {parse['seconds']:.1f} s ({int(parse['records']) / float(parse['seconds']):,.0f} rows/s), "  # type: ignore[arg-type]
                f"ratio {float(parse['seconds']) / float(bare['seconds']):.1f}, peak RSS {parse['peak_rss_mb']:.0f} MB"
            )  # type: ignore[arg-type]
            imp = _run(_IMPORT, str(work / "home-chat"), str(chat))
            print(
                f"WeChat import        : {imp['seconds']:.1f} s, inserted {imp['inserted']:,} "
                f"(duplicates {imp['duplicates']:,}), peak RSS {imp['peak_rss_mb']:.0f} MB"
            )
        if args.cards:
            vc = _run(_IMPORT, str(work / "home-vcf"), str(vcf))
            print(
                f"vCard import         : {vc['seconds']:.1f} s, contacts {vc['contacts_new']:,}, "
                f"peak RSS {vc['peak_rss_mb']:.0f} MB"
            )
        if args.ocr:
            try:
                sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ingest"))
                from test_ocr import CHAT, render_chat  # type: ignore[import-not-found]

                shots = [
                    str(render_chat(CHAT, work / f"Screenshot_2024100{i % 9 + 1}-090000.png"))
                    for i in range(args.ocr)
                ]
                ocr = _run(_OCR, *shots)
                print(
                    f"OCR (720x1440 chat)  : first image {ocr['first_s']:.1f} s (model load), "
                    f"then {ocr['rest_mean_s']:.1f} s per image, peak RSS {ocr['peak_rss_mb']:.0f} MB"
                )
            except Exception as exc:  # OCR extra or font missing: say so, the rest stands
                print(f"OCR skipped: {exc}")


if __name__ == "__main__":
    main()
