"""Analysis: find illegal collection acts and their legal basis.

Public surface (text half):

* :func:`scan_text` — rule-based multi-label detector for one message;
* :func:`scan_many` / :class:`Scanner` — the same over many messages;
* :func:`load_rulebook` — statutes, rules T1–T20 and labels as data.

Behaviour detectors over events and the ``analyze`` command live in ``analyze/behaviour``
and ``analyze/engine.py``.
"""

from __future__ import annotations

from dunguard.analyze.rulebook import Label, Rule, Rulebook, Statute
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.analyze.text.scanner import (
    Scanner,
    ScanResult,
    Suggestion,
    TextFinding,
    default_scanner,
    scan_text,
)

LABELS = (
    "third_party_contact",
    "threat_contacts",
    "debt_disclosure",
    "threat_violence",
    "threat_visit",
    "insult",
    "impersonation",
    "false_legal_threat",
    "induce_borrowing",
    "extra_fees",
)


def scan_many(texts: list[str] | tuple[str, ...]) -> list[ScanResult]:
    """``scan_text`` over many texts (no addressee/time), in order."""
    return list(default_scanner().scan_many(texts))


__all__ = [
    "LABELS",
    "Label",
    "Rule",
    "Rulebook",
    "ScanResult",
    "Scanner",
    "Statute",
    "Suggestion",
    "TextFinding",
    "default_scanner",
    "load_rulebook",
    "scan_many",
    "scan_text",
]
