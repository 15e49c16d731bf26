"""``dunguard demo``: the whole pipeline on a synthetic case, clearly marked 【示例】.

It generates a small phone backup itself (SMS Backup & Restore XML for messages and calls,
plus a vCard address book), creates the demo case, imports, analyses and reports on it,
and exports the evidence package.  Every step that a later subsystem provides is used
when that subsystem is installed; nothing here is real data about a real person.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from dunguard.cases import create_case, delete_case, list_cases
from dunguard.home import Home

DEMO_TITLE = "【示例】某网贷平台暴力催收（合成数据）"
DEMO_DEBTOR = "王小明"
DEMO_PHONE = "13912345678"
TZ = ZoneInfo("Asia/Shanghai")

# (day offset, hh:mm, number, direction, text) — all synthetic.
_MESSAGES: list[tuple[int, str, str, int, str]] = [
    (0, "09:12", "10690000123", 1, "【马上还钱】尊敬的王先生，您的借款本期应还1280.00元已逾期3天，请及时还款，逾期记录将按规定报送征信。"),
    (1, "10:05", "10690000123", 1, "【马上还钱】温馨提示：您的账单已逾期4天，请登录APP还款。如有困难可申请协商。"),
    (2, "23:41", "17012345601", 1, "王小明你再不还钱，我们就把你欠钱的事发给你通讯录里所有人，让你全家都知道你是个老赖！"),
    (3, "07:15", "17012345602", 1, "给你最后通牒，今天不还明天就去你单位找你领导，再去你老家找你爸妈。"),
    (3, "12:30", "13800000001", 1, "儿子，刚才有个陌生人打电话给我，说你借网贷不还，让我转告你赶紧还钱，到底怎么回事？"),
    (4, "14:02", "17112345603", 1, "【XX市人民法院】王小明涉嫌恶意拖欠贷款，已立案，请于今日18点前联系处理，否则将强制执行并上征信黑名单。"),
    (5, "22:58", "17112345604", 1, "还不上就去别的平台借，下载速借宝APP马上到账，先把我们的还了。"),
    (6, "09:30", "16512345605", 1, "你的案件已移交外访组，需另付上门催收费500元，不交就天天上门。"),
    (6, "10:01", "13700000002", 1, "老王，有人打到公司前台说你欠钱不还，还发了你的照片，你注意点。"),
    (7, "08:20", "13912340000", 2, "我会还款，但请你们立即停止联系我的家人和同事，我要求书面协商还款方案。"),
    (8, "23:15", "17012345601", 1, "装死是吧？你这种人渣早晚出门被车撞，等着瞧。"),
    (8, "16:40", "17112345603", 1, "这个月不处理，你老家那边的人都会收到你的照片。"),  # veiled: a model suggestion
    (9, "11:11", "10086", 1, "【中国移动】您本月话费账单已出，请及时缴费。"),
    # no debt word: a threat because this number demanded repayment before (sender context)
    (9, "22:40", "17112345604", 1, "晚上走夜路小心点，别被车撞了。"),
    (10, "15:20", "13800000001", 2, "妈，别理他们，他们这样是违法的，我在处理。"),
]

_CONTACTS = [("妈妈", "13800000001"), ("同事老李", "13700000002"), ("张经理", "13600000003")]


def _ms(day0: dt.date, offset: int, hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    local = dt.datetime.combine(day0 + dt.timedelta(days=offset), dt.time(h, m), tzinfo=TZ)
    return int(local.timestamp() * 1000)


def write_demo_backup(folder: Path, start: dt.date = dt.date(2026, 10, 8), seed: int = 7) -> list[Path]:
    """Write the synthetic backup files into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    sms_lines = []
    for offset, hhmm, number, box, body in _MESSAGES:
        date = _ms(start, offset, hhmm)
        sms_lines.append(
            f'  <sms protocol="0" address={quoteattr(number)} date="{date}" type="{box}" subject="null" '
            f'body={quoteattr(body)} toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
            f'locked="0" date_sent="{date if box == 1 else 0}" sub_id="1" readable_date="" contact_name="(Unknown)" />'
        )
    sms = folder / "sms-20261020-示例.xml"
    sms.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f'<smses count="{len(sms_lines)}" backup_set="00000000-0000-4000-8000-000000000000" '
        f'backup_date="{_ms(start, 12, "20:00")}" type="full">\n' + "\n".join(sms_lines) + "\n</smses>\n",
        encoding="utf-8",
    )
    call_lines = []
    collectors = ["17012345601", "17012345602", "17112345603", "17112345604", "16512345605", "02112345678"]
    for offset in range(2, 11):
        # a burst of attempts each day, some at night, from rotating numbers
        for _ in range(rnd.randint(5, 11)):
            hour = rnd.choice([7, 8, 12, 13, 19, 21, 22, 23])
            when = f"{hour:02d}:{rnd.randint(0, 59):02d}"
            answered = rnd.random() < 0.35
            call_lines.append(
                f'  <call number="{rnd.choice(collectors)}" duration="{rnd.randint(20, 180) if answered else 0}" '
                f'date="{_ms(start, offset, when)}" type="{1 if answered else 3}" presentation="1" '
                f'subscription_id="1" readable_date="" contact_name="(Unknown)" />'
            )
    for minute in (0, 3, 7, 12, 16, 21, 25):  # day 5: seven unanswered calls in 25 minutes from one number
        call_lines.append(
            f'  <call number="17012345601" duration="0" date="{_ms(start, 5, f"13:{minute:02d}")}" type="3" '
            f'presentation="1" subscription_id="1" readable_date="" contact_name="(Unknown)" />'
        )
    call_lines.append(
        f'  <call number="13800000001" duration="300" date="{_ms(start, 3, "12:40")}" type="2" '
        f'presentation="1" readable_date="" contact_name="妈妈" />'
    )
    calls = folder / "calls-20261020-示例.xml"
    calls.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f'<calls count="{len(call_lines)}">\n' + "\n".join(call_lines) + "\n</calls>\n",
        encoding="utf-8",
    )
    vcf = folder / "contacts-示例.vcf"
    vcf.write_text(
        "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{n}\r\nTEL;TYPE=CELL:{p}\r\nEND:VCARD\r\n" for n, p in _CONTACTS),
        encoding="utf-8",
    )
    return [sms, calls, vcf]


def run_demo(home: Home, *, out_dir: Path | None = None, say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build the demo case from scratch and run every stage available; return a summary."""
    echo = say or (lambda _msg: None)
    result: dict[str, Any] = {}
    for old in list_cases(home):
        if old.is_demo:
            delete_case(home, old.id)
    out = (out_dir or home.root / "demo-output").expanduser()
    out.mkdir(parents=True, exist_ok=True)
    case = create_case(home, DEMO_TITLE, debtor_name=DEMO_DEBTOR, debtor_phone=DEMO_PHONE, is_demo=True,
                       actor="demo")
    result["case_id"] = case.id
    echo(f"① 已新建示例案件“{case.title}”，编号 {case.id[:8]}。")
    with tempfile.TemporaryDirectory(prefix="dunguard-demo-") as tmp:
        files = write_demo_backup(Path(tmp))
        echo(f"② 已生成合成的手机备份：{', '.join(f.name for f in files)}")
        result["import"] = _import(home, case.id, files, echo)
    result["loans"] = _loans(home, case.id, echo)
    result["analysis"] = _analyze(home, case.id, echo)

    from dunguard.export import export_case
    from dunguard.verify import verify_case

    verified = verify_case(home, case.id)
    result["verified"] = verified.ok
    echo(f"⑤ 完整性核验：{'通过' if verified.ok else '发现问题'}（{verified.files_checked} 个文件，"
         f"{verified.ledger_entries} 条保管日志）。")
    package = export_case(home, case.id, out / "示例证据包.zip")
    result["package"] = str(package.path)
    echo(f"⑥ 证据包已导出：{package.path}\n   任何人都可以用 python3 verify.py 示例证据包.zip 核验它。")
    result["report"] = _report(home, case.id, out, echo)  # last: it shows the final ledger head
    echo(f"\n下一步：dunguard plan {case.id[:8]}　·　dunguard draft --list　·　dunguard events {case.id[:8]}"
         f"　·　dunguard ledger {case.id[:8]}")
    return result


def _import(home: Home, case_id: str, files: list[Path], echo: Callable[[str], None]) -> dict[str, Any]:
    try:
        from dunguard.ingest.pipeline import import_paths
    except ImportError:  # pragma: no cover - ingest is part of the package
        from dunguard.evidence import add_files

        add_files(home, case_id, files, actor="demo")
        echo("③ 已把备份文件作为原件存入证据库（本版本没有导入解析功能）。")
        return {"stored": len(files)}
    report = import_paths(home, case_id, files, actor="demo")
    data = report.as_dict()
    echo(f"③ 已导入：{report.inserted} 条短信/通话/联系人记录，原件逐字节保存在证据库中。")
    return data


def _loans(home: Home, case_id: str, echo: Callable[[str], None]) -> int:
    from dunguard.finance.demo import add_demo_loans

    ids = add_demo_loans(home, case_id, today=dt.date(2026, 10, 20))
    echo(f"   已登记 {len(ids)} 笔示例借款（用于计算真实年化成本和还款计划）。")
    return len(ids)


def _analyze(home: Home, case_id: str, echo: Callable[[str], None]) -> dict[str, Any] | None:
    try:
        from dunguard.analyze.engine import analyze_case
    except ImportError:
        return None
    summary = analyze_case(home, case_id, actor="demo")
    as_dict: dict[str, Any] = summary.as_dict() if hasattr(summary, "as_dict") else dict(summary)
    echo(f"④ 分析完成：发现 {as_dict.get('findings', 0)} 项可能违法的催收行为。")
    return as_dict


def _report(home: Home, case_id: str, out: Path, echo: Callable[[str], None]) -> str | None:
    try:
        from dunguard.act.report import write_report
    except ImportError:
        return None
    path = out / "示例案件报告.html"
    write_report(home, case_id, path)
    echo(f"⑦ 案件报告（图表、发现的问题、法律条文、行动计划）：{path}")
    return str(path)
