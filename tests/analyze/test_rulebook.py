"""The rulebook: statute texts exact (vs law.md), rules documented, articles chosen by date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dunguard.analyze import LABELS
from dunguard.analyze.rulebook import STRENGTHS, load
from dunguard.errors import NotFoundError

REPO = Path(__file__).resolve().parents[2]
LAW_MD = REPO.parent / "shared" / "law" / "law.md"
DOC = REPO / "docs" / "rulebook.md"


def _law_text() -> str:
    if not LAW_MD.is_file():
        pytest.skip(f"law.md not available: {LAW_MD} (CI always has ../shared/law)")
    return LAW_MD.read_text(encoding="utf-8")


def _dequoted(law: str) -> str:
    """law.md with quote markers removed and each quote block's paragraphs joined by newlines."""
    out: list[str] = []
    for line in law.split("\n"):
        if line.startswith(">"):
            body = line[1:].strip()
            if body:
                out.append(body)
        else:
            out.append(line)
    return "\n".join(out)


def test_every_statute_text_is_copied_exactly_from_law_md() -> None:
    law = _law_text()
    flat = _dequoted(law)
    book = load()
    for statute in book.statutes.values():
        if statute.article and statute.strength != "S":
            assert f"{statute.article} {statute.text}" in flat, f"{statute.id}: text differs from law.md"
        else:
            assert statute.text in law, f"{statute.id}: text not found in law.md"


def test_nothing_marked_unverified_is_quoted() -> None:
    """law.md puts UNVERIFIED right next to what it qualifies; no quote of ours sits there."""
    law = _law_text()
    for statute in load().statutes.values():
        for paragraph in statute.text.split("\n"):
            at = law.find(paragraph)
            while at != -1:
                end = at + len(paragraph)
                after = law[end:law.find("\n", end) if "\n" in law[end:] else len(law)]
                after = re.split(r' "|“|\[P:|\(P:', after[1:], maxsplit=1)[0]  # up to the next claim
                near = law[max(0, at - 20):at] + after
                assert "UNVERIFIED" not in near, f"{statute.id} quotes text marked UNVERIFIED"
                at = law.find(paragraph, at + 1)


def test_rulebook_is_consistent() -> None:
    book = load()
    # law.md's T1–T20, plus ``burst`` (a tool rule citing 民法典 1033(一); see rules.yaml)
    assert set(book.rules) == {f"T{i}" for i in range(1, 21)} | {"burst"}
    assert tuple(book.labels) == LABELS
    for statute in book.statutes.values():
        assert statute.strength in STRENGTHS
    for rule in book.rules.values():
        assert rule.basis, rule.id
        assert rule.explain["zh"] and rule.explain["en"]
        for label_id in rule.labels:
            assert label_id in book.labels
    for label in book.labels.values():
        assert label.id in book.rule(label.rule).labels


def test_industry_numbers_are_never_cited_as_law() -> None:
    book = load()
    for rule_id in ("T1", "T2", "T3"):
        strengths = {book.statute(s).strength for s in book.rule(rule_id).basis}
        numeric = [s for s in book.rule(rule_id).basis if re.search(r"22:00|3 ?次|6次", book.statute(s).text)]
        assert numeric, rule_id
        assert all(book.statute(s).strength == "S" for s in numeric), rule_id
        assert "S" in strengths


@pytest.mark.parametrize(("rule", "day", "present", "absent"), [
    ("T4", dt.date(2025, 12, 31), "psl2012_42", "psl2025_50"),
    ("T4", dt.date(2026, 1, 1), "psl2025_50", "psl2012_42"),
    ("T7", dt.date(2025, 12, 31), "csl2016_44", "csl2025_46"),
    ("T7", dt.date(2026, 1, 1), "csl2025_46", "csl2016_44"),
    ("T7", dt.date(2025, 12, 31), "psl2012_42", "psl2025_56"),
    ("T9", dt.date(2024, 5, 1), "psl2012_51", "psl2025_62"),
    ("T9", dt.date(2026, 3, 1), "psl2025_62", "psl2012_51"),
    ("T19", dt.date(2021, 3, 1), "crim_293_1", "-"),
])
def test_article_chosen_by_event_date(rule: str, day: dt.date, present: str, absent: str) -> None:
    ids = load().basis_ids(rule, day)
    assert present in ids
    assert absent not in ids


def test_rule_293_1_not_cited_before_it_existed() -> None:
    assert "crim_293_1" not in load().basis_ids("T19", dt.date(2021, 2, 28))


def test_standard_not_cited_before_publication() -> None:
    assert "cba2026_hours" not in load().basis_ids("T1", dt.date(2025, 6, 1))
    assert "cba2026_hours" in load().basis_ids("T1", dt.date(2026, 2, 1))


def test_datetime_and_current_versions() -> None:
    book = load()
    when = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert "psl2025_50" in book.basis_ids("T4", when)
    assert "psl2025_50" in book.basis_ids("T4")
    assert book.statute("psl2025_50").citation == "《中华人民共和国治安管理处罚法》第五十条"


def test_unknown_ids_raise_a_user_error() -> None:
    with pytest.raises(NotFoundError):
        load().statute("nope")
    with pytest.raises(NotFoundError):
        load().rule("T99")


def test_every_rule_is_documented_with_its_citation() -> None:
    doc = DOC.read_text(encoding="utf-8")
    book = load()
    sections = re.split(r"^### ", doc, flags=re.M)
    by_id = {s.split(" ", 1)[0]: s for s in sections[1:]}
    for rule in book.rules.values():
        assert rule.id in by_id, f"{rule.id} missing from docs/rulebook.md"
        for sid in rule.basis:
            assert f"`{sid}`" in by_id[rule.id], f"{rule.id}: {sid} not documented"
            assert book.statute(sid).citation in by_id[rule.id], f"{rule.id}: citation of {sid} not documented"


def test_rulebook_authoring_mistakes_are_errors_not_silent_no_ops() -> None:
    """A macro name with digits expands (it used to stay literal and match nothing), an unknown
    one is an error, and a key that normalisation deletes (an emoji) is refused by name."""
    from dunguard.analyze.text.lexicon import _expand, normalized_key
    from dunguard.analyze.text.normalize import load_normalizer
    from dunguard.errors import FormatError

    assert _expand("{tframe3}{sep}{0,4}", {"tframe3": "(?:要是)", "sep": "[，]"}, "x") == "(?:要是)[，]{0,4}"
    with pytest.raises(FormatError, match="tframe9"):
        _expand("(?:{tframe9}){0,2}", {"tframe3": "x"}, "cues.yaml:demo")  # a quantifier hid it before
    norm = load_normalizer()
    assert normalized_key(norm, "通訊錄", "x") == "通讯录"
    with pytest.raises(FormatError, match="can never match"):
        normalized_key(norm, "😂", "cn/lexicon:cue.complaint")
