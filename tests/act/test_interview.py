"""The interview asks only what is missing, keeps answers per case, and refuses bad answers
with a message naming the file and the place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dunguard.act.facts import load_facts
from dunguard.act.interview import (
    coerce,
    defaults,
    definition,
    load_answers,
    load_answers_file,
    pending,
    save_answers,
    targets_for,
)
from dunguard.act.models import Answer
from dunguard.cases import delete_case
from dunguard.errors import FormatError, InputError
from dunguard.home import Home
from dunguard.models import LedgerEntry
from dunguard.testing import add_events, make_case, run_cli, utc
from dunguard.verify import verify_case


def _ids(home: Home, case_id: str) -> list[str]:
    return [q.id for q in pending(load_facts(home, case_id))]


def test_only_missing_facts_are_asked_and_case_facts_are_not(home: Home) -> None:
    case = make_case(home, "问卷", debtor_name="王小明", debtor_phone="13912345678")
    first = _ids(home, case.id)
    assert first[0] == "goals"
    assert "user.name" not in first and "user.phone" not in first  # the case already holds them
    save_answers(home, case.id, {"goals": ["negotiate"]})
    asked = _ids(home, case.id)
    assert "negotiate.budget" in asked and "user.id_number" in asked
    assert "police.station" not in asked and "sue.court" not in asked  # not needed for this goal
    save_answers(home, case.id, {"negotiate.budget": "800", "user.id_number": "110101199001011234"})
    assert not {"negotiate.budget", "user.id_number", "goals"} & set(_ids(home, case.id))


def test_skipped_questions_are_not_asked_again_but_stay_blank(home: Home) -> None:
    case = make_case(home, "跳过")
    save_answers(home, case.id, {"goals": ["complain"]}, skipped=["user.id_number"])
    assert "user.id_number" not in _ids(home, case.id)
    assert load_facts(home, case.id).fact("user.id_number") is None


def test_answers_are_saved_resumable_and_logged_in_the_ledger(home: Home) -> None:
    case = make_case(home, "续答")
    save_answers(home, case.id, {"user.name": "张三"})
    save_answers(home, case.id, {"user.name": "张三丰", "negotiate.budget": "1,200元"})
    assert load_answers(home, case.id) == {"user.name": "张三丰", "negotiate.budget": "1200.00"}
    with home.store.session() as s:
        actions = list(s.scalars(select(LedgerEntry.action).where(LedgerEntry.case_id == case.id)))
    assert actions.count("act.answers") == 2
    assert verify_case(home, case.id).ok


def test_deleting_a_case_deletes_its_answers(home: Home) -> None:
    case = make_case(home, "删除")
    save_answers(home, case.id, {"user.name": "张三"})
    delete_case(home, case.id)
    with home.store.session() as s:
        assert s.scalar(select(Answer).where(Answer.case_id == case.id)) is None


def test_defaults_come_from_the_demo_case(demo: tuple[Home, str]) -> None:
    home, case_id = demo
    facts = load_facts(home, case_id)
    proposed = defaults(home, facts)
    assert proposed["user.name"] == "王小明"
    assert "police" in proposed["goals"] and "stop_third_party" in proposed["goals"]
    recorded = [lf.name for lf in facts.finance_lenders]
    assert [lf["name"] for lf in proposed["lenders"]] == recorded  # the loans the demo recorded


def test_sms_signatures_and_days_overdue_are_only_proposed(home: Home) -> None:
    case = make_case(home, "签名", debtor_name="王小明")
    add_events(home, case.id, [
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 1, 2), "counterpart_raw": "10690000123",
         "text": "【马上还钱】您的借款已逾期3天，请及时还款。"},
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 2, 2), "counterpart_raw": "17100000000",
         "text": "【XX市人民法院】您已被立案，逾期9天，请立即还款。"},
        {"kind": "sms", "direction": "in", "time_utc": utc(2026, 3, 3, 2), "counterpart_raw": "10086",
         "text": "【中国移动】话费账单已出。"},
    ])
    facts = load_facts(home, case.id)
    proposed = defaults(home, facts)
    assert proposed["lenders"] == [{"name": "马上还钱", "overdue_days": "9"}]
    assert facts.fact("lender.name") is None  # not a fact until the borrower confirms it


def test_answers_file_errors_name_the_file_and_the_place(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "a.yaml"
    bad_yaml.write_text("user.name: 张三\nlenders: [\n", encoding="utf-8")
    with pytest.raises(FormatError) as e1:
        load_answers_file(bad_yaml)
    assert "a.yaml" in e1.value.message() and "line" in e1.value.message()
    unknown = tmp_path / "b.yaml"
    unknown.write_text("user.nmae: 张三\n", encoding="utf-8")
    with pytest.raises(FormatError) as e2:
        load_answers_file(unknown)
    assert "user.nmae" in e2.value.message()
    bad_date = tmp_path / "c.yaml"
    bad_date.write_text("lenders:\n  - name: 某平台\n    loan_date: 2026-13-45\n", encoding="utf-8")
    with pytest.raises(InputError) as e3:
        load_answers_file(bad_date)
    assert "c.yaml" in e3.value.message() and "lenders[1].loan_date" in e3.value.message()


def test_cli_answers_file_then_interactive_resume(home: Home, tmp_path: Path) -> None:
    case = make_case(home, "命令行", debtor_name="王小明", debtor_phone="13912345678")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "goals: [negotiate]\nuser.id_number: '110101199001011234'\n"
        "lenders:\n  - {name: 某消费金融, type: consumer_finance, amount: 5000, loan_date: 2026-05-01,"
        " overdue_days: 10}\nnegotiate.budget: 800\n", encoding="utf-8")
    r = run_cli(["interview", case.id[:8], "--answers", str(answers), "--json"], home=home)
    assert r.code == 0, r.stderr
    assert r.json()["missing"] == ["negotiate.hardship"]
    r2 = run_cli(["interview", case.id[:8]], home=home, input="失业\n")
    assert r2.code == 0, r2.stderr
    assert "失业" in r2.stdout  # the review screen shows it
    assert load_answers(home, case.id)["negotiate.hardship"] == "失业"
    assert run_cli(["interview", case.id[:8], "--json"], home=home).json() == {"missing": []}


def test_every_needed_fact_has_a_question_and_every_goal_has_documents() -> None:
    d = definition()
    for goal in d.goals:
        assert targets_for([goal])
    for target, keys in d.needs.items():
        for key in keys:
            assert d.question(key) is not None, (target, key)


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_money_answers_round_trip(amount: Decimal) -> None:
    q = definition().question("negotiate.budget")
    assert q is not None
    assert Decimal(coerce(q, str(amount))) == amount


@given(st.text(max_size=40))
def test_any_typed_text_is_accepted_or_refused_cleanly(raw: str) -> None:
    for key in ("negotiate.budget", "lender.loan_date", "lender.overdue_days", "lender.type", "goals"):
        q = definition().question(key)
        assert q is not None
        try:
            coerce(q, raw)
        except InputError as exc:
            assert q.name("zh") in exc.message()


def test_answers_and_documents_on_sqlite_and_postgresql(any_home: Home) -> None:
    from dunguard.act.documents import compose

    case = make_case(any_home, "两种数据库", debtor_name="王小明")
    save_answers(any_home, case.id, {"lenders": [{"name": "某消费金融", "type": "consumer_finance"}],
                                     "user.id_number": "110101199001011234"})
    text = compose(load_facts(any_home, case.id), "complaint_nfra").render("txt")
    assert "某消费金融" in text and "110101199001011234" in text
    delete_case(any_home, case.id)
    assert load_answers(any_home, case.id) == {}
