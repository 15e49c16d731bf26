"""`dunguard import` and `dunguard events` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dunguard.home import Home
from dunguard.testing import make_case, run_cli

SBR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sms_backup_restore"


def real(name: str) -> Path:
    path = SBR / name
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


def test_import_then_events_json(home: Home) -> None:
    case = make_case(home, "催收案")
    res = run_cli(["import", case.id[:8], str(real("devadvance_sms_small.xml")), "--json"], home=home)
    assert res.code == 0, res.stderr
    report = res.json()
    assert report["inserted"] == 12 and report["failed"] == 0
    (f,) = report["files"]
    assert f["format"] == "sms_backup_restore" and f["parsed"] == {"sms": 12}
    assert f["time_range"] == ["2017-12-02T14:49:27.463000+00:00", "2017-12-02T18:10:45.524000+00:00"]

    ev = run_cli(["events", case.id, "--json", "--kind", "sms", "--number", "+15550000004", "--limit", "2"], home=home)
    assert ev.code == 0, ev.stderr
    data = ev.json()
    assert data["total"] == 7
    first = data["events"][0]
    assert first["time_utc"] == "2017-12-02T18:04:03.922000Z"
    assert first["time_local"] == "2017-12-03T02:04:03.922000+08:00"
    assert first["direction"] == "in" and first["text"] == "Body text 6"
    assert first["counterpart_name"] == "Contact C"
    assert first["locator"].startswith("sms[6]")


def test_import_truncated_file_fails_in_one_line_and_salvage_works(home: Home) -> None:
    case = make_case(home, "催收案")
    broken = str(real("devadvance_sms_and_mms.xml"))
    res = run_cli(["import", case.id, broken, "--quiet"], home=home)
    assert res.code == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert "第 136 行第 7 列" in res.stdout
    assert run_cli(["events", case.id, "--json"], home=home).json()["total"] == 0

    ok = run_cli(["import", case.id, broken, "--salvage"], home=home, lang="en")
    assert ok.code == 0, ok.stderr
    assert "the 49 complete records before the break were imported" in ok.stdout
    assert run_cli(["events", case.id, "--json"], home=home).json()["total"] == 49


def test_events_table_in_chinese_and_bad_arguments(home: Home) -> None:
    case = make_case(home, "催收案")
    run_cli(["import", case.id, str(real("devadvance_sample_small.xml")), "--quiet"], home=home)
    res = run_cli(["events", case.id], home=home)
    assert res.code == 0
    assert "短信" in res.stdout and "收到" in res.stdout
    bad = run_cli(["events", case.id, "--since", "昨天"], home=home)
    assert bad.code != 0 and "昨天" in bad.stderr and "Traceback" not in bad.stderr
    bad_kind = run_cli(["events", case.id, "--kind", "fax"], home=home)
    assert bad_kind.code != 0 and "fax" in bad_kind.stderr
    bad_tz = run_cli(["import", case.id, str(real("devadvance_sample_small.xml")), "--tz", "Mars/Base"], home=home)
    assert bad_tz.code != 0 and "Mars/Base" in bad_tz.stderr


def test_formats_lists_every_importer_with_its_declaration(home: Home) -> None:
    res = run_cli(["formats", "--json"], home=home)
    assert res.code == 0
    names = {f["name"]: f for f in res.json()}
    for name in ("sms_backup_restore", "android_mmssms", "android_calllog", "android_contacts",
                 "ios_sms", "ios_callhistory", "ios_addressbook"):
        assert names[name]["reads"] and names[name]["samples"] and names[name]["quirks"]
    table = run_cli(["formats"], home=home)
    assert table.code == 0 and "可导入的证据格式" in table.stdout


def test_forced_format(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "催收案")
    odd = tmp_path / "backup.dat"
    odd.write_bytes(real("devadvance_sms_small.xml").read_bytes())
    res = run_cli(["import", case.id, str(odd), "--format", "sms_backup_restore", "--json"], home=home)
    assert res.code == 0 and res.json()["inserted"] == 12
    bad = run_cli(["import", case.id, str(odd), "--format", "fax"], home=home)
    assert bad.code != 0 and "fax" in bad.stderr and "sms_backup_restore" in bad.stderr


def _backup(path: Path, messages: list[tuple[str, int, str]]) -> Path:
    """A small SMS Backup & Restore file: (number, epoch ms, body) received messages."""
    rows = "".join(
        f'<sms address="{n}" date="{ms}" type="1" body="{body}" contact_name="(Unknown)"/>' for n, ms, body in messages
    )
    path.write_text(f'<smses count="{len(messages)}">{rows}</smses>', encoding="utf-8")
    return path


COLLECTOR = "17012345678"
THREAT = "你儿子张三在我们平台借款逾期不还，再不还款就把他的欠款信息发给他通讯录所有人，让你们全家都知道。"


def test_backup_from_a_relatives_phone_is_third_party_evidence(home: Home, tmp_path: Path) -> None:
    """`--owner 妈妈 --owner-role family`: the collector's message to 妈妈 is a T7 finding citing it."""
    from sqlalchemy import select

    from dunguard.analyze.engine import analyze_case
    from dunguard.models import Event, Evidence, Finding, LedgerEntry

    case = make_case(home, "催收案")
    # the debtor's own phone got the same mass-sent message at the same moment
    own = _backup(tmp_path / "own.xml", [(COLLECTOR, 1714521600000, THREAT), (COLLECTOR, 1714521700000, "在吗")])
    mum = _backup(tmp_path / "mum.xml", [(COLLECTOR, 1714521600000, THREAT)])
    assert run_cli(["import", case.id, str(own), "--quiet"], home=home).code == 0
    res = run_cli(["import", case.id, str(mum), "--owner", "妈妈", "--owner-role", "family", "--json"], home=home)
    assert res.code == 0, res.stderr
    report = res.json()
    assert report["owner"] == {"owner_role": "family", "owner_name": "妈妈"}
    assert report["inserted"] == 1  # not merged with the debtor's copy of the message
    with home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.original_name == mum.name)).one()
        assert ev.extra["owner_role"] == "family" and ev.extra["owner_name"] == "妈妈"
        (mum_event,) = s.scalars(select(Event.id).where(Event.evidence_id == ev.id)).all()
        logged = [
            json.loads(d) for d in s.scalars(select(LedgerEntry.details).where(LedgerEntry.object_hash == ev.sha256))
        ]
        assert {e.get("method", "import") for e in logged} == {"import"}  # the vault "add" and the import
        assert len(logged) == 2 and all(e["owner_name"] == "妈妈" and e["owner_role"] == "family" for e in logged)

    analyze_case(home, case.id, actor="test")
    with home.store.session() as s:
        t7 = s.scalars(select(Finding).where(Finding.case_id == case.id, Finding.rule_id == "T7")).all()
    cited = {ref["event_id"] for f in t7 for ref in f.evidence_refs}
    assert mum_event in cited

    # the same file again, without --owner: still 妈妈's, nothing new
    again = run_cli(["import", case.id, str(mum), "--json"], home=home).json()
    assert again["inserted"] == 0 and again["owner"] is None
    with home.store.session() as s:
        assert s.scalars(select(Evidence.extra).where(Evidence.id == ev.id)).one()["owner_name"] == "妈妈"


def test_owner_role_needs_a_name(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "催收案")
    src = _backup(tmp_path / "x.xml", [(COLLECTOR, 1714521600000, "还钱")])
    res = run_cli(["import", case.id, str(src), "--owner-role", "friend"], home=home)
    assert res.code != 0 and "Traceback" not in res.stdout + res.stderr
    assert "--owner" in res.stdout + res.stderr
    bad = run_cli(["import", case.id, str(src), "--owner", "老李", "--owner-role", "boss"], home=home)
    assert bad.code != 0 and "boss" in bad.stdout + bad.stderr
