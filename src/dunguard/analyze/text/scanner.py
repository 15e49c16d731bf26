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
from dunguard.analyze.text.lexicon import FLAG, Entry, Lexicon, build
from dunguard.analyze.text.normalize import Normalized

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_LAST_CLAUSE = re.compile(r".*[，,]", re.S)
_NEGATION = re.compile(
    r"(?:不会|不得|绝不|决不|从不|从未|未曾|禁止|请勿|切勿|不存在|并非|无需|不用|不再|不收取|承诺不|严禁|杜绝|"
    r"并没有|从没有|我们没有|我司没有|不涉及|不可能|不能(?!怪|再拖|再等|再躲|拖))"
)
_NOT_NEGATION = re.compile(r"不会(?:放过|善罢甘休|客气|手软|让你好过|轻易|再给)|不再(?:给你|提醒|通知你|宽限)")

_VALUE = operator.itemgetter(1)


def _is_fallback(hit: tuple[Entry, int, int, str]) -> bool:
    return hit[0].fallback


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

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "rule": self.rule, "span": list(self.span), "basis": list(self.basis),
                "entry": self.entry, "trigger": self.trigger}


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

    __slots__ = ("addressee", "cues", "decided", "matches", "norm", "pending", "sentence_ends")

    def __init__(self, norm: str, addressee: str | None, sentence_ends: list[int]) -> None:
        self.norm = norm
        self.addressee = addressee
        self.sentence_ends = sentence_ends
        self.cues: dict[str, tuple[int, int]] = {}
        self.matches: dict[tuple[int, int], list[tuple[int, int]]] = {}
        # cue hits whose patterns have not been run yet: evaluated on first use (``has``)
        self.pending: dict[str, list[tuple[Entry, int, int]]] = {}
        self.decided: set[str] = set()

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
        norm = self.norm
        for entry, start, end in self.pending.get(cue, ()):
            s0, s1 = self.sentence(start)
            s0, s1 = max(s0, start - _CUE_WINDOW), min(s1, end + _CUE_WINDOW)
            for pat in entry.patterns:
                for m in pat.finditer(norm, s0, s1):
                    if m.start() < end and m.end() > start:
                        self.cues[cue] = (m.start(), m.end())
                        return True
        return False

    def get(self, cue: str) -> tuple[int, int] | None:
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
        cut = _LAST_CLAUSE.search(before)
        if cut is not None:
            before = before[cut.end():]
        if before.endswith("不"):
            return True
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

    # -- public -------------------------------------------------------------------
    def scan(self, text: str, *, addressee: str | None = None, time: Any = None) -> ScanResult:
        hits = list(self._iter(text))
        third = addressee is not None and addressee in third_party.THIRD_PARTY_ROLES
        if not hits:
            if not third:
                return EMPTY
            normed = Normalized(text, None)
        else:
            top = max(hits, key=_VALUE)[1]
            if top == FLAG:  # hidden separators, traditional or full-width spelling
                normed = self.lex.normalizer.normalize(text)
                hits = [hit for hit in self._iter(normed.text) if hit[1] != FLAG]
                top = max(hits, key=_VALUE)[1] if hits else -1
            else:
                normed = Normalized(text, None)
            if not third:
                if top < self.first_relevant:
                    return EMPTY
                if top < self.first_self_sufficient:
                    lo, hi = self.first_context, self.first_relevant
                    if not any(lo <= value < hi for _, value in hits):
                        return EMPTY
        keys = self.lex.keys
        return self._evaluate(normed, [(end, keys[value]) for end, value in hits], addressee, _as_date(time))

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
    def _match(entry: Entry, ctx: MessageContext, start: int, end: int, s0: int, s1: int) -> tuple[int, int] | None:
        """The span of ``entry``'s pattern that covers (or overlaps) the key at [start, end).

        [s0, s1) is the sentence containing the key.
        """
        if entry.sentence_requires is not None and not entry.sentence_requires.search(ctx.norm, s0, s1):
            return None
        if entry.sentence_excludes is not None and entry.sentence_excludes.search(ctx.norm, s0, s1):
            return None
        if entry.message_requires is not None and not entry.message_requires.search(ctx.norm):
            return None
        if entry.all_of:
            lo, hi = start, end
            for part in entry.all_of:
                m = part.search(ctx.norm, s0, s1)
                if m is None:
                    return None
                lo, hi = min(lo, m.start()), max(hi, m.end())
            if entry.pattern is None:
                return lo, hi
        if entry.pattern is None:
            return start, end
        cache_key = (entry.index, s0)
        matches = ctx.matches.get(cache_key)
        if matches is None:
            matches = [m.span() for m in entry.pattern.finditer(ctx.norm, s0, s1)]
            ctx.matches[cache_key] = matches
        for a, b in matches:
            if a <= start and b >= end:
                return a, b
        for a, b in matches:
            if a < end and b > start:
                return min(a, start), max(b, end)
        return None

    def _evaluate(self, normed: Normalized, hits: list[tuple[int, str]], addressee: str | None,
                  day: dt.date | None) -> ScanResult:
        norm = normed.text
        entries = self.lex.entries
        ctx = MessageContext(norm=norm, addressee=addressee,
                             sentence_ends=[m.start() for m in _SENTENCE_END.finditer(norm)])
        if "你" in norm or "您" in norm or "妳" in norm:
            ctx.cues["you"] = (0, 0)
        label_hits: list[tuple[Entry, int, int, str]] = []
        for end, key in hits:
            start = end - len(key) + 1
            for idx in self.lex.by_key[key]:
                entry = entries[idx]
                if entry.cue is not None:
                    if entry.cue in ctx.cues:
                        continue
                    if not entry.patterns:
                        ctx.cues[entry.cue] = (start, end + 1)
                    else:
                        ctx.pending.setdefault(entry.cue, []).append((entry, start, end + 1))
                else:
                    label_hits.append((entry, start, end + 1, key))

        has = ctx.has
        findings: list[TextFinding] = []
        suggestions: list[Suggestion] = []
        seen: dict[str, list[tuple[int, int]]] = {}

        def overlaps(label: str, span: tuple[int, int]) -> bool:
            return any(a < span[1] and span[0] < b for a, b in seen.get(label, ()))

        found: set[str] = set()  # one finding per label and message is enough (labels are per message)
        if len(label_hits) > 1:
            label_hits.sort(key=_is_fallback)  # stable: specific entries first, in text order
        for entry, start, end, key in label_hits:
            assert entry.label is not None
            if entry.label in found:
                continue
            sentence_start, sentence_end = ctx.sentence(start)
            span = self._match(entry, ctx, start, end, sentence_start, sentence_end)
            if span is None or overlaps(entry.label, span):
                continue
            if entry.check_negation and ctx.negated(start, sentence_start):
                continue
            if any(has(c) for c in entry.block):
                continue
            orig = normed.to_original(*span)
            missing = [n for n in entry.need_sets if not any(has(c) for c in n)]
            if missing or entry.suggest:
                if not any(s.label == entry.label for s in suggestions):
                    suggestions.append(Suggestion(entry.label, orig, entry.id,
                                                  "weak_signal" if entry.suggest
                                                  else "missing_" + "_or_".join(sorted(missing[0]))))
                continue
            rule = entry.rule or self.label_rule[entry.label]
            seen.setdefault(entry.label, []).append(span)
            found.add(entry.label)
            findings.append(TextFinding(entry.label, rule, orig, key, entry.id, self._basis(rule, day)))

        for entry in self.lex.check_entries:
            assert entry.label is not None and entry.check is not None
            if entry.label in seen:
                continue
            span = CHECKS[entry.check](ctx)
            if span is None:
                continue
            rule = entry.rule or self.label_rule[entry.label]
            seen.setdefault(entry.label, []).append(span)
            findings.append(TextFinding(entry.label, rule, normed.to_original(*span), entry.check, entry.id,
                                        self._basis(rule, day)))

        if not findings and not suggestions:
            return EMPTY
        labels = tuple(sorted({f.label for f in findings}))
        suggestions = [s for s in suggestions if s.label not in seen]
        findings.sort(key=lambda f: (f.span, f.label))
        return ScanResult(labels, tuple(findings), tuple(suggestions))


@cache
def default_scanner(jurisdiction: str = "cn") -> Scanner:
    """The process-wide scanner (built on first use: the automaton takes a moment)."""
    return Scanner(build(jurisdiction), load_rulebook(jurisdiction))


def scan_text(text: str, *, channel: str | None = None, addressee: str | None = None,
              time: Any = None) -> ScanResult:
    """Find illegal-collection acts in one message.

    ``addressee``: who received it — ``"debtor"`` (default assumption), or a third-party
    role such as ``"contact"``, ``"family"``, ``"colleague"``, ``"group"``, ``"public"``.
    ``time``: the message time (datetime, date or ISO string); it picks the statute
    versions in force (治安管理处罚法 第四十二条 before 2026-01-01, 第五十条 from then);
    without it the current versions are cited.  ``channel`` (sms, call, chat, …) is
    accepted for the record; text rules do not depend on it yet.
    """
    del channel
    return default_scanner().scan(text, addressee=addressee, time=time)
