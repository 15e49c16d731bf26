"""The custody ledger: an append-only, hash-chained log per case.

Each entry is ``seq, ts, actor, action, object, details, prev, hash`` where ``hash`` is the
sha256 of the canonical JSON of every other field (plus the case id) and ``prev`` is the
previous entry's hash (64 zeros for the first).  The log lives in the ``ledger`` table and
is mirrored, line for line, to ``cases/<id>/ledger.jsonl``.  Anyone can re-check the chain
with the standalone ``verify.py`` in an exported package; this module holds the reference
implementation of the hashing (keep the two in step).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Entry:
    case_id: str
    seq: int
    ts: str
    actor: str
    action: str
    object_hash: str | None
    details: str  # canonical JSON text
    prev_hash: str
    entry_hash: str

    def computed_hash(self) -> str:
        return entry_hash(
            self.case_id, self.seq, self.ts, self.actor, self.action, self.object_hash, self.details, self.prev_hash
        )

    def to_json_line(self) -> str:
        return canonical_json(
            {
                "case": self.case_id,
                "seq": self.seq,
                "ts": self.ts,
                "actor": self.actor,
                "action": self.action,
                "object": self.object_hash,
                "details": json.loads(self.details),
                "prev": self.prev_hash,
                "hash": self.entry_hash,
            }
        )

    @classmethod
    def from_json_line(cls, line: str) -> Entry:
        d = json.loads(line)
        return cls(
            case_id=str(d["case"]),
            seq=int(d["seq"]),
            ts=str(d["ts"]),
            actor=str(d["actor"]),
            action=str(d["action"]),
            object_hash=d.get("object"),
            details=canonical_json(d.get("details", {})),
            prev_hash=str(d["prev"]),
            entry_hash=str(d["hash"]),
        )


def entry_hash(
    case_id: str,
    seq: int,
    ts: str,
    actor: str,
    action: str,
    object_hash: str | None,
    details: str,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        {
            "case": case_id,
            "seq": seq,
            "ts": ts,
            "actor": actor,
            "action": action,
            "object": object_hash,
            "details": details,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_entry(
    case_id: str, seq: int, ts: str, actor: str, action: str, object_hash: str | None,
    details: dict[str, Any], prev_hash: str,
) -> Entry:
    details_text = canonical_json(details)
    h = entry_hash(case_id, seq, ts, actor, action, object_hash, details_text, prev_hash)
    return Entry(case_id, seq, ts, actor, action, object_hash, details_text, prev_hash, h)


@dataclass(frozen=True, slots=True)
class ChainProblem:
    kind: str  # edited, missing, duplicate, out_of_order, broken_link, wrong_case
    seq: int
    detail: str = ""


def check_chain(entries: Sequence[Entry], case_id: str) -> list[ChainProblem]:
    """Check one chain in the order given; name every problem precisely."""
    problems: list[ChainProblem] = []
    prev_hash = GENESIS
    expected = 1
    seen: set[int] = set()
    for e in entries:
        if e.case_id != case_id:
            problems.append(ChainProblem("wrong_case", e.seq, e.case_id))
        if e.seq in seen:
            problems.append(ChainProblem("duplicate", e.seq))
        elif e.seq < expected:
            problems.append(ChainProblem("out_of_order", e.seq, str(expected)))
        elif e.seq > expected:
            missing = f"{expected}" if e.seq == expected + 1 else f"{expected}-{e.seq - 1}"
            problems.append(ChainProblem("missing", e.seq, missing))
        seen.add(e.seq)
        if e.computed_hash() != e.entry_hash:
            problems.append(ChainProblem("edited", e.seq))
        if e.prev_hash != prev_hash:
            problems.append(ChainProblem("broken_link", e.seq))
        prev_hash = e.entry_hash
        expected = max(expected, e.seq + 1)
    return problems


def parse_jsonl(lines: Iterable[str]) -> tuple[list[Entry], list[tuple[int, str]]]:
    """Parse mirror lines; return entries and (line number, error) for unreadable lines."""
    entries: list[Entry] = []
    bad: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(Entry.from_json_line(line))
        except (ValueError, KeyError, TypeError) as exc:
            bad.append((n, str(exc)))
    return entries, bad
