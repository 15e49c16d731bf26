"""Generate a large synthetic "SMS Backup & Restore" backup for the import benchmark.

    python benchmarks/gen_backup.py OUTDIR [--sms 1000000] [--calls 200000] [--seed 7]

Writes OUTDIR/sms-bench.xml and OUTDIR/calls-bench.xml in the app's real attribute layout
(see ../shared/data/sms_backup_restore), streaming, so generating needs little memory.
Bodies are Chinese collection-style texts; ~5,000 distinct numbers (mobile, virtual
170/171, 106 gateways, 95 lines); a few bodies carry '&#10;' newlines and "store emojis"
surrogate-pair references.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from xml.sax.saxutils import quoteattr

BODIES = (
    "【某某金融】您的借款已逾期{n}天，请于今日18:00前还款，否则将联系您的紧急联系人。",
    "你好，我是某某平台法务部，你的欠款{n}元已移交处理，今天不还明天就上门。",
    "老婆，今晚回家吃饭吗？",
    "验证码{n}，5分钟内有效，请勿泄露。",
    "再不还钱就把你的事发到你通讯录里每一个人。&#10;看你以后怎么做人。",
    "妈，我周末回来。&#55357;&#56832;",
    "【银行】您尾号{n}的信用卡本期账单已出，最低还款额请及时还款。",
    "收到，谢谢",
)


def _numbers(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    for i in range(count):
        r = i % 10
        if r < 6:
            out.append("1" + rng.choice("3578") + "".join(rng.choices("0123456789", k=9)))
        elif r < 8:
            out.append(rng.choice(("170", "171", "165", "167", "162")) + "".join(rng.choices("0123456789", k=8)))
        elif r == 8:
            out.append("+86 1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9)))
        else:
            out.append(rng.choice(("1069", "95", "1065")) + "".join(rng.choices("0123456789", k=rng.choice((3, 8)))))
    return out


def generate(outdir: Path, n_sms: int, n_calls: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    numbers = _numbers(rng, 5000)
    outdir.mkdir(parents=True, exist_ok=True)
    sms_path = outdir / "sms-bench.xml"
    calls_path = outdir / "calls-bench.xml"
    t0 = 1_700_000_000_000
    with sms_path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        fh.write('<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n')
        fh.write(f'<smses count="{n_sms}" backup_set="00000000-0000-0000-0000-000000000000" '
                 f'backup_date="{t0}" type="full">\n')
        date = t0 - n_sms * 20_000
        for _ in range(n_sms):
            date += rng.randint(1, 40_000)
            number = rng.choice(numbers)
            typ = 1 if rng.random() < 0.8 else 2
            body = rng.choice(BODIES).format(n=rng.randint(1, 99999))
            sent = date - rng.randint(0, 5000) if typ == 1 else 0
            fh.write(
                f'  <sms protocol="0" address={quoteattr(number)} date="{date}" type="{typ}" subject="null" '
                f'body="{body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                f'locked="0" date_sent="{sent}" sub_id="-1" readable_date="Nov 14, 2023 06:13:20" '
                f'contact_name="(Unknown)" />\n'
            )
        fh.write("</smses>\n")
    with calls_path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        fh.write(f'<calls count="{n_calls}" backup_set="00000000-0000-0000-0000-000000000001" '
                 f'backup_date="{t0}" type="full">\n')
        date = t0 - n_calls * 60_000
        for _ in range(n_calls):
            date += rng.randint(1, 120_000)
            number = rng.choice(numbers)
            typ = rng.choice((1, 1, 2, 3, 3, 3, 5))
            duration = 0 if typ in (3, 5) else rng.randint(1, 600)
            fh.write(
                f'  <call number={quoteattr(number)} duration="{duration}" date="{date}" type="{typ}" '
                f'presentation="1" subscription_id="1" post_dial_digits="" '
                f'subscription_component_name="com.android.phone/com.android.services.telephony.TelephonyConnectionService" '
                f'readable_date="Nov 14, 2023 06:13:20" contact_name="(Unknown)" />\n'
            )
        fh.write("</calls>\n")
    return sms_path, calls_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--sms", type=int, default=1_000_000)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sms, calls = generate(args.outdir, args.sms, args.calls, args.seed)
    for p in (sms, calls):
        print(f"{p}  {p.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
