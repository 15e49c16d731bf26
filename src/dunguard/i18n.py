"""User-facing messages in the user's language.

Catalogs are flat YAML mappings ``key: "str.format template"`` in
``dunguard/locale/<lang>/<area>.yaml``; every area owns its own file and all files of a
language are merged.  Simplified Chinese (``zh``) is the default; ``en`` is chosen by
``--lang en`` or a ``LANG``/``LC_ALL`` starting with ``en``.  A key missing from the chosen
language falls back to Chinese, then to the key itself, so a missing translation never
crashes anything.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_LANG = "zh"
SUPPORTED = ("zh", "en")

_current: str | None = None


def set_lang(lang: str | None) -> None:
    """Fix the language for this process (``None`` = detect from the environment)."""
    global _current
    _current = normalize_lang(lang) if lang else None


def normalize_lang(lang: str) -> str:
    lang = lang.lower()
    if lang.startswith("en"):
        return "en"
    return DEFAULT_LANG


def current_lang() -> str:
    if _current:
        return _current
    env = os.environ.get("DUNGUARD_LANG") or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "en" if env.lower().startswith("en") else DEFAULT_LANG


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("dunguard") / "locale" / lang
    if not folder.is_dir():
        return merged
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ValueError(f"locale file {entry.name} is not a mapping")
            merged.update({str(k): str(v) for k, v in data.items()})
    return merged


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """Translate ``key`` and fill in ``params``; never raises."""
    lang = normalize_lang(lang) if lang else current_lang()
    template = catalog(lang).get(key) or catalog(DEFAULT_LANG).get(key)
    if template is None:
        if params:
            return key + " " + ", ".join(f"{k}={v}" for k, v in params.items())
        return key
    try:
        return template.format_map(_Lenient(params))
    except (IndexError, ValueError, AttributeError):
        return template


class _Lenient(dict[str, Any]):
    """Leaves an unknown placeholder visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
