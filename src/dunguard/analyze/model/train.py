"""Train the suggestion model: ``python -m dunguard.analyze.model.train``.

Reads the labelled sets in ``tests/data/analyze`` (``devset.jsonl``, ``heldout*.jsonl`` and
any ``probe_*.jsonl``; never anything else), fits one logistic regression per public label
(SGD, L2, fixed seed, L2-normalised binary character 1-3-gram features), keeps the most
useful features of each label, chooses each label's threshold on 5-fold out-of-fold scores
(lowest score at which the out-of-fold precision reaches the target), and writes
``src/dunguard/analyze/rulebooks/cn/model.json``.  Same data → byte-identical file.

``--report`` measures honestly instead: the whole procedure (folds and thresholds included)
is run without the ``--holdout`` sets (default heldout10, heldout11), and the model alone,
the rules' misses it recovers and its false suggestions on unlabelled messages are printed
for those sets.  Nothing is written in that mode unless ``--out`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from dunguard.analyze.model import FORMAT, Model, _sigmoid, grams, model_text
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.analyze.text.normalize import Normalizer, load_normalizer

REPO_ROOT = Path(__file__).resolve().parents[4]
DATA_DIR = REPO_ROOT / "tests" / "data" / "analyze"
OUT_FILE = REPO_ROOT / "src" / "dunguard" / "analyze" / "rulebooks" / "cn" / "model.json"

SEED = 20261122
EPOCHS = 25
LAMBDA = 1e-5  # L2 strength
LR0 = 0.5
MIN_DF = 2  # a feature must occur in at least this many training messages
KEEP = 1500  # features kept per label (largest |weight|)
FOLDS = 5
TARGET_PRECISION = 0.95  # out-of-fold, model alone: gives ~0.8-0.9 beyond the rules (docs/rulebook.md)
MIN_TP = 3  # a threshold needs at least this many correct suggestions behind it
THRESHOLD_FLOOR = 0.1
THRESHOLD_NONE = 0.99  # no threshold reaches the target: suggest only when (almost) certain


@dataclass(frozen=True, slots=True)
class Record:
    source: str  # file stem
    id: str
    text: str
    labels: frozenset[str]
    addressee: str | None
    time: str | None
    kind: str | None


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """devset, heldout*, probe_* — sorted by name (the training order depends on it)."""
    files = [data_dir / "devset.jsonl"] if (data_dir / "devset.jsonl").exists() else []
    files += sorted(data_dir.glob("heldout*.jsonl")) + sorted(data_dir.glob("probe_*.jsonl"))
    return files


def load_records(files: Sequence[Path], hashes: dict[str, str] | None = None) -> list[Record]:
    """The labelled messages of ``files``; ``hashes`` (if given) gets each file's sha256 prefix,
    of the very bytes read (a file being appended to meanwhile cannot make them disagree)."""
    out: list[Record] = []
    for path in files:
        raw = path.read_bytes()
        if hashes is not None:
            hashes[path.name] = hashlib.sha256(raw).hexdigest()[:16]
        for n, line in enumerate(raw.decode("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc})") from exc
            out.append(Record(path.stem, str(rec.get("id") or f"{path.stem}:{n}"), str(rec["text"]),
                              frozenset(rec.get("labels") or ()), rec.get("addressee"), rec.get("time"),
                              rec.get("kind")))
    return out


# -------------------------------------------------------------------------- fitting


def _fit_label(xs: list[list[int]], inv: list[float], y: list[int], n_feat: int, seed: int) -> tuple[float, list[float]]:
    """SGD for one label (log loss + L2 with lazy scaling); returns (bias, weights)."""
    v = [0.0] * n_feat
    scale = 1.0
    b = 0.0
    rng = random.Random(seed)
    order = list(range(len(xs)))
    t = 0
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            lr = LR0 / (1.0 + LR0 * LAMBDA * t)
            t += 1
            xi = xs[i]
            xv = inv[i]
            s = 0.0
            for j in xi:
                s += v[j]
            g = _sigmoid(b + scale * s * xv) - y[i]
            scale *= 1.0 - lr * LAMBDA
            if scale < 1e-6:
                v = [w * scale for w in v]
                scale = 1.0
            if g != 0.0:
                step = lr * g * xv / scale
                for j in xi:
                    v[j] -= step
                b -= lr * g * 0.1
    return b, [w * scale for w in v]


def fit(records: Sequence[Record], labels: Sequence[str], normalizer: Normalizer, seed: int = SEED) -> dict[str, Any]:
    """Fit every label on ``records``; return the model file's data (thresholds still unset)."""
    feats = [grams(model_text(normalizer, r.text).text, r.addressee) for r in records]
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f)
    vocab = sorted(g for g, c in df.items() if c >= MIN_DF)
    index = {g: k for k, g in enumerate(vocab)}
    xs = [sorted(index[g] for g in f if g in index) for f in feats]
    inv = [1.0 / math.sqrt(len(f)) if f else 0.0 for f in feats]
    out: dict[str, Any] = {}
    for k, label in enumerate(labels):
        y = [1 if label in r.labels else 0 for r in records]
        b, w = _fit_label(xs, inv, y, len(vocab), seed + k)
        best = sorted(range(len(vocab)), key=lambda j: (-abs(w[j]), vocab[j]))[:KEEP]
        weights = {vocab[j]: round(w[j], 4) for j in sorted(best, key=lambda j: vocab[j]) if round(w[j], 4) != 0.0}
        out[label] = {"bias": round(b, 4), "threshold": 0.5, "weights": weights}
    return {"format": FORMAT, "labels": out}


def _folds(n: int, k: int = FOLDS) -> list[int]:
    return [i % k for i in range(n)]


def rule_labels(records: Sequence[Record]) -> list[frozenset[str]]:
    from dunguard.analyze.text.scanner import scan_text

    return [frozenset(scan_text(r.text, addressee=r.addressee, time=r.time).labels) for r in records]


def choose_threshold(pairs: list[tuple[float, bool]]) -> tuple[float, dict[str, Any]]:
    """Lowest score whose suggestions (score >= it) reach TARGET_PRECISION with >= MIN_TP correct."""
    pairs = sorted(pairs, key=lambda p: -p[0])
    tp = fp = 0
    best: tuple[float, int, int] | None = None
    for k, (score, gold) in enumerate(pairs):
        if gold:
            tp += 1
        else:
            fp += 1
        if k + 1 < len(pairs) and pairs[k + 1][0] == score:
            continue  # ties: decide after the last pair of this score
        if score < THRESHOLD_FLOOR:
            break
        if tp >= MIN_TP and tp / (tp + fp) >= TARGET_PRECISION:
            best = (score, tp, fp)
    positives = sum(1 for _, g in pairs if g)
    if best is None:
        return THRESHOLD_NONE, {"tp": 0, "fp": 0, "positives": positives}
    score, tp, fp = best
    return math.floor(score * 10_000) / 10_000, {"tp": tp, "fp": fp, "positives": positives}


def train(records: Sequence[Record], normalizer: Normalizer, *, folds: int = FOLDS) -> dict[str, Any]:
    """The whole procedure: out-of-fold scores → thresholds; then a fit on everything.

    Thresholds depend on the labelled data only (not on the current rules, which change
    independently), so the same data gives the same file.
    """
    labels = sorted(load_rulebook("cn").labels)
    fold_of = _folds(len(records), folds)
    oof: list[dict[str, float]] = [{} for _ in records]
    for f in range(folds):
        train_part = [r for r, k in zip(records, fold_of, strict=True) if k != f]
        model = Model(fit(train_part, labels, normalizer), normalizer)
        for i, r in enumerate(records):
            if fold_of[i] == f:
                oof[i] = model.scores(r.text, r.addressee)
    data = fit(records, labels, normalizer)
    calibration: dict[str, Any] = {}
    for label in labels:
        pairs = [(oof[i][label], label in r.labels) for i, r in enumerate(records)]
        threshold, info = choose_threshold(pairs)
        data["labels"][label]["threshold"] = threshold
        calibration[label] = info
    data["meta"] = {
        "messages": len(records),
        "sources": sorted({r.source for r in records}),
        "features": {"ngrams": [1, 3], "addressee": True, "digits": "folded to 0", "value": "binary / sqrt(n)"},
        "fit": {"epochs": EPOCHS, "l2": LAMBDA, "lr0": LR0, "min_df": MIN_DF, "keep": KEEP, "seed": SEED},
        "thresholds": {"folds": folds, "target_precision": TARGET_PRECISION, "min_tp": MIN_TP,
                       "out_of_fold": calibration},
    }
    return data


def dump(data: dict[str, Any]) -> str:
    """Canonical JSON text of the model (sorted keys, no spaces): deterministic bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# -------------------------------------------------------------------------- honest measurement


def report(model: Model, records: Sequence[Record], rules: Sequence[frozenset[str]], out: TextIO) -> dict[str, Any]:
    """Model alone per label; rules' misses it suggests; false suggestions on unlabelled messages."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    missed = recovered = beyond = beyond_ok = 0
    negatives = negatives_flagged = negatives_flagged_alone = 0
    for r, ruled in zip(records, rules, strict=True):
        alone = {s.label for s in model.suggest(r.text, r.addressee)}
        for lab in alone & r.labels:
            tp[lab] += 1
        for lab in alone - r.labels:
            fp[lab] += 1
        for lab in r.labels - alone:
            fn[lab] += 1
        extra = alone - ruled
        beyond += len(extra)
        beyond_ok += len(extra & r.labels)
        misses = r.labels - ruled
        missed += len(misses)
        recovered += len(misses & extra)
        if not r.labels:
            negatives += 1
            negatives_flagged += bool(extra)
            negatives_flagged_alone += bool(alone)
    rows = {}
    print(f"{'label':22} {'P':>6} {'R':>6} {'tp':>4} {'fp':>4} {'fn':>4}", file=out)
    for lab in model.labels:
        p = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 1.0
        rc = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 1.0
        rows[lab] = {"precision": round(p, 3), "recall": round(rc, 3), "tp": tp[lab], "fp": fp[lab], "fn": fn[lab]}
        print(f"{lab:22} {p:6.3f} {rc:6.3f} {tp[lab]:4} {fp[lab]:4} {fn[lab]:4}", file=out)
    t_tp, t_fp, t_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = t_tp / (t_tp + t_fp) if t_tp + t_fp else 1.0
    micro_r = t_tp / (t_tp + t_fn) if t_tp + t_fn else 1.0
    summary = {
        "messages": len(records), "per_label": rows, "micro_precision": round(micro_p, 3),
        "micro_recall": round(micro_r, 3), "rule_misses": missed, "misses_suggested": recovered,
        "suggestions_beyond_rules": beyond, "suggestions_beyond_rules_correct": beyond_ok,
        "unlabelled": negatives, "unlabelled_with_suggestion": negatives_flagged,
        "unlabelled_flagged_by_model_alone": negatives_flagged_alone,
    }
    print(f"model alone: micro P {micro_p:.3f} R {micro_r:.3f}", file=out)
    print(f"rules' misses (message × label): {missed}; suggested correctly by the model: {recovered}", file=out)
    print(f"suggestions beyond the rules: {beyond}, correct {beyond_ok}"
          f" (precision {beyond_ok / beyond if beyond else 1.0:.3f})", file=out)
    print(f"unlabelled messages: {negatives}; with a suggestion beyond the rules: {negatives_flagged}"
          f" ({negatives_flagged / negatives if negatives else 0.0:.1%}); model alone: {negatives_flagged_alone}",
          file=out)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dunguard.analyze.model.train", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="folder of the labelled sets")
    ap.add_argument("--out", type=Path, default=None, help=f"model file (default {OUT_FILE})")
    ap.add_argument("--report", action="store_true", help="train without --holdout and measure on it")
    ap.add_argument("--holdout", default="heldout10,heldout11", help="sets left out for --report")
    args = ap.parse_args(argv)
    normalizer = load_normalizer("cn")
    hashes: dict[str, str] = {}
    records = load_records(training_files(args.data), hashes)
    if not records:
        print(f"no labelled sets in {args.data}", file=sys.stderr)
        return 1
    if args.report:
        held = {h.strip() for h in args.holdout.split(",") if h.strip()}
        train_part = [r for r in records if r.source not in held]
        test_part = [r for r in records if r.source in held]
        data = train(train_part, normalizer)
        model = Model(data, normalizer)
        print(f"trained on {len(train_part)} messages without {', '.join(sorted(held))}; "
              f"measured on {len(test_part)}")
        print("thresholds: " + ", ".join(f"{k} {v}" for k, v in sorted(model.thresholds.items())))
        result = report(model, test_part, rule_labels(test_part), sys.stdout)
        for name in sorted(held):
            part = [r for r in test_part if r.source == name]
            print(f"\n[{name}]")
            report(model, part, rule_labels(part), sys.stdout)
        del result
        if args.out is not None:
            args.out.write_text(dump(data), encoding="utf-8")
        return 0
    data = train(records, normalizer)
    data["meta"]["files"] = hashes
    out = args.out or OUT_FILE
    out.write_text(dump(data), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size:,} bytes; {len(records)} messages from "
          f"{', '.join(data['meta']['sources'])})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
