"""The action plan fits the case: police only for threats/impersonation, channels by lender type."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from dunguard.act.facts import load_facts
from dunguard.act.interview import save_answers
from dunguard.act.plan import make_plan, plan_for_case
from dunguard.home import Home
from dunguard.testing import add_events, make_case, run_cli, utc

from .helpers import add_findings

START = dt.date(2026, 11, 1)


def _case_with(home: Home, title: str, text: str, finding: tuple[str, str, str, str, str]) -> str:
    case = make_case(home, title, debtor_name="王小明")
    add_events(home, case.id, [{"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 1, 4),
                                "counterpart_raw": "17000000001", "text": text}])
    add_findings(home, case.id, [finding])
    return case.id


def test_impersonation_brings_the_police_step_first(home: Home) -> None:
    cid = _case_with(home, "冒充", "【XX市人民法院】你已被立案，今天必须还款",
                     ("T9", "impersonation", "high", "人民法院", "【XX市人民法院】"))
    steps = plan_for_case(home, cid, start=START)
    ids = [s.id for s in steps]
    assert "police" in ids
    police = steps[ids.index("police")]
    assert police.date == START
    assert any("冒充" in line for line in police.findings)
    assert any("刑法》第二百七十九条" in c for c in police.citations)
    assert [s.date for s in steps] == sorted(s.date for s in steps)


def test_no_threats_means_no_police_step_even_if_wanted(home: Home) -> None:
    cid = _case_with(home, "夜间", "请尽快还款", ("T11", "induce_borrowing", "medium", "还款", "还款"))
    save_answers(home, cid, {"goals": ["police", "complain"]})
    ids = [s.id for s in plan_for_case(home, cid, start=START)]
    assert "police" not in ids
    assert "complain" in ids


def test_third_party_contact_brings_the_notice_and_the_warning(demo: tuple[Home, str]) -> None:
    home, case_id = demo
    steps = {s.id: s for s in plan_for_case(home, case_id, start=START)}
    notice = steps["notice_lender"]
    assert "stop_notice" in notice.documents
    assert any("个人信息保护法》第四十七条" in c for c in notice.citations)
    assert "contact_sms" in steps["warn_contacts"].documents
    assert any("录音" in w for w in steps["secure_evidence"].what)  # the demo has no recordings


def test_complaint_channels_follow_the_lender_type(home: Home) -> None:
    cid = _case_with(home, "渠道", "再不还钱就去你家", ("T13", "threat_visit", "high", "去你家", "去你家"))
    save_answers(home, cid, {"lenders": [{"name": "某消费金融", "type": "consumer_finance"}]})
    complain = next(s for s in plan_for_case(home, cid, start=START) if s.id == "complain")
    names = [c.id for c in complain.channels]
    assert "nfra_12378" in names and "local_regulator" not in names
    nfra = next(c for c in complain.channels if c.id == "nfra_12378")
    assert not nfra.verified and "未经核实" in nfra.contact  # law.md calls the details secondary
    save_answers(home, cid, {"lenders": [{"name": "某小贷", "type": "microloan"}]})
    names = [c.id for c in next(s for s in make_plan(load_facts(home, cid), start=START)
                                if s.id == "complain").channels]
    assert "local_regulator" in names and "nfra_12378" not in names


def test_the_seeds_risky_advice_is_not_repeated() -> None:
    folder = resources.files("dunguard.act")
    texts = [(folder / "data" / n).read_text(encoding="utf-8") for n in ("plan.yaml", "interview.yaml", "channels.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in (folder / "templates").iterdir() if p.name.endswith((".txt", ".html"))]
    for text in texts:
        for risky in ("假号码", "临时号码", "虚假号码", "小号借款", "以贷养贷吧", "不用还"):
            assert risky not in text


def test_plan_command_prints_dated_steps_and_json(demo: tuple[Home, str]) -> None:
    home, case_id = demo
    r = run_cli(["plan", case_id[:8], "--start", "2026-11-01"], home=home)
    assert r.code == 0, r.stderr
    assert "2026-11-01" in r.stdout and "向公安机关报案" in r.stdout
    j = run_cli(["plan", case_id[:8], "--start", "2026-11-01", "--json"], home=home).json()
    assert j[0]["date"] == "2026-11-01" and {"why", "bring", "where", "documents"} <= set(j[0])


def test_insults_add_12377_and_every_complaint_mentions_12300(home: Home) -> None:
    cid = _case_with(home, "侮辱", "你这种人渣", ("T6", "insult", "high", "人渣", "人渣"))
    complain = next(s for s in plan_for_case(home, cid, start=START) if s.id == "complain")
    ids = [c.id for c in complain.channels]
    assert "cac_12377" in ids and "miit_12300" in ids and "miit_12321" in ids


def test_plan_speaks_english_when_asked(demo: tuple[Home, str]) -> None:
    home, case_id = demo
    r = run_cli(["plan", case_id[:8], "--json"], home=home, lang="en")
    assert r.code == 0
    titles = [s["title"] for s in r.json()]
    assert "Report to the police" in titles and "Secure the evidence" in titles
