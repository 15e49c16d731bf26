"""`verify` names every kind of tampering precisely (files, ledger in DB, ledger mirror)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from dunguard import ledger
from dunguard.cases import create_case
from dunguard.evidence import add_files
from dunguard.home import Home
from dunguard.verify import verify_case


@pytest.fixture
def case3(home: Home, tmp_path: Path) -> str:
    case = create_case(home, "tamper")
    files = []
    for i in range(3):
        p = tmp_path / f"f{i}.txt"
        p.write_bytes(f"evidence {i}".encode())
        files.append(p)
    for p in files:  # one transaction each: ledger seq 2, 3, 4
        add_files(home, case.id, [p])
    assert verify_case(home, case.id).ok
    return case.id


def kinds(home: Home, case_id: str) -> set[str]:
    return {p.kind for p in verify_case(home, case_id).problems}


def _stored(home: Home, case_id: str) -> list[Path]:
    return sorted(p for p in (home.case_dir(case_id) / "originals").rglob("*") if p.is_file())


def test_missing_file(home: Home, case3: str) -> None:
    _stored(home, case3)[0].unlink()
    assert kinds(home, case3) == {"file_missing"}


def test_changed_file(home: Home, case3: str) -> None:
    f = _stored(home, case3)[1]
    f.chmod(0o644)
    f.write_bytes(b"evidence X")
    report = verify_case(home, case3)
    assert {p.kind for p in report.problems} == {"file_changed"}
    assert "被改动" in report.problems[0].message()


def test_extra_file(home: Home, case3: str) -> None:
    extra = home.case_dir(case3) / "originals" / "zz" / ("0" * 64)
    extra.parent.mkdir()
    extra.write_bytes(b"smuggled")
    assert kinds(home, case3) == {"extra_file"}


def _sql(home: Home, stmt: str, **params: object) -> None:
    with home.store.engine.begin() as c:
        c.execute(text(stmt), params)


def test_edited_db_entry(home: Home, case3: str) -> None:
    _sql(home, "UPDATE ledger SET actor='attacker' WHERE case_id=:c AND seq=3", c=case3)
    k = kinds(home, case3)
    assert "ledger_edited" in k and "mirror_differs" in k


def test_removed_db_entry(home: Home, case3: str) -> None:
    _sql(home, "DELETE FROM ledger WHERE case_id=:c AND seq=2", c=case3)
    k = kinds(home, case3)
    assert {"ledger_missing", "ledger_broken_link", "mirror_extra"} <= k
    assert "unlogged_evidence" in k  # the file it recorded now has no add entry


def test_reordered_mirror(home: Home, case3: str) -> None:
    path = home.ledger_path(case3)
    lines = path.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text("\n".join(lines) + "\n")
    k = kinds(home, case3)
    assert "ledger_out_of_order" in k and "ledger_broken_link" in k


def test_inserted_mirror_entry(home: Home, case3: str) -> None:
    path = home.ledger_path(case3)
    lines = path.read_text().splitlines()
    forged = ledger.make_entry(case3, 3, "2026-01-01T00:00:00.000000Z", "x", "add", "f" * 64, {}, "0" * 64)
    lines.insert(2, forged.to_json_line())
    path.write_text("\n".join(lines) + "\n")
    k = kinds(home, case3)
    assert "ledger_duplicate" in k or "ledger_broken_link" in k
    assert "ledger_broken_link" in k


def test_db_and_mirror_disagree_even_with_valid_chains(home: Home, case3: str) -> None:
    """Rewrite the mirror consistently (valid chain) but differently from the DB."""
    path = home.ledger_path(case3)
    entries, _ = ledger.parse_jsonl(path.read_text().splitlines())
    prev = ledger.GENESIS
    out = []
    for e in entries:
        actor = "someone-else" if e.seq == 2 else e.actor
        new = ledger.make_entry(e.case_id, e.seq, e.ts, actor, e.action, e.object_hash, json.loads(e.details), prev)
        out.append(new.to_json_line())
        prev = new.entry_hash
    path.write_text("\n".join(out) + "\n")
    assert kinds(home, case3) == {"mirror_differs"}


def test_mirror_missing_and_garbage(home: Home, case3: str) -> None:
    path = home.ledger_path(case3)
    path.write_text(path.read_text() + "not json\n")
    assert "mirror_bad_line" in kinds(home, case3)
    path.unlink()
    assert kinds(home, case3) == {"mirror_missing"}


def test_cli_verify_exit_codes(home: Home, case3: str) -> None:
    from dunguard.testing import run_cli

    ok = run_cli(["verify", case3[:8]], home=home)
    assert ok.code == 0 and "核验通过" in ok.stdout
    _stored(home, case3)[0].unlink()
    bad = run_cli(["verify", case3[:8]], home=home)
    assert bad.code == 1 and "证据文件缺失" in bad.stdout
    as_json = run_cli(["verify", case3[:8], "--json"], home=home)
    assert as_json.code == 1 and as_json.json()["problems"][0]["kind"] == "file_missing"
