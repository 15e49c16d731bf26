"""Home: the one directory that holds all of a user's DunGuard data.

::

    <home>/dunguard.db            SQLite database (unless DUNGUARD_DB_URL points elsewhere)
    <home>/keys/                  this installation's Ed25519 signing key (see signing.py)
    <home>/cases/<case id>/       one folder per case: vault, ledger.jsonl, lock, journal

The home is chosen by ``--home``, then ``DUNGUARD_HOME``, then the platform's user-data
directory.  ``Home.transaction(case_id)`` is the only way evidence enters a case: it
serialises writers with a per-case file lock and makes the database rows, the vault files
and the ledger mirror change together or not at all (see ``Transaction``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunguard import _failpoints, vault
from dunguard import ledger as ledger_mod
from dunguard.errors import StorageError
from dunguard.models import Derived, Evidence, LedgerEntry, Setting
from dunguard.records import DerivedRecord
from dunguard.store import Store
from dunguard.timeutil import isoformat_utc, utcnow

JOURNAL = "journal.json"
LEDGER_FILE = "ledger.jsonl"
LOCK_FILE = ".lock"


def default_root() -> Path:
    env = os.environ.get("DUNGUARD_HOME")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("dunguard", appauthor=False)


class Home:
    """All data of one installation: a directory plus a database."""

    def __init__(self, root: Path, store: Store) -> None:
        self.root = root
        self.store = store

    @classmethod
    def open(cls, root: Path | str | None = None, db_url: str | None = None) -> Home:
        root_path = Path(root).expanduser() if root else default_root()
        try:
            (root_path / "cases").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError.from_os(exc, str(root_path)) from exc
        url = db_url or os.environ.get("DUNGUARD_DB_URL") or f"sqlite:///{root_path / 'dunguard.db'}"
        return cls(root_path, Store(url))

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Home:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- paths ---------------------------------------------------------------
    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    def case_dir(self, case_id: str) -> Path:
        return self.root / "cases" / case_id

    def ledger_path(self, case_id: str) -> Path:
        return self.case_dir(case_id) / LEDGER_FILE

    # -- locking and recovery -----------------------------------------------
    @contextlib.contextmanager
    def case_lock(self, case_id: str) -> Iterator[None]:
        """Exclusive per-case lock (serialises writers across processes), with crash recovery."""
        folder = self.case_dir(case_id)
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._recover(case_id)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _recover(self, case_id: str) -> None:
        """Finish or undo a transaction that a crash interrupted (called under the lock)."""
        folder = self.case_dir(case_id)
        journal = folder / JOURNAL
        if journal.exists():
            try:
                data = json.loads(journal.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None  # a torn journal was never committed: it is written before COMMIT
            committed = False
            if data is not None:
                with self.store.session() as s:
                    row = s.get(Setting, f"txn:{case_id}")
                    committed = row is not None and row.value == data.get("token")
            if committed and data is not None:
                _apply_journal(folder, data)
            journal.unlink(missing_ok=True)
            vault.fsync_dir(folder)
        staging = folder / vault.STAGING
        if staging.is_dir():
            for leftover in staging.iterdir():
                leftover.unlink(missing_ok=True)
        tmp_ledger = folder / (LEDGER_FILE + ".tmp")
        tmp_ledger.unlink(missing_ok=True)

    @contextlib.contextmanager
    def transaction(self, case_id: str, actor: str = "cli") -> Iterator[Transaction]:
        """One atomic change to a case: DB rows + vault files + ledger entries, or nothing."""
        with self.case_lock(case_id):
            tx: Transaction | None = None
            try:
                with self.store.write_session() as session:
                    tx = Transaction(self, case_id, actor, session)
                    yield tx
                    tx._prepare_commit()
                    _failpoints.hit("before_commit")
            except BaseException:
                if tx is not None:
                    tx._discard()
                raise
            # the DB commit happened when write_session exited; now move files into place
            _failpoints.hit("after_commit")
            tx._finish()


class Transaction:
    """Handed out by ``Home.transaction``; collects changes that commit together."""

    def __init__(self, home: Home, case_id: str, actor: str, session: Session) -> None:
        self.home = home
        self.case_id = case_id
        self.actor = actor
        self.session = session
        self.folder = home.case_dir(case_id)
        self._moves: list[tuple[str, str]] = []
        self._staged: list[Path] = []
        self._new_entries: list[ledger_mod.Entry] = []
        self._pending_sha: dict[str, Evidence] = {}
        self._journal: dict[str, Any] | None = None
        self._head: tuple[int, str] | None = None

    # -- evidence --------------------------------------------------------------
    def add_original(
        self,
        path: Path,
        *,
        method: str = "add",
        source_app: str | None = None,
        source_device: str | None = None,
        original_name: str | None = None,
        fmt: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> tuple[Evidence, bool]:
        """Store ``path`` byte-exact; return (Evidence, True) or (existing Evidence, False)."""
        staged = vault.stage_file(path, self.folder / vault.STAGING)
        _failpoints.hit("after_stage")
        name = original_name or path.name
        existing = self._pending_sha.get(staged.sha256) or self.session.scalar(
            select(Evidence).where(Evidence.case_id == self.case_id, Evidence.sha256 == staged.sha256)
        )
        if existing is not None:
            staged.tmp_path.unlink(missing_ok=True)
            self.log("resubmit", staged.sha256, {"name": name, "method": method, "evidence_id": existing.id})
            return existing, False
        self._staged.append(staged.tmp_path)
        try:
            mtime: dt.datetime | None = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        except OSError:
            mtime = None
        media_type = vault.sniff_media_type(staged.head, name)
        rel = vault.rel_path(vault.ORIGINALS, staged.sha256)
        ev = Evidence(
            case_id=self.case_id,
            sha256=staged.sha256,
            size=staged.size,
            media_type=media_type,
            original_name=name,
            original_mtime=mtime,
            added_at=utcnow(),
            added_by=self.actor,
            method=method,
            source_app=source_app,
            source_device=source_device,
            format=fmt,
            stored_path=rel,
            extra={},
        )
        self.session.add(ev)
        self.session.flush()
        self._pending_sha[staged.sha256] = ev
        self._moves.append((str(staged.tmp_path.relative_to(self.folder)), rel))
        info: dict[str, Any] = {
            "evidence_id": ev.id,
            "name": name,
            "size": staged.size,
            "media_type": media_type,
            "method": method,
        }
        if mtime is not None:
            info["mtime"] = isoformat_utc(mtime)
        if source_app:
            info["source_app"] = source_app
        if details:
            info.update(details)
        self.log("add", staged.sha256, info)
        return ev, True

    def add_derived(self, evidence: Evidence, record: DerivedRecord) -> Derived:
        """Store a derived artefact (OCR text, transcript, ...) linked to its original."""
        staged = vault.stage_bytes(record.data, self.folder / vault.STAGING)
        rel = vault.rel_path(vault.DERIVED, staged.sha256)
        already = any(dst == rel for _, dst in self._moves) or (self.folder / rel).exists()
        if already:
            staged.tmp_path.unlink(missing_ok=True)
        else:
            self._staged.append(staged.tmp_path)
            self._moves.append((str(staged.tmp_path.relative_to(self.folder)), rel))
        d = Derived(
            case_id=self.case_id,
            evidence_id=evidence.id,
            kind=record.kind,
            sha256=staged.sha256,
            size=staged.size,
            media_type=record.media_type,
            producer=record.producer,
            created_at=utcnow(),
            stored_path=rel,
            extra=dict(record.extra),
        )
        self.session.add(d)
        self.session.flush()
        self.log(
            "derive",
            staged.sha256,
            {"derived_id": d.id, "kind": record.kind, "of": evidence.sha256, "producer": record.producer},
        )
        return d

    # -- ledger --------------------------------------------------------------------
    def log(self, action: str, object_hash: str | None, details: dict[str, Any]) -> ledger_mod.Entry:
        """Append a custody-log entry (committed with the rest of the transaction)."""
        if self._head is None:
            last = self.session.scalar(
                select(LedgerEntry)
                .where(LedgerEntry.case_id == self.case_id)
                .order_by(LedgerEntry.seq.desc())
                .limit(1)
            )
            self._head = (last.seq, last.entry_hash) if last else (0, ledger_mod.GENESIS)
        seq, prev = self._head
        entry = ledger_mod.make_entry(
            self.case_id, seq + 1, isoformat_utc(utcnow()), self.actor, action, object_hash, details, prev
        )
        self.session.add(
            LedgerEntry(
                case_id=entry.case_id,
                seq=entry.seq,
                ts=entry.ts,
                actor=entry.actor,
                action=entry.action,
                object_hash=entry.object_hash,
                details=entry.details,
                prev_hash=entry.prev_hash,
                entry_hash=entry.entry_hash,
            )
        )
        self._head = (entry.seq, entry.entry_hash)
        self._new_entries.append(entry)
        return entry

    # -- commit protocol -------------------------------------------------------
    def _prepare_commit(self) -> None:
        """Before COMMIT: record the commit token in the DB and write the journal (fsynced)."""
        if not self._moves and not self._new_entries:
            return
        token = uuid.uuid4().hex
        self.session.merge(Setting(key=f"txn:{self.case_id}", value=token))
        self.session.flush()
        self._journal = {
            "token": token,
            "moves": self._moves,
            "ledger": [e.to_json_line() for e in self._new_entries],
        }
        _write_durable(self.folder / JOURNAL, json.dumps(self._journal, ensure_ascii=False).encode("utf-8"))

    def _discard(self) -> None:
        (self.folder / JOURNAL).unlink(missing_ok=True)
        for p in self._staged:
            p.unlink(missing_ok=True)

    def _finish(self) -> None:
        if self._journal is None:
            return
        _apply_journal(self.folder, self._journal)
        (self.folder / JOURNAL).unlink(missing_ok=True)
        vault.fsync_dir(self.folder)


def _write_durable(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        vault.fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError.from_os(exc, str(path)) from exc


def _apply_journal(folder: Path, data: dict[str, Any]) -> None:
    """Idempotently move staged files into the vault and append ledger lines to the mirror."""
    for src_rel, dst_rel in data.get("moves", []):
        src, dst = folder / src_rel, folder / dst_rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists():
                src.unlink()
            else:
                os.chmod(src, 0o444)
                os.replace(src, dst)
                vault.fsync_dir(dst.parent)
                _failpoints.hit("mid_apply")
    lines: list[str] = data.get("ledger", [])
    if lines:
        _append_ledger_lines(folder / LEDGER_FILE, lines)


def _append_ledger_lines(path: Path, lines: list[str]) -> None:
    """Append entries the mirror lacks (by seq); drop a torn last line left by a crash."""
    existing_seqs: set[int] = set()
    if path.exists():
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            cut = raw.rfind(b"\n") + 1
            with path.open("r+b") as f:
                f.truncate(cut)
            raw = raw[:cut]
        for line in raw.decode("utf-8", errors="replace").splitlines():
            try:
                existing_seqs.add(int(json.loads(line)["seq"]))
            except (ValueError, KeyError, TypeError):
                continue
    todo = [ln for ln in lines if int(json.loads(ln)["seq"]) not in existing_seqs]
    if not todo:
        return
    with path.open("a", encoding="utf-8") as f:
        for ln in todo:
            f.write(ln + "\n")
        f.flush()
        os.fsync(f.fileno())
