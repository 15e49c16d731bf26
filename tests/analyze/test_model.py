"""The suggestion model: shipped file, deterministic training, cues in the original text, speed-free."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import NEUTRAL, tiny_model

from dunguard.analyze.model import FORMAT, Model, grams, load_model, model_text
from dunguard.analyze.model import train as train_mod
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.analyze.text.normalize import load_normalizer
from dunguard.errors import FormatError

DATA = Path(__file__).resolve().parents[1] / "data" / "analyze"


def shipped() -> Model:
    model = load_model("cn")
    assert model is not None, "rulebooks/cn/model.json is missing: run python -m dunguard.analyze.model.train"
    return model


def test_shipped_model_covers_the_public_labels_and_is_small() -> None:
    model = shipped()
    assert set(model.labels) == set(load_rulebook("cn").labels)
    path = resources.files("dunguard.analyze") / "rulebooks" / "cn" / "model.json"
    assert len(path.read_bytes()) < 1_000_000
    assert all(0.0 < t <= 1.0 for t in model.thresholds.values())


def test_shipped_model_never_reads_the_blind_set() -> None:
    meta = shipped().meta
    assert all(s in {"devset"} or s.startswith(("heldout", "probe_")) for s in meta["sources"])
    assert all("blind" not in str(p) for p in train_mod.training_files())


def test_training_is_deterministic_same_data_same_bytes() -> None:
    records = train_mod.load_records([DATA / "devset.jsonl"])[:240]
    if not records:
        pytest.skip("tests/data/analyze/devset.jsonl is empty")
    normalizer = load_normalizer("cn")
    first = train_mod.dump(train_mod.train(records, normalizer, folds=2))
    second = train_mod.dump(train_mod.train(records, normalizer, folds=2))
    assert first == second
    data = json.loads(first)
    assert data["format"] == FORMAT and set(data["labels"]) == set(load_rulebook("cn").labels)
    Model(data)  # the written file loads


def test_a_suggested_label_is_dropped_when_excluded_and_cues_point_at_the_words() -> None:
    model = tiny_model()
    (s,) = model.suggest(NEUTRAL)
    assert s.label == "insult" and 0.5 <= s.score <= 1.0
    start, end = s.cues[0]
    assert NEUTRAL[start:end] == "天气"
    assert model.suggest(NEUTRAL, exclude=["insult"]) == []
    assert model.suggest(NEUTRAL) == [s]  # cached result is the same


def test_cues_map_through_normalisation_to_the_original_text() -> None:
    model = tiny_model({"threat_contacts": {"通讯录": 40.0}})
    text = "我要爆你 通 訊 錄，ＡＢＣ"
    (s,) = model.suggest(text)
    start, end = s.cues[0]
    assert text[start:end] == "通 訊 錄"


def test_addressee_feature_only_for_third_party_readers() -> None:
    normalizer = load_normalizer("cn")
    norm = model_text(normalizer, "麻烦转告他").text
    assert "\x01third_party" in grams(norm, "contact")
    assert "\x01third_party" not in grams(norm, "debtor") and "\x01third_party" not in grams(norm, None)


def test_digits_are_folded_so_amounts_do_not_matter() -> None:
    model = shipped()
    a = model.scores("先交500块的解冻费")
    b = model.scores("先交730块的解冻费")
    assert a == b


def test_a_broken_model_file_is_a_clear_error() -> None:
    with pytest.raises(FormatError):
        Model({"format": "something else", "labels": {}})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120), st.sampled_from([None, "debtor", "contact"]))
def test_suggest_never_fails_and_cues_stay_inside_the_text(text: str, addressee: str | None) -> None:
    for s in shipped().suggest(text, addressee):
        assert s.label in shipped().labels and 0.0 <= s.score <= 1.0
        for start, end in s.cues:
            assert 0 <= start < end <= len(text)


def test_templates_with_other_digits_share_scores_but_cues_follow_each_text() -> None:
    model = tiny_model()
    a = "第1期：" + NEUTRAL
    b = "第１２期：" + NEUTRAL  # full-width digits, one more of them
    (sa,) = model.suggest(a)
    (sb,) = model.suggest(b)
    (sc,) = model.suggest("第7期：" + NEUTRAL)
    assert sc.score == sa.score and sc.cues == sa.cues
    assert a[sa.cues[0][0]:sa.cues[0][1]] == "天气" and b[sb.cues[0][0]:sb.cues[0][1]] == "天气"
    assert sa.cues[0] != sb.cues[0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_model_text_is_the_rules_normalisation_with_digits_folded(text: str) -> None:
    normalizer = load_normalizer("cn")
    rules = normalizer.normalize(text)
    mine = model_text(normalizer, text)
    assert mine.text == rules.text.translate(str.maketrans("123456789", "000000000"))
    assert mine.positions == rules.positions


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_grams_are_every_1_to_3_gram(norm: str) -> None:
    expected = {norm[i:i + n] for n in (1, 2, 3) for i in range(len(norm) - n + 1)}
    assert grams(norm) == expected
    assert grams(norm, "contact") == expected | {"\x01third_party"}


def test_to_dict_fits_scans_suggested_list() -> None:
    (s,) = tiny_model().suggest(NEUTRAL)
    d = s.to_dict()
    assert d["label"] == "insult" and d["source"] == "model" and d["span"] == list(s.cues[0])
    assert {"label", "span", "entry", "reason"} <= set(d)
    json.dumps(d)
