"""Statute texts the prevention tools cite, and documents they only name.

Texts live in ``prevent/data/citations.yaml``, copied mechanically from
``../shared/law/law.md``; ``tests/prevent/test_citations.py`` compares each one with
law.md so a typo cannot ship.  Ids follow the rulebook's style (``pipl_6``,
``civil_1033``).  References (``verified: false``) are named, never quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Statute:
    id: str
    law: str
    article: str
    text: str
    strength: str

    def citation(self) -> str:
        """``《法名》第X条``."""
        return f"《{self.law}》{self.article}"


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    title: str
    item: str
    note_zh: str
    note_en: str

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_zh


def load_data(name: str) -> Any:
    """Parse ``prevent/data/<name>`` (YAML)."""
    text = (resources.files("dunguard.prevent") / "data" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _all() -> tuple[dict[str, Statute], dict[str, Reference]]:
    raw = load_data("citations.yaml")
    statutes = {
        s["id"]: Statute(
            id=s["id"], law=s["law"], article=s["article"], text=s["text"], strength=s["strength"]
        )
        for s in raw["statutes"]
    }
    refs = {
        r["id"]: Reference(
            id=r["id"], title=r["title"], item=r.get("item", ""), note_zh=r["note_zh"], note_en=r["note_en"]
        )
        for r in raw.get("references", [])
    }
    return statutes, refs


def statute(statute_id: str) -> Statute:
    """The statute with ``statute_id``; ``KeyError`` for an unknown id (a data bug)."""
    return _all()[0][statute_id]


def statutes() -> dict[str, Statute]:
    return dict(_all()[0])


def reference(ref_id: str) -> Reference:
    return _all()[1][ref_id]


def references() -> dict[str, Reference]:
    return dict(_all()[1])
