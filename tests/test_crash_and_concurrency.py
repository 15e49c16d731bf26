"""Killed mid-add, the case is exactly as before or exactly as after; concurrent adds serialise."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dunguard.cases import create_case
from dunguard.home import Home
from dunguard.models import Evidence
from dunguard.verify import load_db_entries, verify_case

CLI = [sys.executable, "-m", "dunguard"]


def _run(home: Home, *args: str, failpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DUNGUARD_HOME=str(home.root))
    if failpoint:
        env["DUNGUARD_FAILPOINT"] = failpoint
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=120)


def _evidence_count(home: Home, case_id: str) -> int:
    with home.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case_id)) or 0)


@pytest.mark.parametrize(
    ("failpoint", "committed"),
    [("after_stage", False), ("before_commit", False), ("after_commit", True), ("mid_apply", True)],
)
def test_killed_mid_add_leaves_verify_clean(home: Home, tmp_path: Path, failpoint: str, committed: bool) -> None:
    case = create_case(home, "crash")
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_bytes(b"first file")
    b.write_bytes(b"second file")
    proc = _run(home, "add", case.id, str(a), str(b), failpoint=failpoint)
    assert proc.returncode == 137, proc.stderr
    report = verify_case(home, case.id)  # recovery runs first, under the case lock
    assert report.ok, [p.message() for p in report.problems]
    assert _evidence_count(home, case.id) == (2 if committed else 0)
    actions = [e.action for e in load_db_entries(home, case.id)]
    assert actions == (["case_created", "add", "add"] if committed else ["case_created"])
    staging = home.case_dir(case.id) / "staging"
    assert not staging.exists() or not any(staging.iterdir())
    # and the case keeps working afterwards
    assert _run(home, "add", case.id, str(a)).returncode == 0
    assert verify_case(home, case.id).ok


def test_sigkill_during_large_add(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "kill")
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for _ in range(64):
            f.write(os.urandom(1 << 20))
    env = dict(os.environ, DUNGUARD_HOME=str(home.root))
    proc = subprocess.Popen([*CLI, "add", case.id, str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.8)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    report = verify_case(home, case.id)
    assert report.ok, [p.message() for p in report.problems]
    assert _evidence_count(home, case.id) in (0, 1)


def test_concurrent_adds_serialise_without_forking_the_chain(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "concurrent")
    script = (
        "import sys\nfrom pathlib import Path\nfrom dunguard.home import Home\n"
        "from dunguard.evidence import add_files\n"
        "h = Home.open(sys.argv[1])\n"
        "for i in range(8):\n"
        "    p = Path(sys.argv[3]) / f'{sys.argv[4]}-{i}.txt'\n"
        "    p.write_text(f'{sys.argv[4]} {i}')\n"
        "    add_files(h, sys.argv[2], [p])\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(home.root), case.id, str(tmp_path), tag])
        for tag in ("left", "right")
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    entries = load_db_entries(home, case.id)
    assert [e.seq for e in entries] == list(range(1, 18))
    assert len({e.prev_hash for e in entries}) == 17  # one chain, no fork
    assert _evidence_count(home, case.id) == 16
    assert verify_case(home, case.id).ok


def test_write_failure_mid_add_leaves_case_unchanged(home: Home, tmp_path: Path) -> None:
    """A write that fails half-way (here: a file-size limit, as on a full disk) changes nothing."""
    case = create_case(home, "full disk")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(4 << 20))
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n"
        "from dunguard.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    env = dict(os.environ, DUNGUARD_HOME=str(home.root))
    proc = subprocess.run([sys.executable, "-c", script, "--lang", "zh", "add", case.id, str(big)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("错误：") and "Traceback" not in proc.stderr
    assert _evidence_count(home, case.id) == 0
    assert verify_case(home, case.id).ok
    assert [e.action for e in load_db_entries(home, case.id)] == ["case_created"]
