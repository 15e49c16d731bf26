"""A small real :class:`Model` with hand-set weights, so flow tests do not depend on training."""

from __future__ import annotations

from dunguard.analyze.model import FORMAT, Model
from dunguard.analyze.rulebook import load as load_rulebook

NEUTRAL = "今天的天气真不错呀，朋友们一起出去走走吧"  # no rule labels it; the tiny model calls it insult


def tiny_model(weights: dict[str, dict[str, float]] | None = None, threshold: float = 0.5) -> Model:
    """Every public label; ``weights`` label → gram → weight (others: never suggested)."""
    weights = {"insult": {"天气": 40.0}} if weights is None else weights
    labels = {}
    for label in load_rulebook("cn").labels:
        labels[label] = {"bias": -2.0 if label in weights else -20.0, "threshold": threshold,
                         "weights": weights.get(label, {})}
    return Model({"format": FORMAT, "labels": labels})
