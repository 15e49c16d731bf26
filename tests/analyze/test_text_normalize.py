"""Normalisation and spans: every span indexes the original text and covers its trigger."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.analyze import scan_text
from dunguard.analyze.text.scanner import default_scanner

NORM = default_scanner().lex.normalizer
KEYS = sorted(k for k in default_scanner().lex.keys if len(k) >= 2)
SEPARATORS = " *·-_~|/."

# text pieces that make collection messages: context, triggers, noise
PIECES = ["欠款", "逾期", "不还", "你", "您", "，", "。", "就", "明天", "我们", "请转告", "abc", "ＡＢ", "12",
          "還款", "通訊錄", "😀", "\u3000", *KEYS[:400]]


def test_traditional_fullwidth_case_and_separators() -> None:
    assert NORM("爆通訊錄") == "爆通讯录"
    assert NORM("ＴＸＬ") == "txl"
    assert NORM("B通讯录") == "b通讯录"
    assert NORM("爆 通*讯-录💥") == "爆通讯录"


def test_pictographs_that_stand_for_a_word_are_kept_as_that_word() -> None:
    # a knife or a gun sent as a threat is read as 刀 / 枪, one character for one
    normed = NORM.normalize("再不还🔪🔪等着😂")
    assert normed.text == "再不还刀刀等着"
    assert normed.to_original(3, 5) == (3, 5)
    assert NORM("🗡️你 🔫") == "刀你枪"  # the variation selector is still deleted
    assert NORM("笑死😂了") == "笑死了"


def test_positions_map_back() -> None:
    normed = NORM.normalize("爆 通*讯录")
    assert normed.text == "爆通讯录"
    assert normed.to_original(1, 4) == (2, 6)
    assert NORM.normalize("没有分隔").positions is None


@st.composite
def messages(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
    out = []
    for part in parts:
        if draw(st.booleans()) and len(part) > 1:
            sep = draw(st.sampled_from(SEPARATORS))
            part = sep.join(part)
        out.append(part)
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(messages(), st.sampled_from([None, "debtor", "contact"]))
def test_spans_within_bounds_and_cover_trigger(text: str, addressee: str | None) -> None:
    result = scan_text(text, addressee=addressee)
    for finding in result.findings:
        start, end = finding.span
        assert 0 <= start <= end <= len(text)
        covered = NORM(text[start:end])
        if finding.trigger in default_scanner().lex.by_key:
            assert finding.trigger in covered, (text, finding)
    for suggestion in result.suggested:
        assert 0 <= suggestion.span[0] <= suggestion.span[1] <= len(text)
    assert set(result.labels) == {f.label for f in result.findings}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    result = scan_text(text)
    for finding in result.findings:
        assert 0 <= finding.span[0] <= finding.span[1] <= len(text)


def _positions_by_char(text: str) -> tuple[int, ...]:
    """The definition: the original index of every character normalisation keeps."""
    return tuple(i for i, ch in enumerate(text) if NORM.char(ch))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(list(SEPARATORS + "💥😀\u200b\u3000＊")),
                          st.text(max_size=4)), max_size=20))
def test_positions_are_every_kept_character(parts: list[str]) -> None:
    text = "".join(parts)
    normed = NORM.normalize(text)
    assert normed.text == NORM(text)
    expected = _positions_by_char(text)
    if normed.positions is None:
        assert len(expected) == len(text)
    else:
        assert normed.positions == expected
        assert "".join(NORM.char(text[i]) for i in normed.positions) == normed.text


def test_spaces_between_the_letters_of_a_pinyin_key_do_not_hide_it() -> None:
    """'bao tong xun lu' is 'baotongxunlu': a separator before a Latin letter triggers normalisation
    as one before a Chinese character does (found by the fifth rules pass: 'gong an已经介入')."""
    latin = [k for k in default_scanner().lex.keys if len(k) >= 4 and k.isascii() and k.isalpha()]
    assert latin, "the lexicon has pinyin keys"
    compared = 0
    for key in latin:
        plain = f"再不还钱，{key}，你自己看着办"
        spaced = f"再不还钱，{' '.join(key)}，你自己看着办"
        expected = {f.label for f in scan_text(plain).findings}
        if expected:
            compared += 1
            assert {f.label for f in scan_text(spaced).findings} == expected, key
    assert compared, "no pinyin key gives a finding in this frame: the check compares nothing"


def test_a_weapon_pictograph_alone_triggers_normalisation() -> None:
    """🔪 with nothing else to normalise used to be scanned raw, so it was never read as 刀."""
    from dunguard.analyze.text.scanner import scan_text

    assert "threat_violence" in scan_text("我们去你家跟你好好聊聊🔪").labels
    assert scan_text("生日快乐🔪🎂切蛋糕啦").labels == ()


def test_a_spoken_pause_ends_the_clause_for_negation() -> None:
    """Voice messages turned to text have spaces, not commas; normalisation deletes the spaces,
    so a 不会 early in the message used to negate every threat after it."""
    from dunguard.analyze.text.scanner import scan_text

    voice = "你别跟我哭穷 你没钱你不会去借吗 欠款今天不还 我们明天就上门找你"
    assert "threat_visit" in scan_text(voice).labels
    assert "threat_visit" not in scan_text("欠款的事我们不会上门 你放心").labels  # same segment: negated
    assert "threat_visit" not in scan_text("欠款的事我们不 会 上 门，你放心").labels  # spaced-out word: no pause
