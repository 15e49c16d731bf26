"""docs/cli.md is generated from the CLI; regenerate it when a command changes."""

from __future__ import annotations

from pathlib import Path

from dunguard.cli._docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `.venv/bin/python -m dunguard.cli._docs > docs/cli.md`"
    )
