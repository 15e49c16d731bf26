"""Model suggestions in a case: stored for the user, never findings until confirmed."""

from __future__ import annotations

import pytest
from engine_helpers import COLLECTOR, MUM, THREAT, add_contact, sms
from model_helpers import NEUTRAL, tiny_model
from sqlalchemy import select

from dunguard.analyze.engine import analyze_case
from dunguard.analyze.findings import list_findings, set_status
from dunguard.analyze.suggestions import EventLabel, list_suggestions, set_suggestion
from dunguard.errors import NotFoundError, UsageError
from dunguard.home import Home
from dunguard.models import LedgerEntry
from dunguard.testing import add_events, make_case, utc


def _case(home: Home, *texts: str) -> str:
    case = make_case(home)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2 + i), COLLECTOR, t) for i, t in enumerate(texts)])
    return case.id


def test_a_suggestion_is_never_a_finding_until_confirmed(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    summary = analyze_case(home, case_id, model=tiny_model())
    assert summary.suggested == 1 and summary.as_dict()["suggested"] == 1
    assert summary.findings == 0 and summary.by_label == {} and list_findings(home, case_id) == []
    (s,) = list_suggestions(home, case_id)
    assert s.label == "insult" and s.label_name == "侮辱谩骂" and s.status == "suggested"
    assert s.likelihood in ("较可能", "可能")
    (hl,) = s.highlights
    assert s.excerpt[hl[0]:hl[1]] == "天气"


def test_confirm_turns_the_suggestion_into_a_finding_with_span_and_basis(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    (s,) = list_suggestions(home, case_id)
    done = set_suggestion(home, case_id, s.id, "confirm", note="确实在骂我", actor="test")
    assert done["status"] == "confirmed" and done["previous"] == "suggested"
    summary = analyze_case(home, case_id, model=tiny_model())
    assert summary.suggested == 0 and summary.by_label == {"insult": 1}
    (f,) = list_findings(home, case_id)
    assert f.label == "insult" and f.rule_id == "T6" and f.status == "new" and f.confidence == 1.0
    assert f.basis and all(b["text"] for b in f.basis)
    (ev,) = f.evidence
    assert ev["span"] == s.cues[0] and "【天气】" in ev["marked"]
    assert "用户确认" in f.summary and "可能违反" in f.summary
    english = list_findings(home, case_id, lang="en")[0].summary
    assert "confirmed a program suggestion" in english
    with home.store.session() as sess:
        actions = [e.action for e in sess.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case_id))]
    assert "suggestion_status" in actions
    assert [v.status for v in list_suggestions(home, case_id, "all")] == ["confirmed"]


def test_the_confirmed_finding_keeps_its_status_across_reanalysis(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    (s,) = list_suggestions(home, case_id)
    set_suggestion(home, case_id, s.id, "confirmed")
    analyze_case(home, case_id, model=tiny_model())
    (f,) = list_findings(home, case_id)
    set_status(home, case_id, f.id, "confirm", note="已截图")
    analyze_case(home, case_id, model=tiny_model())
    analyze_case(home, case_id)  # the shipped model: the user's decision does not depend on the model
    (again,) = list_findings(home, case_id)
    assert (again.id, again.status, again.note) == (f.id, "confirmed", "已截图")
    assert [(v.id, v.status) for v in list_suggestions(home, case_id, "all")] == [(s.id, "confirmed")]


def test_dismissed_is_gone_for_good_across_reruns(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    (s,) = list_suggestions(home, case_id)
    set_suggestion(home, case_id, s.id, "dismiss")
    for _ in range(2):
        summary = analyze_case(home, case_id, model=tiny_model())
        assert summary.suggested == 0 and summary.findings == 0
    assert list_suggestions(home, case_id) == []
    assert [(v.id, v.status) for v in list_suggestions(home, case_id, "dismissed")] == [(s.id, "dismissed")]


def test_open_suggestions_keep_their_id_and_go_when_no_longer_proposed(home: Home) -> None:
    case_id = _case(home, NEUTRAL, "今天天气不好，朋友们不要出门")
    analyze_case(home, case_id, model=tiny_model())
    first = {v.event_id: v.id for v in list_suggestions(home, case_id)}
    assert len(first) == 2
    (keep_id, decide_id) = sorted(first.values())
    set_suggestion(home, case_id, decide_id, "confirm")
    analyze_case(home, case_id, model=tiny_model())
    assert [v.id for v in list_suggestions(home, case_id)] == [keep_id]
    analyze_case(home, case_id, model=tiny_model({"insult": {"完全不同": 40.0}}))
    assert list_suggestions(home, case_id) == []  # no longer proposed: dropped
    assert [v.id for v in list_suggestions(home, case_id, "confirmed")] == [decide_id]  # decisions stay


def test_rules_labels_are_not_suggested_again(home: Home) -> None:
    case_id = _case(home, THREAT)
    model = tiny_model({"threat_violence": {"不还": 40.0}, "insult": {"不还": 40.0}})
    summary = analyze_case(home, case_id, model=model)
    assert summary.by_label.get("threat_violence") == 1
    assert [v.label for v in list_suggestions(home, case_id)] == ["insult"]


def test_contacts_own_words_and_outgoing_messages_get_no_suggestion(home: Home) -> None:
    case = make_case(home)
    add_contact(home, case.id, "妈妈", MUM)
    add_events(home, case.id, [sms(utc(2026, 3, 2, 2), MUM, NEUTRAL),
                               sms(utc(2026, 3, 2, 3), COLLECTOR, NEUTRAL, direction="out")])
    assert analyze_case(home, case.id, model=tiny_model()).suggested == 0


def test_without_a_model_nothing_is_suggested_but_confirmed_rows_still_count(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    (s,) = list_suggestions(home, case_id)
    set_suggestion(home, case_id, s.id, "confirm")
    summary = analyze_case(home, case_id, model=False)
    assert summary.suggested == 0 and summary.by_label == {"insult": 1}


def test_bad_answers_are_clear_errors(home: Home) -> None:
    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    (s,) = list_suggestions(home, case_id)
    with pytest.raises(UsageError):
        set_suggestion(home, case_id, s.id, "maybe")
    with pytest.raises(NotFoundError):
        set_suggestion(home, case_id, s.id + 100, "confirm")
    with pytest.raises(UsageError):
        list_suggestions(home, case_id, "whatever")


def test_same_flow_on_postgresql(any_home: Home) -> None:
    case_id = _case(any_home, NEUTRAL, "今天天气不好")
    analyze_case(any_home, case_id, model=tiny_model())
    a, b = sorted(list_suggestions(any_home, case_id), key=lambda v: v.id)
    set_suggestion(any_home, case_id, a.id, "confirm")
    set_suggestion(any_home, case_id, b.id, "dismiss")
    summary = analyze_case(any_home, case_id, model=tiny_model())
    assert summary.suggested == 0 and summary.by_label == {"insult": 1}
    with any_home.store.session() as s:
        rows = sorted((r.id, r.status) for r in s.scalars(select(EventLabel).where(EventLabel.case_id == case_id)))
    assert rows == [(a.id, "confirmed"), (b.id, "dismissed")]


def test_deleting_the_case_deletes_its_suggestions(home: Home) -> None:
    from dunguard.cases import delete_case

    case_id = _case(home, NEUTRAL)
    analyze_case(home, case_id, model=tiny_model())
    delete_case(home, case_id)
    with home.store.session() as s:
        assert list(s.scalars(select(EventLabel))) == []
