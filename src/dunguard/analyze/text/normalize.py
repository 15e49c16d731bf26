"""Text normalisation for matching, with a map back to the original offsets.

Collectors evade keyword filters with traditional characters (爆通訊錄), full-width letters
(ｔｘｌ), upper case (B通讯录) and symbols or spaces between characters (通 讯*录).  Matching
runs on a normalised copy: traditional → simplified (a character table shipped as data,
``rulebooks/<j>/normalize.yaml``), full-width → half-width, upper → lower case, and
separators deleted.  Every replacement is one character for one character, so the only
offset change comes from deletions; :func:`Normalizer.normalize` returns the kept positions
so a span on the normalised text maps back to the original exactly.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

# Emoji and pictographs are deleted like separators (爆💥通讯录).
_EMOJI_RANGES = ((0x1F300, 0x1FAFF), (0x2600, 0x27BF), (0xFE00, 0xFE0F), (0x1F000, 0x1F2FF))


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    # positions[i] = index in the original of normalised char i; None if nothing was deleted
    positions: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if self.positions is None:
            return start, end
        if end <= start:
            pos = self.positions[start] if start < len(self.positions) else (self.positions[-1] + 1)
            return pos, pos
        return self.positions[start], self.positions[end - 1] + 1


# A spoken pause in a voice transcript: a run of spaces between runs of at least three other
# characters ("你没钱你不会去借吗 借呗微粒贷你都试过没有").  A spaced-out word ("通 讯 录") has
# single characters between its spaces, so it is not a pause.
_PAUSE = re.compile(r"(?<=\S\S\S)[ \t\u3000\u00a0]+(?=\S\S\S)")


def pause_positions(normed: Normalized, original: str) -> tuple[int, ...]:
    """Positions in the normalised text where the original had a spoken pause (the index of
    the first character after it); normalisation deletes the spaces, these keep the breaks."""
    if normed.positions is None:
        return ()
    return tuple(bisect.bisect_left(normed.positions, m.end()) for m in _PAUSE.finditer(original))


class Normalizer:
    """Builds the translate table once; ``normalize`` is then one C-level pass."""

    def __init__(self, t2s: dict[str, str], separators: str, symbols: dict[str, str] | None = None) -> None:
        table: dict[int, int | None] = {}
        for trad, simp in t2s.items():
            table[ord(trad)] = ord(simp)
        for code in range(0xFF01, 0xFF5F):  # full-width ASCII → ASCII
            table[code] = code - 0xFEE0
        for code in range(ord("A"), ord("Z") + 1):
            table[code] = code + 32
        for code in range(0xFF21, 0xFF3B):  # full-width A-Z → a-z
            table[code] = code - 0xFEE0 + 32
        self.separators = frozenset(separators)
        for ch in separators:
            table[ord(ch)] = None
            if 0x21 <= ord(ch) <= 0x7E:
                table[ord(ch) + 0xFEE0] = None
        for lo, hi in _EMOJI_RANGES:
            for code in range(lo, hi + 1):
                table[code] = None
        # pictographs that stand for a word (🔪 → 刀): kept as that character, one for one
        for sym, word in (symbols or {}).items():
            table[ord(sym)] = ord(word)
        self.symbols = frozenset(symbols or {})
        self.table = table
        self.traditional = frozenset(t2s)
        # runs of deleted characters, to map positions back without a Python loop per character
        deleted = _char_class(sorted(c for c, v in table.items() if v is None))
        self._deleted = re.compile(f"[{deleted}]+" if deleted else "(?!)")

    def char(self, ch: str) -> str:
        """Normalised form of one character ('' if it is deleted)."""
        mapped = self.table.get(ord(ch), ord(ch))
        return "" if mapped is None else chr(mapped)

    def normalize(self, text: str) -> Normalized:
        out = text.translate(self.table)
        if len(out) == len(text):
            return Normalized(out, None)
        kept: list[int] = []
        prev = 0
        for m in self._deleted.finditer(text):
            kept.extend(range(prev, m.start()))
            prev = m.end()
        kept.extend(range(prev, len(text)))
        return Normalized(out, tuple(kept))

    def __call__(self, text: str) -> str:
        return text.translate(self.table)


def _char_class(codes: list[int]) -> str:
    """A regex character class body for sorted code points (consecutive ones as ranges)."""
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


# libyaml's safe loader when PyYAML was built with it (same documents, faster)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_normalizer(jurisdiction: str = "cn") -> Normalizer:
    path = resources.files("dunguard.analyze") / "rulebooks" / jurisdiction / "normalize.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    separators = str(data.get("separators") or "") + " \t\r\u3000\u00a0\u200b\u200c\u200d\ufeff"
    return Normalizer(_pairs(data.get("t2s")), separators, _pairs(data.get("symbols")))


def _pairs(value: Any) -> dict[str, str]:
    """'繁简 …' tokens of two characters → {first: second}."""
    return {item[0]: item[1] for item in str(value or "").split() if len(item) == 2}
