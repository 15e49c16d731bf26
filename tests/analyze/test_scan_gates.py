"""Scan gates never hide a match.

Before running an entry's regexes the scanner tries cheap *gates* (literal alternations
derived from each regex, ``lexicon.gates``): a gate that finds nothing proves the regex
cannot match, so a wrong gate would silently drop findings.  These tests check the
derivation on small regexes and, for every entry of the current rules, that wherever a
regex matches, its gates match too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.analyze.text.lexicon import Entry, exclude_gate, prepare_gates, regex_needs
from dunguard.analyze.text.scanner import default_scanner

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "analyze"
ENTRIES = [e for e in default_scanner().lex.entries if e.label is not None]
for _entry in ENTRIES:
    if _entry.gate is None:
        prepare_gates(_entry)


def _needs(pattern: str, keys: tuple[str, ...] = ()) -> list[set[str]]:
    return [set(words) for words in regex_needs(re.compile(pattern, re.IGNORECASE), keys)]


def test_literal_runs_and_branches_become_word_sets() -> None:
    needs = _needs("(?:联系|通知)(?:你|您)的?家人")
    assert {"联系", "通知"} in needs
    assert {"家人"} in needs
    assert {"的"} not in needs  # optional: not required


def test_optional_negative_and_lookbehind_parts_are_not_required() -> None:
    assert _needs("(?<=欠)款") == [{"款"}]
    assert _needs("(?!不)还钱") == [{"还钱"}]
    assert _needs("(?:上门)?催收") == [{"催收"}]
    assert _needs("[^。]{0,4}") == []


def test_cased_letters_are_left_out_of_gates() -> None:
    # the regexes are case-insensitive, a literal gate is not: 'txl' must not gate 'TXL'
    assert _needs("txl|tx录") == []
    gate = exclude_gate(re.compile("爆txl", re.IGNORECASE))
    assert gate is not None and gate.pattern == "爆"
    assert gate.search("爆TXL")


def test_a_key_met_set_ranks_last() -> None:
    needs = _needs("(?:家人|同事)[^。]{0,6}(?:知道|看到)", keys=("家人", "同事"))
    assert needs[0] == {"知道", "看到"}


def _sentences() -> list[str]:
    out: set[str] = set()
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = default_scanner().lex.normalizer(json.loads(line)["text"])
                out.add(text)
                out.update(p for p in re.split(r"[。！？!?；;\n]", text) if p)
    return sorted(out)


SENTENCES = _sentences()


def _assert_gates_hold(entry: Entry, text: str) -> None:
    assert entry.gate is not None
    sentence_level = [p for p in (entry.pattern, entry.sentence_requires, *entry.all_of) if p is not None]
    if all(p.search(text) for p in sentence_level) and sentence_level:
        for gate in entry.gate:
            assert gate.search(text), (entry.id, gate.pattern[:80], text)
    if entry.sentence_excludes is not None and entry.excludes_gate is not None \
            and entry.sentence_excludes.search(text):
        assert entry.excludes_gate.search(text), (entry.id, "excludes", text)
    if entry.message_requires is not None and entry.message_gate is not None \
            and entry.message_requires.search(text):
        assert entry.message_gate.search(text), (entry.id, "message_requires", text)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_gates_hold_on_every_labelled_message_and_sentence(entry: Entry) -> None:
    assert len(SENTENCES) > 1000
    for text in SENTENCES:
        _assert_gates_hold(entry, text)


_KEYS = sorted({k for e in ENTRIES for k in e.keys})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_KEYS), st.sampled_from(SENTENCES), st.text(max_size=3)), max_size=8))
def test_gates_hold_on_random_mixes_of_rule_material(parts: list[str]) -> None:
    text = "".join(parts)
    for entry in ENTRIES:
        _assert_gates_hold(entry, text)


def test_an_entry_whose_needs_a_plain_cue_can_meet_runs_without_a_debt_word() -> None:
    """``needs: ['debt|you']`` is met by 你 alone, whatever other keys the message has.

    The automaton ranks keys by whether their entries can fire without a debt / menace /
    locate word; an entry was once ranked as needing one whenever *any* alternative named
    such a cue, so "你去以贷养贷啊" found nothing while "还钱，你以贷养贷" did.
    """
    entry = next(e for e in ENTRIES if e.id == "ib.named")
    assert "debt|you" in entry.needs  # the precondition this test is about
    from dunguard.analyze.text.scanner import scan_text

    for text in ("你去以贷养贷啊", "还钱，你以贷养贷"):
        labels = {f.label for f in scan_text(text).findings}
        assert "induce_borrowing" in labels, text


# -- first-character lookaheads (lexicon._with_first_chars) -----------------------------------

def _first(pattern: str) -> set[str] | None:
    from dunguard.analyze.text.lexicon import first_chars

    got = first_chars(re.compile(pattern, re.IGNORECASE))
    return None if got is None else set(got)


def test_first_characters_of_a_pattern() -> None:
    assert _first("(?:全国)?通缉(?!令)|触犯(?:刑法|法律)") == {"全", "通", "触"}
    assert _first("(?<!不)上门") == {"上"}  # a lookbehind says nothing about the first character
    assert _first("[一二三]千") == {"一", "二", "三"}
    assert _first("(?:你|您)?") is None  # can match the empty string: no lookahead
    assert _first("[^，]{0,4}上门") is None  # any character may come first
    assert _first(".上门") is None


def _with_lookahead() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    from dunguard.analyze.text.lexicon import _WRITTEN

    pairs = []
    for entry in default_scanner().lex.entries:
        for pat in (entry.pattern, entry.sentence_requires, entry.sentence_excludes, entry.message_requires,
                    *entry.all_of, *entry.patterns):
            if pat is not None and pat.pattern in _WRITTEN:
                pairs.append((pat, re.compile(_WRITTEN[pat.pattern], pat.flags)))
    return pairs


PAIRS = _with_lookahead()


def test_most_rulebook_patterns_get_a_lookahead_and_every_match_is_unchanged() -> None:
    assert len(PAIRS) > 500
    for fast, written in PAIRS:
        for text in SENTENCES[::6]:
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in written.finditer(text)], \
                (written.pattern[:60], text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_KEYS), st.sampled_from(SENTENCES), st.text(max_size=3)), max_size=6))
def test_lookaheads_never_change_a_match_on_random_mixes(parts: list[str]) -> None:
    text = "".join(parts)
    for fast, written in PAIRS:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in written.finditer(text)]
