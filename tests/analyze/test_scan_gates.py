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
