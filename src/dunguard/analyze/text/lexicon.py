"""Loading the text lexicon (YAML) and building the one Aho-Corasick automaton.

Every key of every label entry and context cue goes into a single ``pyahocorasick``
automaton over *normalised* text.  So that most messages never need normalising, the
automaton also holds:

* the traditional-character and upper-case spellings of every key (爆通訊錄, B通讯录), so
  a message in traditional characters still hits without conversion; and
* *flag* keys — a key character followed by a separator (``通 `` / ``通*``), or any
  full-width letter — whose only job is to say "this message hides something; normalise it
  and scan again".

A message with no hit at all is finished after one pass of the automaton.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import ahocorasick
import yaml

from dunguard.analyze.text.normalize import Normalizer, load_normalizer
from dunguard.errors import FormatError

DEFAULT_UNLESS = ("negated", "complaint", "antifraud")
# Conditions an entry's ``needs`` / ``unless`` may name besides the cues of cues.yaml:
# "you" (the message addresses someone: 你/您), "third_party" (it reaches someone other
# than the debtor: the addressee, or the third_party_address cue), "negated" (a negation
# earlier in the same clause; ``unless`` only).
BUILTIN_CONDITIONS = frozenset({"you", "third_party", "negated"})
FLAG = 1 << 30  # automaton value of a flag key (above every key index: one max() finds it)
# libyaml's safe loader when PyYAML was built with it (same documents, several times faster)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # {0,16} is a quantifier, not a macro
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(slots=True)
class Entry:
    """One detector entry (a label entry or a cue)."""

    id: str
    label: str | None  # None for cues
    cue: str | None  # cue class name for cues
    keys: tuple[str, ...]
    pattern: re.Pattern[str] | None
    patterns: tuple[re.Pattern[str], ...] = ()
    sentence_requires: re.Pattern[str] | None = None
    sentence_excludes: re.Pattern[str] | None = None
    message_requires: re.Pattern[str] | None = None
    # co-occurrence: every regex must match somewhere in the key's sentence (any order)
    all_of: tuple[re.Pattern[str], ...] = ()
    needs: tuple[str, ...] = ("debt",)
    unless: tuple[str, ...] = DEFAULT_UNLESS
    check: str | None = None
    suggest: bool = False
    rule: str | None = None
    # compositional (broad) entries are tried after the specific ones of the same label
    fallback: bool = False
    index: int = 0
    # derived: message-level blockers (unless minus "negated") and needs as alternative sets
    block: frozenset[str] = frozenset()
    need_sets: tuple[frozenset[str], ...] = ()
    check_negation: bool = False
    # derived on first use (``prepare_gates``; None until then): literal alternations that
    # must each match in the key's sentence for the sentence-level regexes to pass;
    # ``excludes_gate`` must match in the sentence and ``message_gate`` in the message for
    # those regexes to match (None: always run them)
    gate: tuple[re.Pattern[str], ...] | None = None
    excludes_gate: re.Pattern[str] | None = None
    message_gate: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self.block = frozenset(u for u in self.unless if u != "negated")
        self.need_sets = tuple(frozenset(n.split("|")) for n in self.needs)
        self.check_negation = "negated" in self.unless


@dataclass(slots=True)
class Lexicon:
    normalizer: Normalizer
    entries: list[Entry] = field(default_factory=list)
    automaton: Any = None
    # key (normalised) -> indexes of entries having that key
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    keys: tuple[str, ...] = ()
    first_context: int = 0
    first_relevant: int = 0
    first_self_sufficient: int = 0
    check_entries: list[Entry] = field(default_factory=list)
    # cues declared ``context: true`` in cues.yaml: they supply the collection context
    # ("this is about a debt") most label entries need; a caller that knows the context from
    # outside the message (the sender's earlier collection messages) may supply them
    context_cues: frozenset[str] = frozenset()


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    for _ in range(5):
        new = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    unknown = [m for m in _MACRO.findall(pattern) if m not in macros]
    if unknown:  # (quantifiers such as {0,16} start with a digit: never taken for a macro)
        raise FormatError("analyze.lexicon.bad_pattern", file=where, error=f"unknown macro {unknown[0]}")
    return pattern


_LITERAL_ALTERNATION = re.compile(r"^\(\?:([^()\[\]\\?*+{}.^$]+)\)$")


def _prefilter(macros: dict[str, str]) -> dict[str, str]:
    """Give each pure literal alternation macro a first-character lookahead.

    Python's ``re`` tries every branch of an alternation at every position; a leading
    character-class lookahead rejects most positions at C speed (a large speed-up for
    macros such as ``{fam}`` with a hundred words).
    """
    out = {}
    for name, value in macros.items():
        m = _LITERAL_ALTERNATION.match(value)
        if m and len(m.group(1).split("|")) > 8:
            firsts = sorted({word[0] for word in m.group(1).split("|") if word})
            value = "(?=[" + "".join(re.escape(c) for c in firsts) + "])" + value
        out[name] = value
    return out


def _near(parts: list[str], window: int, ordered: bool = False, clause: bool = False) -> str:
    """Proximity of word classes: every part occurs, with at most ``window`` characters
    between neighbours, in any order (one alternative per permutation) unless ``ordered``.
    The gap never crosses a sentence boundary, nor a comma when ``clause``."""
    gap = ("[^，,。！？!?；;\\n]" if clause else "{sep}") + "{0," + str(window) + "}?"
    orders = [tuple(parts)] if ordered else list(itertools.permutations(parts))
    alts = [gap.join(f"(?:{p})" for p in perm) for perm in orders]
    return "|".join(f"(?:{a})" for a in alts)


def _class_words(name: str, raw_macros: dict[str, str], where: str) -> tuple[str, ...]:
    """The literal words of a class macro (a pure alternation), for automaton keys."""
    value = raw_macros.get(name)
    m = _LITERAL_ALTERNATION.match(value or "")
    if m is None:
        raise FormatError("analyze.lexicon.bad_pattern", file=where,
                          error=f"keys_from: {name} is not a literal word class")
    return tuple(w for w in m.group(1).split("|") if w)


def _compile(pattern: str | None, macros: dict[str, str], where: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    expanded = _expand(pattern, macros, where)
    try:
        compiled = re.compile(expanded, re.IGNORECASE)
    except re.error as exc:
        raise FormatError("analyze.lexicon.bad_pattern", file=where, error=str(exc)) from None
    return _with_first_chars(compiled)


# -- first-character lookahead: the characters any match can start with ----------------------
#
# Python's ``re`` tries a pattern at every position of the text, and at each one walks its
# alternation branch by branch; it skips positions cheaply only when every branch starts with
# a literal.  Most lexicon patterns start with an optional or grouped part (``(?:全国)?通缉``),
# so we compute the set of characters a match can start with and put a character-class
# lookahead in front: positions whose character is not in it are rejected in one step.  The
# matches (and their spans) are exactly the same; only patterns that cannot match the empty
# string and whose first characters are a small finite set get one.

_MAX_FIRST = 256
# pattern text with the lookahead -> the pattern as written (gates are derived from the latter)
_WRITTEN: dict[str, str] = {}


def _class_chars(av: Any, limit: int) -> set[str] | None:
    """The characters of a parsed character class (None: negated, a category, or a range of
    ``limit`` or more characters)."""
    chars: set[str] = set()
    for item_op, item_av in av:
        if item_op is _sre.LITERAL:
            chars.add(chr(item_av))
        elif item_op is _sre.RANGE and item_av[1] - item_av[0] < limit:
            chars.update(chr(c) for c in range(item_av[0], item_av[1] + 1))
        else:
            return None
    return chars


def _first_seq(items: Any) -> tuple[set[str] | None, bool]:
    """(characters a match of the sequence can start with, can it match empty); None: any."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_node(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_node(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        return _class_chars(av, _MAX_FIRST), False
    if op is _sre.BRANCH:
        union: set[str] = set()
        empty = False
        for alternative in av[1]:
            got, nullable = _first_seq(alternative)
            if got is None:
                return None, False
            union |= got
            empty = empty or nullable
        return union, empty
    if op is _sre.SUBPATTERN:
        return _first_seq(av[-1])
    if op is _sre.ATOMIC_GROUP:
        return _first_seq(av)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        got, nullable = _first_seq(av[2])
        return (None, False) if got is None else (got, nullable or av[0] == 0)
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):  # zero-width: says nothing about the first character
        return set(), True
    return None, False  # ANY, NOT_LITERAL, CATEGORY, GROUPREF …: any character


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of ``pattern`` starts with (None: unknown, too many, or
    the pattern can match the empty string)."""
    parsed = _parse(_WRITTEN.get(pattern.pattern, pattern.pattern), pattern.flags)
    if parsed is None:
        return None
    chars, nullable = _first_seq(parsed)
    if chars is None or nullable or not chars or len(chars) > _MAX_FIRST:
        return None
    return frozenset(chars)


def _with_first_chars(compiled: re.Pattern[str]) -> re.Pattern[str]:
    chars = first_chars(compiled)
    if chars is None:
        return compiled
    fast = "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])(?:" + compiled.pattern + ")"
    try:
        out = re.compile(fast, compiled.flags)
    except re.error:  # pragma: no cover - e.g. global inline flags: keep the pattern as written
        return compiled
    _WRITTEN[fast] = compiled.pattern
    return out


def _read_yaml(jurisdiction: str, name: str) -> dict[str, Any]:
    path = resources.files("dunguard.analyze") / "rulebooks" / jurisdiction / "lexicon" / name
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    if not isinstance(data, dict):
        raise FormatError("analyze.rulebook.bad_file", file=f"{jurisdiction}/lexicon/{name}")
    return data


def _variants(key: str, normalizer: Normalizer, reverse: dict[str, list[str]], limit: int = 64) -> set[str]:
    """Spellings of a normalised key that normalise back to it (traditional, case)."""
    options: list[list[str]] = []
    for ch in key:
        alts = [ch, *reverse.get(ch, ())]
        if ch.isascii() and ch.isalpha():
            alts.append(ch.upper())
        options.append(alts)
    out: set[str] = set()
    for combo in itertools.product(*options):
        out.add("".join(combo))
        if len(out) >= limit:
            break
    return out


# -- gates: cheap necessary conditions for an entry's regexes -------------------------------
#
# Most entries whose key is hit fail on the rest of their pattern (the other word class of a
# composition is not in the sentence), and most sentences contain none of the words an
# exclusion regex looks for.  From the parsed regex we derive *word sets*: sets of strings of
# which at least one must occur inside any match (a literal run is one string, a character
# class a set of one-character strings, a branch the union of its alternatives' sets).  A
# word set compiles to a plain alternation of literals, which Python's ``re`` searches at
# nearly C speed (a first-character scan, then short literal compares), far cheaper than a
# composition of classes with windows and lookaheads.  A regex whose gate finds nothing cannot
# match, so it is not run.  Sets containing a cased character are not used (the regexes are
# case-insensitive), so a gate never rejects a real match.

try:  # the parser behind ``re`` (private, stable since Python 3.11); without it: no gates
    _sre: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre = None
_COMMON = frozenset("你您妳我他她它们的了是不就在有这那个人一也都要会说好吗呢吧啊和与")
_MAX_CLASS = 64  # a character class with more members gives no gate
_MAX_GATES = 2
_Needs = list[frozenset[str]]  # conjunction: a member of every set must occur


def _cased(text: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in text)


class _Ranker:
    """Orders candidate word sets: lower is a stronger gate.  A set met by one of the
    entry's keys (the key is always in its sentence) is useless for that key; single common
    characters are met by most sentences; bigger sets are met more often."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        # every substring of every key: a word set is met by a key iff they intersect
        self.key_parts = [frozenset(k[i:j] for i in range(len(k)) for j in range(i + 1, len(k) + 1)) for k in keys]
        self.memo: dict[frozenset[str], tuple[int, int, int]] = {}

    def __call__(self, words: frozenset[str]) -> tuple[int, int, int]:
        got = self.memo.get(words)
        if got is None:
            met = sum(1 for parts in self.key_parts if not parts.isdisjoint(words))
            share = (4 * met) // len(self.key_parts) if self.key_parts else 0  # quarters of the keys
            single = sum(8 if w in _COMMON else 2 for w in words if len(w) == 1)
            got = self.memo[words] = (share, single, len(words))
        return got


def _best_first(needs: _Needs, rank: _Ranker) -> _Needs:
    return sorted(needs, key=rank) if len(needs) > 1 else needs


def _node_needs(op: Any, av: Any, rank: _Ranker) -> _Needs:
    if op is _sre.IN:
        chars = _class_chars(av, _MAX_CLASS)
        if chars is None:  # NEGATE, CATEGORY, a large range: anything may match
            return []
        if not chars or len(chars) > _MAX_CLASS or any(_cased(c) for c in chars):
            return []
        return [frozenset(chars)]
    if op is _sre.SUBPATTERN:
        return _seq_needs(av[-1], rank)
    if op is _sre.ATOMIC_GROUP:
        return _seq_needs(av, rank)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        return _seq_needs(av[2], rank) if av[0] >= 1 else []
    if op is _sre.ASSERT and av[0] == 1:  # a lookahead (a lookbehind may look before the sentence)
        return _seq_needs(av[1], rank)
    if op is _sre.BRANCH:
        alternatives = [_best_first(_seq_needs(alt, rank), rank) for alt in av[1]]
        if not alternatives or any(not alt for alt in alternatives):
            return []
        depth = max(len(alt) for alt in alternatives)
        # union of the j-th best set of every alternative: each union is a necessary condition
        return list(dict.fromkeys(frozenset().union(*(alt[min(j, len(alt) - 1)] for alt in alternatives))
                                  for j in range(min(depth, _MAX_GATES))))
    return []  # ANY, NOT_LITERAL, AT, ASSERT_NOT, GROUPREF …: no requirement


def _seq_needs(items: Any, rank: _Ranker) -> _Needs:
    out: _Needs = []
    run: list[str] = []  # consecutive literal characters: one string

    def flush() -> None:
        if run:
            # the longest piece without cased letters is in every match (case-insensitively
            # matched letters are not)
            pieces = "".join(ch if not _cased(ch) else "\0" for ch in run).split("\0")
            word = max(pieces, key=len)
            if word:
                out.append(frozenset((word,)))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        flush()
        out.extend(_node_needs(op, av, rank))
    flush()
    return out


@functools.lru_cache(maxsize=2048)
def _parse(pattern: str, flags: int) -> Any:
    if _sre is None:  # pragma: no cover
        return None
    try:
        return _sre.parse(pattern, flags)
    except (re.error, RecursionError, ValueError):  # a gate is only an optimisation
        return None


def regex_needs(pattern: re.Pattern[str], keys: tuple[str, ...] = (), rank: _Ranker | None = None) -> _Needs:
    """Word sets of which each must have a member inside any match of ``pattern``, best
    first (``keys``: the entry's keys, always present, so sets they meet rank last).
    An unparseable pattern gives no sets (no gate: always correct)."""
    rank = rank or _Ranker(keys)
    parsed = _parse(_WRITTEN.get(pattern.pattern, pattern.pattern), pattern.flags)
    if parsed is None:
        return []
    return sorted(dict.fromkeys(_seq_needs(parsed, rank)), key=rank)


def _useful(needs: _Needs, rank: _Ranker) -> tuple[frozenset[str], ...]:
    return tuple(w for w in sorted(dict.fromkeys(needs), key=rank) if rank(w)[0] < 2)[:_MAX_GATES]


def _alternation(words: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


def gates(entry: Entry) -> tuple[re.Pattern[str], ...]:
    """Up to two literal alternations that must each match in the key's sentence for
    ``entry``'s ``pattern``, ``sentence_requires`` and ``all_of`` regexes to match there."""
    rank = _Ranker(entry.keys)
    needs: _Needs = []
    for pat in (entry.pattern, entry.sentence_requires, *entry.all_of):
        if pat is not None:
            needs.extend(regex_needs(pat, rank=rank))
    return tuple(_alternation(words) for words in _useful(needs, rank))


@functools.lru_cache(maxsize=1024)
def _exclude_gate(pattern: str, flags: int) -> re.Pattern[str] | None:
    needs = regex_needs(re.compile(pattern, flags))
    return _alternation(needs[0]) if needs else None


def exclude_gate(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """A literal alternation that must match wherever ``pattern`` matches (None: no such
    alternation is known; always run the regex)."""
    return None if pattern is None else _exclude_gate(pattern.pattern, pattern.flags)


def prepare_gates(entry: Entry) -> tuple[re.Pattern[str], ...]:
    """Derive ``entry``'s gates (once; deriving them for every entry would slow start-up
    for entries a run never reaches).  Returns ``entry.gate``."""
    entry.excludes_gate = exclude_gate(entry.sentence_excludes)
    entry.message_gate = exclude_gate(entry.message_requires)
    entry.gate = found = gates(entry)  # last: a non-None gate says all three are ready
    return found


def normalized_key(normalizer: Normalizer, key: str, where: str) -> str:
    """A key as the automaton stores it; a key normalisation deletes entirely (emoji,
    separators) could never match, so it is a rulebook error, not a silent no-op."""
    norm = normalizer(key)
    if not norm:
        raise FormatError("analyze.lexicon.bad_pattern", file=where,
                          error=f"key {key!r} is deleted by normalisation and can never match")
    return norm


def build(jurisdiction: str = "cn") -> Lexicon:
    normalizer = load_normalizer(jurisdiction)
    lex = Lexicon(normalizer)
    cues_data = _read_yaml(jurisdiction, "cues.yaml")
    raw_macros = {str(k): str(v) for k, v in (cues_data.get("macros") or {}).items()}
    macros = _prefilter(raw_macros)
    folder = resources.files("dunguard.analyze") / "rulebooks" / jurisdiction / "lexicon"

    def add(entry: Entry) -> None:
        entry.index = len(lex.entries)
        lex.entries.append(entry)

    context_cues: set[str] = set()
    for name, raw in (cues_data.get("cues") or {}).items():
        where = f"{jurisdiction}/lexicon/cues.yaml:{name}"
        if raw.get("context", False):
            context_cues.add(str(name))
        joined = "|".join(f"(?:{x})" for x in raw.get("patterns") or ())
        combined = _compile(joined, macros, where)
        pats = (combined,) if combined else ()
        add(Entry(id=f"cue.{name}", label=None, cue=str(name), keys=tuple(str(k) for k in raw.get("keys") or ()),
                  pattern=None, patterns=pats, needs=(), unless=()))
    for item in sorted(folder.iterdir(), key=lambda e: e.name):
        if item.name == "cues.yaml" or not item.name.endswith(".yaml"):
            continue
        data = _read_yaml(jurisdiction, item.name)
        for raw in data.get("entries") or ():
            where = f"{jurisdiction}/lexicon/{item.name}:{raw.get('id')}"
            if "id" not in raw or "label" not in raw:
                raise FormatError("analyze.lexicon.bad_entry", file=where)
            pattern = raw.get("pattern")
            if raw.get("near"):
                # compositional entry: classes within a window of each other, any order
                near = _near([str(x) for x in raw["near"]], int(raw.get("window", 10)),
                             ordered=bool(raw.get("ordered", False)), clause=bool(raw.get("clause", False)))
                pattern = f"{pattern}|{near}" if pattern else near
            keys = [str(k) for k in raw.get("keys") or ()]
            for name in raw.get("keys_from") or ():
                keys.extend(_class_words(str(name), raw_macros, where))
            entry = Entry(
                id=str(raw["id"]), label=str(raw["label"]), cue=None,
                keys=tuple(dict.fromkeys(keys)),
                pattern=_compile(pattern, macros, where),
                sentence_requires=_compile(raw.get("sentence_requires"), macros, where),
                sentence_excludes=_compile(raw.get("sentence_excludes"), macros, where),
                message_requires=_compile(raw.get("message_requires"), macros, where),
                all_of=tuple(p for p in (_compile(x, macros, where) for x in raw.get("all_of") or ()) if p),
                needs=tuple(raw.get("needs", ("debt",)) or ()),
                unless=tuple(raw.get("unless", DEFAULT_UNLESS) or ()),
                check=raw.get("check"), suggest=bool(raw.get("suggest", False)), rule=raw.get("rule"),
                fallback=bool(raw.get("fallback", bool(raw.get("near")))),
            )
            add(entry)
            if entry.check:
                lex.check_entries.append(entry)

    lex.context_cues = frozenset(context_cues)
    _check_conditions(lex, jurisdiction)

    # key -> entries; keys are stored normalised
    by_key: dict[str, list[int]] = {}
    for entry in lex.entries:
        for key in entry.keys:
            norm = normalized_key(normalizer, key, f"{jurisdiction}/lexicon:{entry.id}")
            by_key.setdefault(norm, []).append(entry.index)
    lex.by_key = {k: tuple(v) for k, v in by_key.items()}

    # Automaton values are ints: FLAG (a huge int) for flags and non-canonical spellings, else the
    # index of the canonical key in ``lex.keys``.  Keys that only feed context cues come
    # first (< ``lex.first_relevant``): a message hitting nothing above that is finished
    # without evaluation (see Scanner.scan).
    #   [0, context)            cue-only keys that give no context (complaint, antifraud …)
    #   [context, needy)        keys of context cues that label entries need (debt, menace)
    #   [needy, self_sufficient) label keys whose entries all need debt/menace context (a need
    #                           counts only if every alternative is such a cue: 'debt|you' does not)
    #   [self_sufficient, n)    label keys usable on their own
    context = lex.context_cues

    def category(key: str) -> int:
        idxs = lex.by_key[key]
        cues = {lex.entries[i].cue for i in idxs if lex.entries[i].cue}
        label_entries = [lex.entries[i] for i in idxs if lex.entries[i].cue is None]
        if not label_entries and "third_party_address" not in cues:
            return 1 if cues & context else 0
        if cues & context:
            return 3
        if all(any(set(n.split("|")) <= context for n in e.needs) for e in label_entries):
            return 2
        return 3

    ranked = sorted(lex.by_key, key=lambda k: (category(k), k))
    lex.keys = tuple(ranked)
    cats = [category(k) for k in ranked]
    lex.first_context = cats.index(1) if 1 in cats else len(cats)
    lex.first_relevant = next((i for i, c in enumerate(cats) if c >= 2), len(cats))
    lex.first_self_sufficient = next((i for i, c in enumerate(cats) if c >= 3), len(cats))
    reverse: dict[str, list[str]] = {}
    for trad in normalizer.traditional:
        reverse.setdefault(normalizer.char(trad), []).append(trad)
    automaton = ahocorasick.Automaton()
    key_chars: set[str] = set()
    canonical = set(lex.keys)
    for index, key in enumerate(lex.keys):
        automaton.add_word(key, index)
        # a separator before a key's Chinese character or Latin letter ('bao tong xun lu') flags normalisation
        key_chars.update(ch for ch in key if _CJK.match(ch) or (ch.isascii() and ch.isalpha()))
        for spelling in _variants(key, normalizer, reverse):
            if spelling not in canonical:
                automaton.add_word(spelling, FLAG)
    for ch in key_chars:
        for sep in normalizer.separators:
            automaton.add_word(sep + ch, FLAG)
    for code in range(0xFF21, 0xFF5B):
        automaton.add_word(chr(code), FLAG)
    for sym in normalizer.symbols:  # a pictograph that stands for a word (🔪 → 刀): read it as that word
        automaton.add_word(sym, FLAG)
    automaton.make_automaton()
    lex.automaton = automaton
    return lex


def _check_conditions(lex: Lexicon, jurisdiction: str) -> None:
    """Every name in an entry's ``needs`` and ``unless`` is a cue or a built-in condition:
    a misspelt one would never hold, silently turning the entry into a suggestion only."""
    known = {e.cue for e in lex.entries if e.cue is not None} | BUILTIN_CONDITIONS
    for entry in lex.entries:
        if entry.label is None:
            continue
        named = [("needs", c) for need in entry.need_sets for c in sorted(need)]
        named += [("unless", c) for c in entry.unless]
        for field_name, name in named:
            if name not in known or (name == "negated" and field_name == "needs"):
                raise FormatError("analyze.rulebook.bad_field", file=f"{jurisdiction}/lexicon:{entry.id}",
                                  field=field_name, value=name)


CheckFn = Callable[..., Any]
