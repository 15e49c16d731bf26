"""Adding originals: byte-exact, content-addressed, re-submissions recorded, atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from dunguard.cases import create_case
from dunguard.errors import InputError
from dunguard.evidence import add_files
from dunguard.home import Home
from dunguard.models import Evidence
from dunguard.verify import load_db_entries, verify_case


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_add_stores_byte_exact_read_only(any_home: Home, tmp_path: Path) -> None:
    case = create_case(any_home, "c")
    data = bytes(range(256)) * 100 + "催收短信".encode()
    src = _file(tmp_path, "证据.bin", data)
    [res] = add_files(any_home, case.id, [src])
    assert res.is_new
    with any_home.store.session() as s:
        ev = s.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
    stored = any_home.case_dir(case.id) / ev.stored_path
    assert stored.read_bytes() == data
    assert ev.original_name == "证据.bin" and ev.size == len(data)
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0  # root ignores mode bits
    assert stored.stat().st_mode & 0o222 == 0
    assert src.read_bytes() == data  # the user's own file is untouched
    assert verify_case(any_home, case.id).ok


def test_resubmission_is_recorded_not_duplicated(any_home: Home, tmp_path: Path) -> None:
    case = create_case(any_home, "c")
    a = _file(tmp_path, "a.txt", b"same bytes")
    b = _file(tmp_path, "copy-of-a.txt", b"same bytes")
    add_files(any_home, case.id, [a])
    [res] = add_files(any_home, case.id, [b])
    assert not res.is_new
    with any_home.store.session() as s:
        assert len(s.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()) == 1
    actions = [e.action for e in load_db_entries(any_home, case.id)]
    assert actions == ["case_created", "add", "resubmit"]
    assert verify_case(any_home, case.id).ok


def test_same_file_twice_in_one_call(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "c")
    a = _file(tmp_path, "a.txt", b"x")
    results = add_files(home, case.id, [a, a])
    assert [r.is_new for r in results] == [True, False]
    assert verify_case(home, case.id).ok


def test_bad_paths_change_nothing(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "c")
    good = _file(tmp_path, "good.txt", b"good")
    before = load_db_entries(home, case.id)
    with pytest.raises(InputError) as missing:
        add_files(home, case.id, [good, tmp_path / "missing.txt"])
    assert missing.value.key == "error.path.missing"
    with pytest.raises(InputError) as is_dir:
        add_files(home, case.id, [tmp_path])
    assert is_dir.value.key == "error.path.is_dir"
    assert load_db_entries(home, case.id) == before
    with home.store.session() as s:
        assert s.scalars(select(Evidence)).first() is None


def test_failure_inside_transaction_rolls_back_files(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "c")
    src = _file(tmp_path, "a.txt", b"rollback me")
    with pytest.raises(RuntimeError), home.transaction(case.id) as tx:
        tx.add_original(src)
        raise RuntimeError("boom")
    folder = home.case_dir(case.id)
    assert not list((folder / "originals").rglob("*")) if (folder / "originals").exists() else True
    assert not list((folder / "staging").iterdir())
    assert verify_case(home, case.id).ok
    assert [e.action for e in load_db_entries(home, case.id)] == ["case_created"]
