"""Helpers for tests (ours and third parties'): homes, cases, events, the CLI in-process.

    from dunguard.testing import make_home, make_case, run_cli
    home = make_home(tmp_path)
    case = make_case(home, "测试案件")
    result = run_cli(["case", "list", "--json"], home=home)
    assert result.code == 0 and result.json()[0]["title"] == "测试案件"
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dunguard.home import Home
from dunguard.models import Case, Event


def make_home(root: Path, db_url: str | None = None) -> Home:
    return Home.open(root, db_url=db_url)


def make_case(home: Home, title: str = "测试案件", **kwargs: Any) -> Case:
    from dunguard.cases import create_case

    return create_case(home, title, **kwargs)


def add_events(home: Home, case_id: str, events: list[dict[str, Any]]) -> int:
    """Insert events directly (for analysis tests). Each dict holds Event columns; ``time_utc``
    must be aware. ``dedup_key`` defaults to a hash of the dict."""
    with home.transaction(case_id, actor="test") as tx:
        for e in events:
            row = dict(e)
            row.setdefault("time_raw", row["time_utc"].isoformat())
            row.setdefault("locator", "test")
            key_src = json.dumps(row, sort_keys=True, default=str)
            row.setdefault("dedup_key", hashlib.sha256(key_src.encode()).hexdigest())
            tx.session.add(Event(case_id=case_id, **row))
        tx.log("test_events", None, {"count": len(events)})
    return len(events)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(args: list[str], home: Home | Path | str | None = None, lang: str = "zh",
            input: str | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run ``dunguard ARGS`` in-process through the real entry point (error handling included)."""
    from dunguard import i18n
    from dunguard.cli import main

    argv: list[str] = []
    if home is not None:
        argv += ["--home", str(home.root if isinstance(home, Home) else home)]
    argv += ["--lang", lang, *args]
    runner = CliRunner()
    code = 0
    with runner.isolation(input=input, env=env) as (out, err, _mixed):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            i18n.set_lang(None)
        stdout = out.getvalue().decode("utf-8", errors="replace")
        stderr = err.getvalue().decode("utf-8", errors="replace")
    return CliResult(code, stdout, stderr)
