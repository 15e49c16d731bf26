"""``scan_text``: the rule-based multi-label text detector.

Pipeline for one message:

1. one pass of the Aho-Corasick automaton over the *original* text (it holds traditional
   and upper-case spellings, and flag keys for hidden separators) — no hit: done;
2. if a flag or a non-canonical spelling was hit, normalise (``normalize.py``) and scan the
   normalised text again;
3. context cues (debt talk, anti-fraud notice, a borrower's own complaint, addressing a
   third party) are decided from their hits;
4. every label entry whose key was hit is checked: its regex must match the sentence
   around the key, its ``needs`` cues must be present, none of its ``unless`` conditions
   (``negated`` in the same clause before the match, ``complaint``, ``antifraud``) may
   hold.  An entry that matched but lacks only its context becomes a *suggestion*, never
   a label.

Speed (issue 4: >= 100,000 messages/s per core, at most twice a bare automaton pass;
``benchmarks/bench_scan.py``): a message without a relevant hit costs one automaton pass;
for the others, an entry's sentence-level checks are decided once per sentence (not per
key hit) and start with *gates* — literal alternations derived from the entry's regexes
(``lexicon.gates``) that must match for the regex to — so most regexes never run.  None
of this changes the output: ``tests/analyze/test_scan_equivalence.py`` compares every
result with a frozen copy of the straightforward engine.

Spans index the original text (Python ``str`` offsets).
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from dunguard.analyze.rulebook import Rulebook
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.analyze.text import third_party
from dunguard.analyze.text.lexicon import FLAG, Entry, Lexicon, build, prepare_gates
from dunguard.analyze.text.normalize import Normalized, pause_positions

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_NEGATION = re.compile(
    r"(?:不会|不得|绝不|决不|从不|从未|未曾|禁止|请勿|切勿|不存在|并非|无需|不用|不再|不收取|承诺不|严禁|杜绝|"
    r"并没有|从没有|我们没有|我司没有|不涉及|不可能|没必要|没有必要|用不着|哪有什么|哪来的什么|没有什么|不能(?!怪|再拖|再等|再躲|拖))"
)
_NOT_NEGATION = re.compile(r"不会(?:放过|善罢甘休|客气|手软|让你好过|轻易|再给)|不再(?:给你|提醒|通知你|宽限)")

_VALUE = operator.itemgetter(1)
_THIRD_PARTY_ROLES = third_party.THIRD_PARTY_ROLES

# The context a sender known to collect gives its messages: they are about the debt
# (``analyze`` after a number's first collection message; ``scan`` lines "from_collector").
SENDER_CONTEXT = frozenset({"debt"})

_CUE_WINDOW = 24  # cue patterns are local: chars either side of the cue key they may use

CHECKS: dict[str, Callable[[MessageContext], tuple[int, int] | None]] = {**third_party.CHECKS}


@dataclass(frozen=True, slots=True)
class TextFinding:
    label: str
    rule: str
    span: tuple[int, int]
    trigger: str  # the normalised lexicon key (or check name) that anchored the finding
    entry: str
    basis: tuple[str, ...] = ()
    # context cues the finding relied on that the message itself lacks, supplied by the
    # caller (``scan(context=...)``: the sender's earlier collection messages); () if none
    context: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "rule": self.rule, "span": list(self.span),
                               "basis": list(self.basis), "entry": self.entry, "trigger": self.trigger}
        if self.context:
            out["context"] = list(self.context)
        return out


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate label a human should confirm (never shown as a finding)."""

    label: str
    span: tuple[int, int]
    entry: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "span": list(self.span), "entry": self.entry, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ScanResult:
    labels: tuple[str, ...] = ()
    findings: tuple[TextFinding, ...] = ()
    suggested: tuple[Suggestion, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "findings": [f.to_dict() for f in self.findings],
                "suggested": [s.to_dict() for s in self.suggested]}


EMPTY = ScanResult()


class MessageContext:
    """What the entries of one message are evaluated against (normalised text)."""

    __slots__ = ("addressee", "cues", "decided", "norm", "pending", "sentence_ends", "source")

    def __init__(self, norm: str, addressee: str | None, sentence_ends: list[int]) -> None:
        self.norm = norm
        self.addressee = addressee
        self.sentence_ends = sentence_ends
        self.cues: dict[str, tuple[int, int]] = {}
        # cue hits whose patterns have not been run yet: evaluated on first use (``has``)
        self.pending: dict[str, list[tuple[Entry, int, int]]] = {}
        self.decided: set[str] = set()
        # the original text's mapping when normalisation deleted characters (its spoken
        # pauses are clause breaks for negation); None otherwise
        self.source: _LazyOriginal | None = None

    def has(self, cue: str) -> bool:
        """Is the context cue present?  Pattern cues are evaluated lazily, once."""
        if cue in self.cues:
            return True
        if cue in self.decided:
            return False
        self.decided.add(cue)
        if cue == "third_party":
            if self.addressee in third_party.THIRD_PARTY_ROLES:
                self.cues[cue] = (0, 0)
            elif self.has("third_party_address"):
                self.cues[cue] = self.cues["third_party_address"]
            return cue in self.cues
        pending = self.pending.get(cue)
        if not pending:
            return False
        norm = self.norm
        for entry, start, end in pending:
            s0, s1 = self.sentence(start)
            s0, s1 = max(s0, start - _CUE_WINDOW), min(s1, end + _CUE_WINDOW)
            for pat in entry.patterns:
                for m in pat.finditer(norm, s0, s1):
                    if m.start() < end and m.end() > start:
                        self.cues[cue] = (m.start(), m.end())
                        return True
        return False

    def get(self, cue: str) -> tuple[int, int] | None:
        span = self.cues.get(cue)
        if span is not None or cue in self.decided:
            return span
        return self.cues[cue] if self.has(cue) else None

    def blocked(self) -> bool:
        return self.has("complaint") or self.has("antifraud")

    def sentence(self, pos: int) -> tuple[int, int]:
        ends = self.sentence_ends
        if not ends:
            return 0, len(self.norm)
        # ends holds the index of each boundary char; the sentence of pos runs from the
        # char after the previous boundary to the next boundary (exclusive).
        i = bisect.bisect_left(ends, pos)
        start = ends[i - 1] + 1 if i > 0 else 0
        end = ends[i] if i < len(ends) else len(self.norm)
        return start, end

    def negated(self, start: int, lo: int | None = None) -> bool:
        """A negation cue earlier in the same clause (comma-delimited) as ``start``."""
        if lo is None:
            lo = self.sentence(start)[0]
        before = self.norm[lo:start]
        # the clause: after the last comma (what ``.*[，,]`` would cut)
        cut = max(before.rfind("，"), before.rfind(","))
        if cut >= 0:
            before = before[cut + 1:]
        if self.source is not None:  # a spoken pause also ends a clause: 你不会去借吗 [pause] 我就把…
            clause = start - len(before)
            for pause in reversed(self.source.pauses()):
                if pause <= start:
                    if pause > clause:
                        before = self.norm[pause:start]
                    break
        if before.endswith("不"):
            return True
        if _NEGATION.search(before) is None:  # the common case, decided in one C call
            return False
        return any(not _NOT_NEGATION.match(before, m.start()) for m in _NEGATION.finditer(before))


def _as_date(time: Any) -> dt.date | None:
    if time is None or time == "":
        return None
    if isinstance(time, dt.datetime):
        return time.date()
    if isinstance(time, dt.date):
        return time
    try:
        return dt.datetime.fromisoformat(str(time).replace("Z", "+00:00")).date()
    except ValueError:
        return None


# _sentence_plan results: an entry's sentence-level verdict, cached per (entry, sentence)
_DEAD = None  # a sentence check failed, or the pattern has no match in the sentence
_KEY_ONLY = 0  # no pattern: the key itself is the span
_ALL_MATCHES = (-1, -1)  # _span_of: the first match does not cover the key, list them all


_Sentence = tuple[dict[int, Any], int, int]  # (verdicts by entry index, start, end)


class _KeyPlan:
    """Everything ``_evaluate`` needs about one automaton value, precomputed once."""

    __slots__ = ("direct_cues", "fallback", "key", "labelled", "length", "pattern_cues", "specific")

    def __init__(self, key: str, cues: tuple[Entry, ...], specific: tuple[Entry, ...],
                 fallback: tuple[Entry, ...]) -> None:
        self.key = key
        self.length = len(key)
        # cues without patterns are present as soon as their key is; the others are pending
        self.direct_cues = tuple(e.cue for e in cues if e.cue is not None and not e.patterns)
        self.pattern_cues = tuple((e.cue, e) for e in cues if e.cue is not None and e.patterns)
        # label entries as (label, index, entry): what the hot loop reads, without lookups
        self.specific = tuple((e.label or "", e.index, e) for e in specific)
        self.fallback = tuple((e.label or "", e.index, e) for e in fallback)
        self.labelled = bool(specific or fallback)


class _LazyOriginal:
    """Maps normalised spans back to the original text; positions computed on first use."""

    __slots__ = ("mapped", "normalizer", "paused", "text")

    def __init__(self, text: str, normalizer: Any) -> None:
        self.text = text
        self.normalizer = normalizer
        self.mapped: Normalized | None = None
        self.paused: tuple[int, ...] | None = None

    def _normalized(self) -> Normalized:
        if self.mapped is None:
            self.mapped = self.normalizer.normalize(self.text)
        return self.mapped

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        return self._normalized().to_original(start, end)

    def pauses(self) -> tuple[int, ...]:
        """Spoken pauses (deleted space runs between words), as normalised positions."""
        if self.paused is None:
            self.paused = pause_positions(self._normalized(), self.text)
        return self.paused


def _identity(start: int, end: int) -> tuple[int, int]:
    return start, end


class Scanner:
    """Holds the automaton, the compiled entries and the rulebook; thread-safe to reuse."""

    def __init__(self, lexicon: Lexicon, rulebook: Rulebook) -> None:
        self.lex = lexicon
        self.book = rulebook
        self.automaton = lexicon.automaton
        self._iter = lexicon.automaton.iter
        self.first_context = lexicon.first_context
        self.first_relevant = lexicon.first_relevant
        self.first_self_sufficient = lexicon.first_self_sufficient
        self.label_rule = {label.id: label.rule for label in rulebook.labels.values()}
        self._basis_cache: dict[tuple[str, dt.date | None], tuple[str, ...]] = {}
        entries = lexicon.entries
        plans = []
        for key in lexicon.keys:
            group = [entries[i] for i in lexicon.by_key[key]]
            plans.append(_KeyPlan(key, tuple(e for e in group if e.cue is not None),
                                  tuple(e for e in group if e.cue is None and not e.fallback),
                                  tuple(e for e in group if e.cue is None and e.fallback)))
        self._plans = tuple(plans)
        self._rules = {e.index: e.rule or self.label_rule[e.label] for e in entries if e.label is not None}

    # -- public -------------------------------------------------------------------
    def scan(self, text: str, *, addressee: str | None = None, time: Any = None,
             context: frozenset[str] = frozenset()) -> ScanResult:
        """Scan one message.  ``context``: context cues known from outside the message (in a
        case, ``{"debt"}`` for a number that already sent collection messages); an entry that
        needs a cue the message lacks may use them, and its finding names them."""
        if context:
            return self._scan_in_context(text, addressee, time, context)
        hits = list(self._iter(text))
        if not hits:
            if addressee is None or addressee not in _THIRD_PARTY_ROLES:
                return EMPTY
            return self._evaluate(text, _identity, hits, addressee, _as_date(time))
        top = max(map(_VALUE, hits))
        to_original: Callable[[int, int], tuple[int, int]] = _identity
        if top == FLAG:  # hidden separators, traditional or full-width spelling
            text, to_original, hits = self._normalised(text)
            top = max(map(_VALUE, hits)) if hits else -1
        if addressee is None or addressee not in _THIRD_PARTY_ROLES:
            if top < self.first_relevant:
                return EMPTY
            if top < self.first_self_sufficient:
                lo, hi = self.first_context, self.first_relevant
                for _, value in hits:
                    if lo <= value < hi:
                        break
                else:
                    return EMPTY
        return self._evaluate(text, to_original, hits, addressee, _as_date(time))

    def _scan_in_context(self, text: str, addressee: str | None, time: Any, context: frozenset[str]) -> ScanResult:
        """``scan`` with supplied context cues: the early exit for a message without any
        context key does not apply (the context is known)."""
        unknown = context - self.lex.context_cues
        if unknown:
            raise ValueError(f"not a context cue: {', '.join(sorted(unknown))}")
        hits = list(self._iter(text))
        to_original: Callable[[int, int], tuple[int, int]] = _identity
        if hits and max(map(_VALUE, hits)) == FLAG:
            text, to_original, hits = self._normalised(text)
        top = max(map(_VALUE, hits)) if hits else -1
        if top < self.first_relevant and (addressee is None or addressee not in _THIRD_PARTY_ROLES):
            return EMPTY
        return self._evaluate(text, to_original, hits, addressee, _as_date(time), context)

    def _normalised(self, text: str) -> tuple[str, Callable[[int, int], tuple[int, int]], list[tuple[int, int]]]:
        """The normalised text, the map back to the original, and its automaton hits."""
        norm = self.lex.normalizer(text)
        to_original: Callable[[int, int], tuple[int, int]] = _identity
        if len(norm) != len(text):
            to_original = _LazyOriginal(text, self.lex.normalizer)
        return norm, to_original, [hit for hit in self._iter(norm) if hit[1] != FLAG]

    def prepare(self) -> Scanner:
        """Derive everything built on first use now (the entries' gates): before forking
        workers, so each does not derive them again."""
        for entry in self.lex.entries:
            if entry.label is not None and entry.gate is None:
                prepare_gates(entry)
        return self

    def scan_many(self, texts: Iterable[str]) -> Iterator[ScanResult]:
        scan = self.scan
        for text in texts:
            yield scan(text)

    # -- internals ----------------------------------------------------------------
    def _basis(self, rule: str, day: dt.date | None) -> tuple[str, ...]:
        key = (rule, day)
        got = self._basis_cache.get(key)
        if got is None:
            got = tuple(self.book.basis_ids(rule, day))
            if len(self._basis_cache) < 10000:
                self._basis_cache[key] = got
        return got

    @staticmethod
    def _sentence_plan(entry: Entry, norm: str, s0: int, s1: int) -> Any:
        """An entry's verdict on one sentence [s0, s1), independent of where its key is.

        Cheap gates (``lexicon.gates``) go first.  ``_DEAD``: it cannot match here; ``_KEY_ONLY``: the key is the span; an ``(lo, hi)`` tuple inside a 1-tuple: the key
        widened by the ``all_of`` parts; a ``re.Match``: the pattern's first match in the
        sentence (replaced by the list of all its match spans when a key needs more).
        """
        gates = entry.gate
        if gates is None:
            gates = prepare_gates(entry)
        for gate in gates:
            if gate.search(norm, s0, s1) is None:
                return _DEAD
        if entry.sentence_requires is not None and not entry.sentence_requires.search(norm, s0, s1):
            return _DEAD
        excludes = entry.sentence_excludes
        if excludes is not None:
            may = entry.excludes_gate
            if (may is None or may.search(norm, s0, s1) is not None) and excludes.search(norm, s0, s1):
                return _DEAD
        requires = entry.message_requires
        if requires is not None:
            need = entry.message_gate
            if need is not None and need.search(norm) is None:
                return _DEAD
            if not requires.search(norm):
                return _DEAD
        if entry.all_of:
            lo = hi = -1
            for part in entry.all_of:
                m = part.search(norm, s0, s1)
                if m is None:
                    return _DEAD
                a, b = m.span()
                lo = a if lo < 0 else min(lo, a)
                hi = max(hi, b)
            if entry.pattern is None:
                return ((lo, hi),)
        if entry.pattern is None:
            return _KEY_ONLY
        # the first match only: it usually covers the key, and then the rest of the sentence
        # need not be searched (``_span_of`` asks for all matches when it does not)
        return entry.pattern.search(norm, s0, s1) or _DEAD

    def _evaluate(self, norm: str, to_original: Callable[[int, int], tuple[int, int]],
                  hits: list[tuple[int, int]], addressee: str | None, day: dt.date | None,
                  given: frozenset[str] = frozenset()) -> ScanResult:
        ends = [m.start() for m in _SENTENCE_END.finditer(norm)]
        ctx = MessageContext(norm, addressee, ends)
        if type(to_original) is _LazyOriginal:
            ctx.source = to_original
        cues = ctx.cues
        if "你" in norm or "您" in norm or "妳" in norm:
            cues["you"] = (0, 0)
        pending = ctx.pending
        plans = self._plans
        # every sentence as (verdicts by entry index, start, end), indexed like ``ctx.sentence``
        # finds it (bisect on the boundary positions)
        count = len(ends)
        sentences: list[_Sentence] = [({}, ends[i - 1] + 1 if i else 0, ends[i] if i < count else len(norm))
                                      for i in range(count + 1)]
        # (start, end, key, entries, sentence): specific entries of every hit first, then the
        # fallbacks, each in text order (the order a stable sort on ``fallback`` would give)
        specific: list[tuple[int, int, str, tuple[tuple[str, int, Entry], ...], _Sentence]] = []
        fallback: list[tuple[int, int, str, tuple[tuple[str, int, Entry], ...], _Sentence]] = []
        for end, value in hits:
            plan = plans[value]
            start = end - plan.length + 1
            for cue in plan.direct_cues:
                if cue not in cues:
                    cues[cue] = (start, end + 1)
            for cue, entry in plan.pattern_cues:
                if cue in cues:
                    continue
                if cue in pending:
                    pending[cue].append((entry, start, end + 1))
                else:
                    pending[cue] = [(entry, start, end + 1)]
            if plan.labelled:
                sentence = sentences[bisect.bisect_left(ends, start)] if count else sentences[0]
                if plan.specific:
                    specific.append((start, end + 1, plan.key, plan.specific, sentence))
                if plan.fallback:
                    fallback.append((start, end + 1, plan.key, plan.fallback, sentence))

        has = ctx.has
        decided = ctx.decided
        findings: list[TextFinding] = []
        suggestions: list[Suggestion] = []
        suggested: set[str] = set()
        found: set[str] = set()  # one finding per label and message is enough (labels are per message)
        seen: dict[str, tuple[int, int]] = {}
        sentence_plan = self._sentence_plan
        for group in (specific, fallback):
            for start, end, key, group_entries, (verdicts, s0, s1) in group:
                for label, index, entry in group_entries:
                    if label in found:
                        continue
                    plan = verdicts.get(index, verdicts)
                    if plan is verdicts:
                        plan = verdicts[index] = sentence_plan(entry, norm, s0, s1)
                    if plan is _DEAD:
                        continue
                    span = _span_of(plan, start, end)
                    if span is _ALL_MATCHES:
                        pattern = entry.pattern
                        assert pattern is not None
                        spans = verdicts[index] = [m.span() for m in pattern.finditer(norm, s0, s1)]
                        span = _span_of(spans, start, end)
                    if span is None:
                        continue
                    if entry.check_negation and ctx.negated(start, s0):
                        continue
                    blocked = False
                    for c in entry.block:
                        if c in cues or (c not in decided and has(c)):
                            blocked = True
                            break
                    if blocked:
                        continue
                    missing = None
                    supplied: set[str] | None = None
                    for need in entry.need_sets:
                        for c in need:
                            if c in cues or (c not in decided and has(c)):
                                break
                        else:
                            if given and not need.isdisjoint(given):  # known from outside the message
                                supplied = (supplied or set()) | (need & given)
                                continue
                            missing = need
                            break
                    if missing is not None or entry.suggest:
                        if label not in suggested:
                            suggested.add(label)
                            suggestions.append(Suggestion(label, to_original(*span), entry.id,
                                                          "weak_signal" if entry.suggest
                                                          else "missing_" + "_or_".join(sorted(missing or ()))))
                        continue
                    rule = self._rules[index]
                    seen[label] = span
                    found.add(label)
                    findings.append(TextFinding(label, rule, to_original(*span), key, entry.id,
                                                self._basis(rule, day), tuple(sorted(supplied or ()))))

        for entry in self.lex.check_entries:
            assert entry.label is not None and entry.check is not None
            if entry.label in seen:
                continue
            check_span = CHECKS[entry.check](ctx)
            if check_span is None:
                continue
            rule = self._rules[entry.index]
            seen[entry.label] = check_span
            findings.append(TextFinding(entry.label, rule, to_original(*check_span), entry.check, entry.id,
                                        self._basis(rule, day)))

        if not findings and not suggestions:
            return EMPTY
        labels = tuple(sorted({f.label for f in findings}))
        if len(findings) > 1:
            findings.sort(key=_finding_order)
        return ScanResult(labels, tuple(findings), tuple(s for s in suggestions if s.label not in seen))


def _span_of(plan: Any, start: int, end: int) -> tuple[int, int] | None:
    """Where an entry with sentence verdict ``plan`` matches around the key at [start, end)."""
    if plan is _DEAD:
        return None
    if plan is _KEY_ONLY:
        return start, end
    if type(plan) is tuple:  # all_of without a pattern: the key widened by the parts
        lo, hi = plan[0]
        return min(lo, start), max(hi, end)
    if type(plan) is re.Match:  # the pattern's first match in the sentence
        a, b = plan.span()
        return (a, b) if a <= start and b >= end else _ALL_MATCHES
    for a, b in plan:
        if a <= start and b >= end:
            return a, b
    for a, b in plan:
        if a < end and b > start:
            return min(a, start), max(b, end)
    return None


def _finding_order(finding: TextFinding) -> tuple[tuple[int, int], str]:
    return finding.span, finding.label


@cache
def default_scanner(jurisdiction: str = "cn") -> Scanner:
    """The process-wide scanner (built on first use: the automaton takes a moment)."""
    return Scanner(build(jurisdiction), load_rulebook(jurisdiction))


def scan_text(text: str, *, channel: str | None = None, addressee: str | None = None,
              time: Any = None, context: frozenset[str] = frozenset()) -> ScanResult:
    """Find illegal-collection acts in one message.

    ``addressee``: who received it — ``"debtor"`` (default assumption), or a third-party
    role such as ``"contact"``, ``"family"``, ``"colleague"``, ``"group"``, ``"public"``.
    ``time``: the message time (datetime, date or ISO string); it picks the statute
    versions in force (治安管理处罚法 第四十二条 before 2026-01-01, 第五十条 from then);
    without it the current versions are cited.  ``channel`` (sms, call, chat, …) is
    accepted for the record; text rules do not depend on it yet.  ``context``: context
    cues known from outside the message (``{"debt"}``: the sender already sent collection
    messages); findings that relied on them say so in ``TextFinding.context``.
    """
    del channel
    return default_scanner().scan(text, addressee=addressee, time=time, context=context)
