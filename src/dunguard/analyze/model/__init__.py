"""The statistical suggestion model: candidates for a human to confirm, never findings.

Rules decide what is reported as a finding (``analyze/text``); this model only *proposes*
labels the rules did not find, shown to the user as "程序提示：可能也有问题（请您判断）".

The model is one-vs-rest logistic regression per public label over the character 1-3-grams
of the normalised message (the rules' own normaliser, :func:`load_normalizer`, with digits
folded to ``0``) plus one addressee feature (the message goes to a third party).  It is
pure Python: the weights live in ``rulebooks/cn/model.json`` (written deterministically by
``python -m dunguard.analyze.model.train``), and scoring is a dictionary lookup per n-gram.

``Model.suggest(text, addressee=None, exclude=())`` returns the labels whose score reaches
the label's threshold (chosen on held-out predictions for a suggestion precision of about
0.8), strongest first, each with the spans of the ORIGINAL text whose n-grams pushed the
score most (``cues``; ``cues[0]`` is the strongest).  Results are cached per text, and
scores per text with its digits folded (a template with another amount is not scored again).

Wiring into ``scan`` (one call per message)::

    model = load_model()
    if model is not None:
        extra = model.suggest(text, addressee=addressee, exclude=result.labels)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dunguard.analyze.text.normalize import Normalized, Normalizer, load_normalizer
from dunguard.errors import FormatError

__all__ = [
    "MODEL_FILE",
    "THIRD_PARTY_FEATURE",
    "Model",
    "ModelSuggestion",
    "grams",
    "load_model",
    "model_text",
]

MODEL_FILE = "model.json"
FORMAT = "dunguard-suggest-1"
THIRD_PARTY_FEATURE = "\x01third_party"  # the message is read by someone other than the debtor
MAX_N = 3
MAX_CUES = 3
CACHE_SIZE = 65_536
# readers that are not the debtor (same set as the text rules' ``third_party`` cue)
THIRD_PARTY_ROLES = frozenset({"contact", "third_party", "family", "friend", "colleague", "employer",
                               "group", "public", "emergency_contact"})
_DIGITS = str.maketrans("123456789", "000000000")
# the same folding on the raw text (ASCII and full-width digits): the key of the score cache
_RAW_DIGITS = str.maketrans("123456789１２３４５６７８９０", "0" * 19)
_SCALE = 10_000  # weights are stored with 4 decimals: exact in fixed point
_FIELD_BITS = 64
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_OFFSET = 1 << 30  # > any |weight| * _SCALE: every packed field stays positive
_HALF = 1 << (_FIELD_BITS - 1)  # the running sum is kept around this midpoint


@dataclass(frozen=True, slots=True)
class ModelSuggestion:
    """A label the model proposes for one message (for a human to confirm)."""

    label: str
    score: float  # the logistic score, 0..1
    cues: tuple[tuple[int, int], ...]  # spans of the original text, strongest first

    def to_dict(self) -> dict[str, Any]:
        """Shaped like the scanner's ``Suggestion.to_dict`` (label, span, entry, reason) plus
        ``score``, every cue and ``source: model`` — ready for ``scan``'s ``"suggested"`` list."""
        return {"label": self.label, "span": list(self.cues[0]) if self.cues else None, "entry": "model",
                "reason": "model", "score": round(self.score, 4), "cues": [list(c) for c in self.cues],
                "source": "model"}


_FOLDED: dict[int, dict[int, int | None]] = {}  # id(normalizer) → its table with digits folded


def _folded_table(normalizer: Normalizer) -> dict[int, int | None]:
    table = _FOLDED.get(id(normalizer))
    if table is None:
        table = dict(normalizer.table)
        zero = ord("0")
        for code, mapped in list(table.items()):
            if mapped is not None and ord("1") <= mapped <= ord("9"):
                table[code] = zero
        for code in range(ord("1"), ord("9") + 1):
            table[code] = zero
        _FOLDED[id(normalizer)] = table
    return table


def model_text(normalizer: Normalizer, text: str) -> Normalized:
    """The text the model reads: the rules' normalisation, digits folded to 0 (1:1, offsets kept)."""
    table = _folded_table(normalizer)
    out = text.translate(table)
    if len(out) == len(text):
        return Normalized(out, None)
    return Normalized(out, tuple(i for i, ch in enumerate(text) if table.get(ord(ch), 0) is not None))


_SLICES: dict[int, list[slice]] = {}  # text length → the slices of its 2- and 3-grams


def _slices(size: int) -> list[slice]:
    found = _SLICES.get(size)
    if found is None:
        found = [slice(i, i + 2) for i in range(size - 1)] + [slice(i, i + 3) for i in range(size - 2)]
        if size <= 2048:
            _SLICES[size] = found
    return found


def grams(norm: str, addressee: str | None = None) -> set[str]:
    """The model's features of one normalised message: character 1-3-grams (+ the addressee)."""
    out = set(norm)
    out.update(map(norm.__getitem__, _slices(len(norm))))
    if addressee in THIRD_PARTY_ROLES:
        out.add(THIRD_PARTY_FEATURE)
    return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Model:
    """Weights per label, thresholds per label; ``suggest`` scores one message."""

    def __init__(self, data: Mapping[str, Any], normalizer: Normalizer | None = None) -> None:
        if data.get("format") != FORMAT:
            raise FormatError("engine.model.bad_file", path=MODEL_FILE, detail=str(data.get("format")))
        labels = data.get("labels") or {}
        self.labels: tuple[str, ...] = tuple(sorted(labels))
        self.bias: tuple[float, ...] = tuple(float(labels[lab]["bias"]) for lab in self.labels)
        self.thresholds: dict[str, float] = {lab: float(labels[lab]["threshold"]) for lab in self.labels}
        # z-threshold per label: score >= t  <=>  z >= logit(t)
        self._z_min: tuple[float, ...] = tuple(_logit(self.thresholds[lab]) for lab in self.labels)
        table: dict[str, list[tuple[int, float]]] = {}
        for k, lab in enumerate(self.labels):
            for gram, w in (labels[lab].get("weights") or {}).items():
                table.setdefault(gram, []).append((k, float(w)))
        self.table: dict[str, tuple[tuple[int, float], ...]] = {g: tuple(v) for g, v in table.items()}
        # cues: per label the n-grams (not the addressee feature) that push the score up
        self._wordy: list[dict[str, float]] = [{} for _ in self.labels]
        self._other: list[dict[str, float]] = [{} for _ in self.labels]
        for g, ws in self.table.items():
            if not g.startswith("\x01"):
                for k, w in ws:
                    if w > 0:
                        (self._wordy if len(g) >= 2 and g.isalpha() else self._other)[k][g] = w
        # fast path: per gram one int holding (weight * _SCALE + _OFFSET) in each label's field
        count = len(self.labels)
        self._offsets = sum(_OFFSET << (_FIELD_BITS * k) for k in range(count))
        self._base = sum(_HALF << (_FIELD_BITS * k) for k in range(count))
        self._packed: dict[str, int] = {}
        for g, ws in self.table.items():
            fields = [0] * count
            for k, w in ws:
                fields[k] += round(w * _SCALE)
            self._packed[g] = sum((f + _OFFSET) << (_FIELD_BITS * k) for k, f in enumerate(fields))
        self.meta: dict[str, Any] = dict(data.get("meta") or {})
        self.normalizer = normalizer or load_normalizer("cn")
        self._cache: dict[tuple[str, bool], tuple[ModelSuggestion, ...]] = {}
        self._passed: dict[tuple[str, bool], tuple[tuple[int, float], ...]] = {}

    # ------------------------------------------------------------------ scoring

    def scores(self, text: str, addressee: str | None = None) -> dict[str, float]:
        """Every label's score for ``text`` (0..1); for evaluation and threshold tuning."""
        z = self._margins(grams(model_text(self.normalizer, text).text, addressee))
        return {lab: _sigmoid(z[k]) for k, lab in enumerate(self.labels)}

    def _margins(self, feats: set[str]) -> list[float]:
        """bias + sum of weights / sqrt(feature count) (features are L2-normalised binary).

        Each n-gram's weights for all labels are packed into one integer (fixed point, one
        64-bit field per label, offset to stay positive), so the per-message work is one
        C-level pass: look up, drop misses, add the integers, unpack once.
        """
        found = list(filter(None, map(self._packed.get, feats)))
        total = sum(found) - len(found) * self._offsets + self._base
        inv = 1.0 / math.sqrt(len(feats)) if feats else 0.0
        z = []
        for b in self.bias:
            z.append(b + ((total & _FIELD_MASK) - _HALF) / _SCALE * inv)
            total >>= _FIELD_BITS
        return z

    def suggest(
        self, text: str, addressee: str | None = None, exclude: Iterable[str] = ()
    ) -> list[ModelSuggestion]:
        """Labels proposed for ``text`` (score >= the label's threshold), minus ``exclude``."""
        key = (text, addressee in THIRD_PARTY_ROLES)
        found = self._cache.get(key)
        if found is None:
            found = self._suggest(text, addressee)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = found
        if not found:
            return []
        skip = set(exclude)
        return [s for s in found if s.label not in skip]

    def clear_cache(self) -> None:
        """Forget cached results (benchmarks; the cache is bounded anyway)."""
        self._cache.clear()
        self._passed.clear()

    def _suggest(self, text: str, addressee: str | None) -> tuple[ModelSuggestion, ...]:
        # Digits are folded in the features, so texts that differ only in their digits (the
        # same template with another amount or date) share their scores: decided once per
        # folded text, and only a text with a suggestion is cut up again for its cues.
        third = addressee in THIRD_PARTY_ROLES
        key = (text.translate(_RAW_DIGITS), third)
        passed = self._passed.get(key)
        norm: Normalized | None = None
        feats: set[str] | None = None
        if passed is None:
            norm = model_text(self.normalizer, text)
            feats = grams(norm.text, addressee)
            z = self._margins(feats)
            passed = tuple((k, _sigmoid(z[k])) for k, zk in enumerate(z) if zk >= self._z_min[k])
            if len(self._passed) >= CACHE_SIZE:
                self._passed.clear()
            self._passed[key] = passed
        if not passed:
            return ()
        if norm is None or feats is None:
            norm = model_text(self.normalizer, text)
            feats = grams(norm.text, addressee)
        out = [ModelSuggestion(self.labels[k], score, self._cues(k, feats, norm)) for k, score in passed]
        out.sort(key=lambda s: (-s.score, s.label))
        return tuple(out)

    def _cues(self, k: int, feats: set[str], norm: Normalized) -> tuple[tuple[int, int], ...]:
        """Spans (original text) of the n-grams with the largest positive weight for label ``k``."""
        # a single character, a number or punctuation says little to a reader: 2-3-grams of
        # words first (by weight, longest first on ties), the other n-grams only if needed
        pushes = sorted((-w, -len(g), g) for g in feats if (w := self._wordy[k].get(g)) is not None)
        if len(pushes) < MAX_CUES:
            pushes += sorted((-w, -len(g), g) for g in feats if (w := self._other[k].get(g)) is not None)
        spans: list[tuple[int, int]] = []
        for _, _, g in pushes:
            start = norm.text.find(g)
            if start < 0:
                continue
            span = norm.to_original(start, start + len(g))
            if any(span[0] < e and s < span[1] for s, e in spans):
                continue
            spans.append(span)
            if len(spans) >= MAX_CUES:
                break
        return tuple(spans)


def _logit(p: float) -> float:
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


@cache
def load_model(jurisdiction: str = "cn") -> Model | None:
    """The shipped model (cached), or None when the rulebook has no ``model.json``."""
    path = resources.files("dunguard.analyze") / "rulebooks" / jurisdiction / MODEL_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError("engine.model.bad_file", path=str(path), detail=str(exc)) from exc
    return Model(data, load_normalizer(jurisdiction))
