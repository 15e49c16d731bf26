"""Context from outside the message: ``scan(context={"debt"})``.

In a case, a number that already demanded repayment is a collector; its later messages are
about the debt even when they do not say so.  A veiled threat such as "晚上走夜路小心点" is
then read as a threat, and the finding names the context it relied on.
"""

from __future__ import annotations

import pytest

from dunguard.analyze.text.lexicon import BUILTIN_CONDITIONS, Entry, Lexicon, _check_conditions
from dunguard.analyze.text.normalize import load_normalizer
from dunguard.analyze.text.scanner import default_scanner, scan_text
from dunguard.errors import FormatError

DEBT = frozenset({"debt"})
VEILED = "晚上走夜路小心点，别被车撞了"


def test_a_veiled_threat_needs_the_collection_context() -> None:
    assert scan_text(VEILED).labels == ()  # a mother could say it
    result = scan_text(VEILED, context=DEBT)
    assert result.labels == ("threat_violence",)
    (finding,) = result.findings
    assert finding.context == ("debt",)
    assert finding.to_dict()["context"] == ["debt"]
    s, e = finding.span
    assert VEILED[s:e]


def test_a_message_with_its_own_debt_word_does_not_rely_on_the_context() -> None:
    text = "再不还钱，晚上走夜路小心点"
    (finding,) = scan_text(text, context=DEBT).findings
    assert finding.label == "threat_violence" and finding.context == ()
    assert "context" not in finding.to_dict()  # scan's output lines are unchanged


@pytest.mark.parametrize("text", [
    "明天降温，出门注意保暖",
    "哪有什么上门，我们就是电话提醒一下，您别紧张",
    "您放心，我们既不会上门，也没必要联系您的家人",
    "没有什么黑名单，也不会影响你孩子上学",
    "你好，请问明天方便吗",
])
def test_context_does_not_turn_ordinary_or_negated_words_into_findings(text: str) -> None:
    assert scan_text(text, context=DEBT).labels == ()


def test_context_never_overrides_a_complaint_or_an_antifraud_notice() -> None:
    assert scan_text("他们说让我晚上走夜路小心点，我该怎么办", context=DEBT).labels == ()
    assert scan_text("请勿理会冒充我司的诈骗电话，我们不会上门", context=DEBT).labels == ()


def test_only_declared_context_cues_may_be_supplied() -> None:
    scanner = default_scanner()
    assert scanner.lex.context_cues == {"debt", "menace", "locate"}  # declared in cues.yaml
    with pytest.raises(ValueError, match="complaint"):
        scanner.scan(VEILED, context=frozenset({"complaint"}))


def test_a_misspelt_condition_is_a_rulebook_error() -> None:
    """An entry needing 'dept' would never fire (only ever a suggestion): refuse it by name."""
    lex = Lexicon(load_normalizer())
    lex.entries = [Entry(id="cue.debt", label=None, cue="debt", keys=("欠",), pattern=None, needs=(), unless=()),
                   Entry(id="tv.demo", label="threat_violence", cue=None, keys=("腿",), pattern=None,
                         needs=("dept|debt",), unless=("negated",))]
    with pytest.raises(FormatError, match="dept") as err:
        _check_conditions(lex, "cn")
    assert "tv.demo" in str(err.value) and "needs" in str(err.value)
    lex.entries[1] = Entry(id="tv.demo", label="threat_violence", cue=None, keys=("腿",), pattern=None,
                           needs=("debt", *sorted(BUILTIN_CONDITIONS - {"negated"})), unless=("negated",))
    _check_conditions(lex, "cn")  # known names pass
