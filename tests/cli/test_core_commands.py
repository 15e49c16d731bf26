"""The core commands as a user runs them: one-line errors, --json everywhere, zh and en."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dunguard.home import Home
from dunguard.testing import run_cli


def test_case_new_list_show_json(home: Home) -> None:
    created = run_cli(["case", "new", "马上金融催收", "--debtor", "张三", "--phone", "13800138000", "--json"],
                      home=home)
    assert created.code == 0
    cid = created.json()["id"]
    listed = run_cli(["case", "list", "--json"], home=home).json()
    assert listed[0]["id"] == cid and listed[0]["debtor"] == "张三"
    shown = run_cli(["case", "show", cid[:6], "--json"], home=home).json()
    assert shown["title"] == "马上金融催收"
    human = run_cli(["case", "list"], home=home)
    assert "马上金融催收" in human.stdout and cid[:8] in human.stdout


def test_add_ledger_verify_flow(home: Home, tmp_path: Path) -> None:
    cid = run_cli(["case", "new", "流程", "--json"], home=home).json()["id"]
    f = tmp_path / "录音.amr"
    f.write_bytes(b"#!AMR\n" + b"\0" * 50)
    added = run_cli(["add", cid[:8], str(f), "--json"], home=home)
    assert added.code == 0 and added.json()[0]["new"] is True
    again = run_cli(["add", cid[:8], str(f)], home=home)
    assert "重复提交" in again.stdout
    ledger = run_cli(["ledger", cid[:8], "--json"], home=home).json()
    assert [e["action"] for e in ledger] == ["case_created", "add", "resubmit"]
    assert ledger[1]["details"]["media_type"] == "audio/amr"
    assert run_cli(["verify", cid[:8]], home=home).code == 0


def test_errors_are_one_line_without_traceback(home: Home, tmp_path: Path) -> None:
    cid = run_cli(["case", "new", "错误", "--json"], home=home).json()["id"]
    cases = {
        ("add", cid, str(tmp_path / "nope.txt")): "文件不存在",
        ("add", cid, str(tmp_path)): "是一个文件夹",
        ("add", "没有这个案件", str(tmp_path)): "找不到案件",
        ("verify", "ffffffffff"): "找不到案件",
    }
    for args, expected in cases.items():
        r = run_cli(list(args), home=home)
        assert r.code == 1, args
        assert expected in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_unreadable_file(home: Home, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads anything; simulate with a FIFO-free check on a path we cannot open instead
        target = tmp_path / "dir-as-file"
        target.mkdir()
        r = run_cli(["add", run_cli(["case", "new", "x", "--json"], home=home).json()["id"], str(target)],
                    home=home)
        assert r.code == 1 and "文件夹" in r.stderr
        return
    f = tmp_path / "secret.txt"
    f.write_text("x")
    f.chmod(0)
    cid = run_cli(["case", "new", "x", "--json"], home=home).json()["id"]
    r = run_cli(["add", cid, str(f)], home=home)
    assert r.code == 1 and "没有读取权限" in r.stderr


def test_english_messages(home: Home, tmp_path: Path) -> None:
    r = run_cli(["add", "nosuchcase", str(tmp_path)], home=home, lang="en")
    assert r.code == 1 and "No case" in r.stderr


def test_lang_from_environment(tmp_path: Path) -> None:
    env = dict(os.environ, DUNGUARD_HOME=str(tmp_path / "h"), LANG="en_US.UTF-8")
    env.pop("DUNGUARD_LANG", None)
    env.pop("LC_ALL", None)
    proc = subprocess.run([sys.executable, "-m", "dunguard", "verify", "nosuchcase"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: No case")


def test_debug_shows_traceback(tmp_path: Path) -> None:
    env = dict(os.environ, DUNGUARD_HOME=str(tmp_path / "h"))
    proc = subprocess.run([sys.executable, "-m", "dunguard", "--debug", "verify", "nosuchcase"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_delete_needs_confirmation(home: Home) -> None:
    cid = run_cli(["case", "new", "删我", "--json"], home=home).json()["id"]
    refused = run_cli(["case", "delete", cid], home=home, input="n\n")
    assert refused.code != 0
    assert run_cli(["case", "list", "--json"], home=home).json()
    done = run_cli(["case", "delete", cid, "--yes"], home=home)
    assert done.code == 0 and run_cli(["case", "list", "--json"], home=home).json() == []
