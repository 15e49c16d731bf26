"""Files, folders and ZIPs → detected format → vault original → Events, Parties, Derived.

``import_paths(home, case_id, paths)`` is what ``dunguard import`` calls:

* a file is sniffed (content first, see :func:`dunguard.ingest.base.detect`); a ZIP that
  no importer claims as a whole is unpacked into a private temporary folder (with
  size/count/ratio limits, no path traversal), kept as an original itself, and its members
  are imported like a folder; a folder is walked in name order, hidden files ignored, SQLite
  ``-wal``/``-shm``/``-journal`` files travel with their database; an iPhone backup folder
  (``Manifest.db``) contributes only its messages, call history and address book;
* every file is imported in **its own transaction** (``home.transaction``): the original
  (and its companions) go into the vault, the records become Events (bulk
  ``INSERT … ON CONFLICT DO NOTHING`` on the ``dedup_key``), Parties with Phones, Derived
  artefacts, and one ``import`` ledger entry with the counts.  A file that fails (truncated,
  hostile, corrupt) leaves the case exactly as it was and is reported with the reason;
  the other files still import.  A file named explicitly whose format nobody recognises
  is an error; inside folders and ZIPs such files are listed as "not recognised";
* idempotent: ``dedup_key`` is derived from an event's identity (kind, time, direction,
  normalised number, text or duration, and the format's own record id where it has a
  stable one: ``extra["source_msg_id"]``), so re-importing a file, or a later backup that
  overlaps an earlier one, adds only events not already in the case; the ledger notes
  the re-import with its counts.

The fast path on SQLite writes events with ``executemany`` on the driver connection
(``INSERT OR IGNORE``), in batches of :data:`BATCH`; PostgreSQL uses SQLAlchemy Core's
``on_conflict_do_nothing``.  Contacts become Parties and Phones in bulk inserts of
:data:`CONTACT_BATCH`; events imported earlier from their numbers get the names in one
set-based UPDATE per file (through a temporary key → name table).  Memory stays flat:
records stream from the parser into batches; nothing holds the whole file.

Big files (speed, issue 3):

* an importer with a fast path (``_fast_*.py``; today SMS Backup & Restore, from
  :data:`FAST_MIN_BYTES`) builds insert rows straight from the parsed elements, without
  EventRecords; ``tests/ingest/test_fast_sbr.py`` proves it stores the same rows;
* files of :data:`PARALLEL_MIN_BYTES` and more parse in a child process while this one
  inserts, when a CPU is free (:func:`_parallel_pays`);
* on SQLite, a file expected to bring at least :data:`BULK_MIN_EVENTS` events, more than the
  ``events`` table already holds, has the table's secondary indexes dropped before its rows
  and built again after them, in the same transaction (:meth:`RecordWriter.expect`).

Evidence from someone else's phone (``import_paths(..., owner="妈妈", owner_role="family")``)
is marked on the Evidence for analysis (rule T7) and in the ledger; see :class:`Owner`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, cast

from sqlalchemy import Column, MetaData, String, Table, insert, select, update
from sqlalchemy.orm import Session

from dunguard.errors import (
    DunGuardError,
    FormatError,
    HostileInputError,
    InputError,
    UnsupportedFormat,
    UsageError,
)
from dunguard.home import Home, Transaction
from dunguard.i18n import t
from dunguard.ingest.base import (
    HEAD_BYTES,
    SQLITE_MAGIC,
    Importer,
    ParseContext,
    Record,
    companions_of,
    detect,
    get_importer,
    is_companion,
    read_head,
    sqlite_copy,
)
from dunguard.ingest.models import NumberInfo
from dunguard.models import Case, Event, Evidence, LedgerEntry, Party, Phone
from dunguard.phones import NumberKind, PhoneInfo, normalize
from dunguard.records import CallStatus, ContactRecord, DerivedRecord, Direction, EventKind, EventRecord

__all__ = [
    "BATCH",
    "FileReport",
    "ImportReport",
    "Owner",
    "Progress",
    "RecordWriter",
    "dedup_key",
    "import_paths",
]

# rows per insert batch: small enough that a batch's fresh tuples and strings stay in the
# CPU cache between building and inserting (10,000 cost ~15% more CPU per import)
BATCH = 1_000
CONTACT_BATCH = 5_000  # contacts per bulk insert of parties and phones
PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # files this big parse in a child process
FAST_MIN_BYTES = 4 * 1024 * 1024  # files this big take an importer's fast path (_fast_*.py)
BULK_MIN_EVENTS = 100_000  # expected events from one file from which indexes are rebuilt, not kept
BYTES_PER_EVENT = 400  # a rough guess of an input file's bytes per event (SMS backups: ~300)
PIPE_BYTES = 1 << 20
IMPORT_CACHE_KIB = -65536  # SQLite page cache during an import (negative = KiB)
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_TOTAL = 8 * 1024**3  # uncompressed bytes
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per member (zip bombs)
ZIP_MAX_DEPTH = 2

_blake2b = hashlib.blake2b
# enum member → its value: a dict lookup is several times cheaper than ``.value`` per row
_VALUE: dict[Any, str] = {m: m.value for enum in (EventKind, Direction, CallStatus) for m in enum}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
_MAX_TIME = dt.datetime.max.replace(tzinfo=dt.UTC)
_MIN_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)

_EVENT_COLUMNS = (
    "case_id",
    "evidence_id",
    "kind",
    "direction",
    "time_utc",
    "utc_offset_minutes",
    "time_raw",
    "counterpart_raw",
    "counterpart_e164",
    "counterpart_name",
    "number_kind",
    "channel",
    "text",
    "duration_s",
    "call_status",
    "locator",
    "thread",
    "extra",
    "dedup_key",
)
OWNER_ROLES = ("contact", "family", "friend", "colleague", "employer")


@dataclass(frozen=True)
class Owner:
    """Whose phone the evidence comes from when it is not the debtor's own.

    Recorded on each Evidence (``extra["owner_role"]``, ``extra["owner_name"]``, read by
    analysis: rule T7, collection that reached third parties) and in the ledger.  Events
    from a third party's phone are that person's events: the owner is part of their dedup
    key, so a mass-sent collector message that reached both the debtor and the contact
    stays two events.
    """

    name: str
    role: str = "contact"

    @classmethod
    def of(cls, name: str | None, role: str | None) -> Owner | None:
        """Validate the user's ``--owner`` / ``--owner-role`` (None: the debtor's own phone)."""
        clean = (name or "").strip()
        if not clean:
            if role is not None or name is not None:
                raise UsageError("ingest.owner.name_missing")
            return None
        if role is not None and role not in OWNER_ROLES:
            raise UsageError("ingest.owner.bad_role", role=role, roles=", ".join(OWNER_ROLES))
        return cls(clean[:200], role or "contact")

    def details(self) -> dict[str, str]:
        return {"owner_role": self.role, "owner_name": self.name}


_EVENTS = cast(Table, Event.__table__)
_PARTIES = cast(Table, Party.__table__)
_PHONES = cast(Table, Phone.__table__)
_SQLITE_INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join(_EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _EVENT_COLUMNS)})"
)


class Progress:
    """Progress sink; the CLI subclasses it with a rich progress bar.  Default: silent."""

    def file_started(self, name: str, total: int | None) -> None:
        """A file starts; ``total`` is its size in bytes when known."""

    def advance(self, done: int) -> None:
        """Bytes (or rows) of the current file handled so far."""

    def file_finished(self, report: FileReport) -> None:
        """A file is done (imported, failed or skipped)."""


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    format: str | None = None
    status: str = "imported"  # imported | failed | unrecognised | container
    evidence_id: int | None = None
    sha256: str | None = None
    new_original: bool = False
    parsed: dict[str, int] = field(default_factory=dict)  # records by kind
    inserted: int = 0
    duplicates: int = 0
    contacts_new: int = 0
    contacts_known: int = 0
    derived: int = 0
    skipped_count: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    salvaged: dict[str, Any] | None = None
    first_time: str | None = None
    last_time: str | None = None
    error: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "format": self.format,
            "status": self.status,
            "evidence_id": self.evidence_id,
            "sha256": self.sha256,
            "new_original": self.new_original,
            "parsed": dict(self.parsed),
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "contacts_new": self.contacts_new,
            "contacts_known": self.contacts_known,
            "derived": self.derived,
            "skipped_count": self.skipped_count,
            "skipped": self.skipped,
            "notes": self.notes,
            "salvaged": self.salvaged,
            "time_range": [self.first_time, self.last_time],
            "error": self.error,
        }


@dataclass
class ImportReport:
    case_id: str
    files: list[FileReport] = field(default_factory=list)
    owner: dict[str, str] | None = None  # {"owner_role", "owner_name"}: not the debtor's phone

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "inserted": self.inserted,
            "failed": len(self.failed),
            "owner": self.owner,
            "files": [f.as_dict() for f in self.files],
        }


def dedup_key(
    kind: str,
    time_us: int,
    direction: str,
    number_key: str,
    text: str | None,
    duration: int | None,
    source_id: str | None = None,
) -> str:
    """Identity of an event: the same message/call from any backup gets the same key.

    ``source_id`` is the format's own stable id of the record (``extra["source_msg_id"]``,
    e.g. ``"wechat:<MsgSvrID>"``) when it has one: two equal messages within the time
    precision of the format (WeChat exports: one minute) then stay two events, while the
    same message in a later export still gets the same key.

    24 characters: the event's second in hex (8 digits until 2106; time-ordered, so inserts
    into the unique index arrive nearly in order) and a 64-bit BLAKE2b digest of the
    identity.  Two different events collide only within the same second and case, with
    odds of about 2**-64 per pair.
    """
    src = f"{kind}\x1f{time_us}\x1f{direction}\x1f{number_key}\x1f{text or ''}\x1f{'' if duration is None else duration}"
    if source_id:
        src += f"\x1e{source_id}"
    digest = _blake2b(src.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"{time_us // 1_000_000 if time_us > 0 else 0:08x}{digest}"


# --------------------------------------------------------------------------- writing records


def _return_freed_memory() -> None:
    """Ask glibc to give freed heap pages (SQLite's page cache) back to the OS (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _RowBuilder:
    """EventRecord → insert row (pure: no session), shared by the in-process and parallel paths.

    The fast paths (``_fast_*.py``) fill ``rows`` themselves and share this builder's state
    (number cache, first/last time, counts), so a file's report is the same either way;
    a change to the row layout here must be made there too (``tests/ingest/test_fast_sbr.py``
    fails until it is).
    """

    def __init__(
        self,
        case_id: str,
        evidence_id: int | None,
        sqlite: bool,
        contacts: dict[str, str | None],
        owner: Owner | None = None,
    ) -> None:
        # events from a third party's phone are theirs: tag their identity with the owner
        self.owner_tag = f"owner:{owner.role}:{owner.name}" if owner is not None else None
        self.case_id = case_id
        self.evidence_id = evidence_id
        self.sqlite = sqlite
        self.contacts = contacts
        self.rows: list[tuple[Any, ...]] = []
        self.parsed: Counter[str] = Counter()
        self.numbers: dict[str, PhoneInfo] = {}
        self._first_us: int | None = None  # earliest / latest event, µs since the epoch
        self._last_us: int | None = None
        self._number_cache: dict[str, tuple[str | None, str]] = {}
        self._days: dict[int, str] = {}
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode

    def _json(self, extra: dict[str, Any]) -> str:
        if len(extra) == 1:
            # fast path for the most common extra, {"date_sent_ms": 1714521599000}
            ((k, v),) = extra.items()
            if type(v) is int and k.isidentifier():
                return f'{{"{k}":{v}}}'
        return self._dumps(extra)

    def take(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def merge(
        self, parsed: dict[str, int], numbers: dict[str, PhoneInfo], first: dt.datetime, last: dt.datetime
    ) -> None:
        self.parsed.update(parsed)
        for k, v in numbers.items():
            self.numbers.setdefault(k, v)
        if first <= last:
            self._span((first - _EPOCH) // _US)
            self._span((last - _EPOCH) // _US)

    def _span(self, time_us: int) -> None:
        if self._first_us is None or time_us < self._first_us:
            self._first_us = time_us
        if self._last_us is None or time_us > self._last_us:
            self._last_us = time_us

    @property
    def first(self) -> dt.datetime:
        """The earliest event's time (``datetime.max`` when there was none)."""
        return _MAX_TIME if self._first_us is None else _EPOCH + dt.timedelta(microseconds=self._first_us)

    @property
    def last(self) -> dt.datetime:
        return _MIN_TIME if self._last_us is None else _EPOCH + dt.timedelta(microseconds=self._last_us)

    def _number(self, raw: str) -> tuple[str | None, str]:
        """(matching key, number kind) of a raw counterpart."""
        if "~" in raw:
            return None, "group"
        info = normalize(raw)
        if info.kind is NumberKind.HIDDEN:
            return None, info.kind.value
        key = info.key[:64]
        if key not in self.numbers:
            self.numbers[key] = info
        return key, info.kind.value

    def event(self, rec: EventRecord) -> None:
        """One record → one insert row (the hot loop of an import: keep it lean)."""
        kind_v = _VALUE[rec.kind]
        self.parsed[kind_v] += 1
        raw = rec.counterpart_number
        key: str | None = None
        nkind: str | None = None
        if raw is not None:
            hit = self._number_cache.get(raw)
            if hit is None:
                hit = self._number_cache[raw] = self._number(raw)
            key, nkind = hit
        name = rec.counterpart_name
        if name is None and key is not None:
            name = self.contacts.get(key)
        t_utc = rec.time_utc
        time_us = (t_utc - _EPOCH) // _US
        if self._first_us is None or time_us < self._first_us:
            self._first_us = time_us
        if self._last_us is None or time_us > self._last_us:
            self._last_us = time_us
        direction = _VALUE[rec.direction]
        text = rec.text
        duration = rec.duration_s
        extra = rec.extra
        thread = rec.thread
        status = rec.call_status
        # the dedup key, inlined (see dedup_key: the same text, the same digest)
        src = f"{kind_v}\x1f{time_us}\x1f{direction}\x1f{key or raw or ''}\x1f{text or ''}\x1f{'' if duration is None else duration}"
        source = extra.get("source_msg_id") if extra else None
        if self.owner_tag is not None:
            source = f"{self.owner_tag}\x1e{source}" if source else self.owner_tag
        if source:
            src += f"\x1e{source}"
        sec = time_us // 1_000_000
        ident = f"{sec if sec > 0 else 0:08x}{_blake2b(src.encode('utf-8', 'surrogatepass'), digest_size=8).hexdigest()}"
        if self.sqlite:
            # SQLAlchemy's SQLite DATETIME text ('2024-05-01 08:00:00.000000') from a per-day
            # prefix: three times cheaper than datetime.isoformat()
            day, rem = divmod(sec, 86_400)
            prefix = self._days.get(day)
            if prefix is None:
                prefix = self._days[day] = (_EPOCH + dt.timedelta(days=day)).date().isoformat() + " "
            when: Any = f"{prefix}{rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}.{time_us % 1_000_000:06d}"
            stored_extra: Any = self._json(extra) if extra else None
        else:
            when = t_utc
            stored_extra = extra or None
        self.rows.append(
            (
                self.case_id,
                self.evidence_id,
                kind_v,
                direction,
                when,
                rec.utc_offset_minutes,
                rec.time_raw[:100],
                raw[:400] if raw is not None else None,
                key,
                name[:200] if name is not None else None,
                nkind,
                rec.channel,
                text,
                duration,
                _VALUE[status] if status is not None else None,
                rec.locator[:200],
                thread[:400] if thread is not None else None,
                stored_extra,
                ident,
            )
        )


def _takes_fast_path(importer: Importer, path: Path) -> bool:
    """Does this file go through the importer's fast path?  Only big files do (it pays off there)."""
    from dunguard.ingest import _fast_sbr

    if importer.name not in _fast_sbr.FAST_FORMATS or importer is not get_importer(importer.name):
        return False
    try:
        return path.stat().st_size >= FAST_MIN_BYTES
    except OSError:
        return False


def _records(
    importer: Importer, path: Path, ctx: ParseContext, builder: _RowBuilder, fast: bool
) -> Iterator[Record | None]:
    """The importer's records, or (``fast``) its fast path: rows straight into ``builder``.

    ``None`` in the stream means ``builder.rows`` holds a batch the caller should take now.
    """
    if fast:
        from dunguard.ingest import _fast_sbr

        return _fast_sbr.rows(path, ctx, builder)
    return iter(importer.parse(path, ctx))


def _parse_worker(
    conn: Any,
    importer_name: str,
    path: str,
    ctx_kwargs: dict[str, Any],
    case_id: str,
    evidence_id: int | None,
    sqlite: bool,
    contacts: dict[str, str | None],
    owner: Owner | None = None,
    fast: bool = False,
) -> None:
    """Child process of a parallel import: parse and build rows, send them in batches.

    Messages: ("rows", rows, other_records, bytes_done) … then ("end", …state) or
    ("error", module, class, key, params) or ("crash", traceback text).
    """
    try:
        importer = get_importer(importer_name)
        done = [0]
        ctx = ParseContext(progress=lambda n: done.__setitem__(0, n), **ctx_kwargs)
        builder = _RowBuilder(case_id, evidence_id, sqlite, contacts, owner)
        others: list[Record] = []
        for rec in _records(importer, Path(path), ctx, builder, fast):
            if rec is None:
                conn.send(("rows", builder.take(), others, done[0]))
                others = []
            elif isinstance(rec, EventRecord):
                builder.event(rec)
                if len(builder.rows) >= BATCH:
                    conn.send(("rows", builder.take(), others, done[0]))
                    others = []
            else:
                others.append(rec)
                if len(others) >= 1000:
                    conn.send(("rows", [], others, done[0]))
                    others = []
        conn.send(("rows", builder.take(), others, done[0]))
        conn.send(
            (
                "end",
                dict(builder.parsed),
                builder.numbers,
                builder.first,
                builder.last,
                ctx.skipped_count,
                ctx.skipped,
                ctx.notes,
                ctx.salvaged_at,
            )
        )
    except (BrokenPipeError, ConnectionError):
        pass  # the importing process stopped listening (it failed or was interrupted)
    except DunGuardError as exc:
        _send_quietly(conn, ("error", type(exc).__module__, type(exc).__qualname__, exc.key, exc.params))
    except sqlite3.DatabaseError as exc:
        params = {"file": ctx_kwargs.get("display_name", path), "place": "", "detail": str(exc)}
        _send_quietly(conn, ("error", "dunguard.errors", "FormatError", "ingest.db.corrupt", params))
    except BaseException:
        _send_quietly(conn, ("crash", traceback.format_exc()))
    finally:
        with contextlib.suppress(OSError):
            conn.close()


def _send_quietly(conn: Any, msg: tuple[Any, ...]) -> None:
    with contextlib.suppress(OSError):
        conn.send(msg)


class RecordWriter:
    """Writes parser records of one original into the case, inside a transaction.

    Reusable by other commands that produce records without a parser file (a diary entry:
    ``evidence`` may be ``None``).
    """

    def __init__(
        self, tx: Transaction, evidence: Evidence | None, report: FileReport, owner: Owner | None = None
    ) -> None:
        self.tx = tx
        self.owner = owner
        self.session: Session = tx.session
        self.case_id = tx.case_id
        self.evidence = evidence
        self.report = report
        self._sqlite = self.session.get_bind().dialect.name == "sqlite"
        self.is_sqlite = self._sqlite
        self._contacts = self._load_contact_index()
        self.builder = _RowBuilder(
            self.case_id, evidence.id if evidence is not None else None, self._sqlite, self._contacts, owner
        )
        self._existing_contacts: set[tuple[str, frozenset[str]]] | None = None
        # contacts waiting for their bulk insert: (party row, phone rows without party_id)
        self._pending: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        # number key → the first contact name seen for it in this file (names events at the end)
        self._names: dict[str, str] = {}
        # number keys of the case's events that have no name yet (None: not loaded yet)
        self._unnamed: set[str] | None = None
        self._cursor: sqlite3.Cursor | None = None
        self._saved_cache: int | None = None
        self._dropped_indexes: list[str] = []  # CREATE INDEX statements to run again (bulk)

    # -- public -------------------------------------------------------------------------
    def write(self, records: Iterable[Record | None], source: str | None = None) -> None:
        """Write records; a parser bug on odd content fails this file only (FormatError).

        ``None`` among the records means the builder's rows were filled directly (a fast
        path, see :func:`_records`) and make a batch to insert now.
        """
        builder = self.builder
        it = iter(records)
        while True:
            try:
                rec = next(it)
            except StopIteration:
                break
            except (DunGuardError, sqlite3.DatabaseError):
                raise
            except Exception as exc:  # an importer bug must not abort a whole folder import
                raise FormatError(
                    "ingest.parser.failed",
                    file=source or (self.evidence.original_name if self.evidence is not None else "?"),
                    place="",
                    detail=f"{type(exc).__name__}: {exc}",
                ) from exc
            if rec is None:
                self._insert(builder.take())
            elif isinstance(rec, EventRecord):
                builder.event(rec)
                if len(builder.rows) >= BATCH:
                    self._insert(builder.take())
            else:
                self.other(rec)
        self._insert(builder.take())

    def write_parallel(self, importer: Importer, path: Path, ctx: ParseContext) -> None:
        """Parse in a child process while this one inserts: both CPU cores busy.

        The child (``python -m dunguard.ingest._worker``) gets the importer's name and the
        file, and sends pickled row batches through a pipe (bounded: it blocks when this
        side is busy, so memory stays flat).
        """
        ctx_kwargs = {
            "display_name": ctx.display_name,
            "tz_name": ctx.tz_name,
            "salvage": ctx.salvage,
            "companions": ctx.companions,
        }
        job = (
            importer.name,
            str(path),
            ctx_kwargs,
            self.case_id,
            self.builder.evidence_id,
            self._sqlite,
            self._contacts,
            self.owner,
            _takes_fast_path(importer, path),
        )
        env = dict(os.environ)
        src_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = src_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = subprocess.Popen(
            [sys.executable, "-m", "dunguard.ingest._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=PIPE_BYTES,
        )
        assert proc.stdin is not None and proc.stdout is not None
        # a 64 KiB pipe would hand every batch over in dozens of small steps, each waiting
        # for the scheduler on a busy machine: ask Linux for a bigger one (best effort)
        with contextlib.suppress(OSError, AttributeError, ValueError):
            import fcntl

            fcntl.fcntl(proc.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        try:
            pickle.dump(job, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.close()
            stream = proc.stdout
            while True:
                try:
                    msg = pickle.load(stream)
                except EOFError:
                    raise RuntimeError(
                        f"the parser process for {ctx.display_name} ended unexpectedly"
                    ) from None
                tag = msg[0]
                if tag == "rows":
                    self._insert(msg[1])
                    for rec in msg[2]:
                        self.other(rec)
                    ctx.advance(msg[3])
                elif tag == "end":
                    _, parsed, numbers, first, last, skipped_count, skipped, notes, salvaged = msg
                    self.builder.merge(parsed, numbers, first, last)
                    ctx.skipped_count += skipped_count
                    ctx.skipped.extend(skipped)
                    ctx.notes.extend(notes)
                    ctx.salvaged_at = salvaged
                    break
                elif tag == "error":
                    _, module, cls_name, key, params = msg
                    cls = getattr(importlib.import_module(module), cls_name, DunGuardError)
                    raise cls(key, **params)
                else:
                    lines = str(msg[1]).strip().splitlines()
                    raise FormatError(
                        "ingest.parser.failed", file=ctx.display_name, place="", detail=lines[-1] if lines else "?"
                    )
        finally:
            proc.stdout.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def expect(self, events: int) -> None:
        """About ``events`` events are coming: on SQLite, rebuild indexes instead of keeping them.

        Keeping the secondary indexes of ``events`` up to date costs more per row than the row
        itself once the import is big; building an index once from the finished table is a
        sort.  When the file brings more events than the table holds, its secondary indexes
        are dropped here and created again by :meth:`finish`, all inside this file's
        transaction (a failure or a crash rolls the drop back with everything else).  The
        unique ``(case_id, dedup_key)`` index stays: it is what makes re-imports idempotent.
        PostgreSQL keeps its indexes.
        """
        if not self._sqlite or events < BULK_MIN_EVENTS or self._dropped_indexes:
            return
        cur = self._driver_cursor()
        # the highest id: instant, and never below the row count (a cautious estimate)
        (existing,) = cur.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        if int(existing) > events:
            return
        found = cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
        ).fetchall()
        for name, sql in found:
            cur.execute(f'DROP INDEX "{name}"')
            self._dropped_indexes.append(str(sql))

    def _restore_indexes(self) -> None:
        dropped, self._dropped_indexes = self._dropped_indexes, []
        if dropped:
            cur = self._driver_cursor()
            for sql in dropped:
                cur.execute(sql)

    def other(self, rec: Record) -> None:
        """A contact or derived record (needs the session: always in this process)."""
        if isinstance(rec, ContactRecord):
            self._contact(rec)
        elif isinstance(rec, DerivedRecord):
            self._derived(rec)
        elif isinstance(rec, EventRecord):
            self.builder.event(rec)

    def close(self) -> None:
        """Give the connection back as it was (page cache size); safe to call twice."""
        if self._cursor is not None:
            if self._saved_cache is not None:
                self._cursor.execute(f"PRAGMA cache_size = {self._saved_cache}")
                self._cursor.execute("PRAGMA shrink_memory")
                _return_freed_memory()
            self._cursor.close()
            self._cursor = None

    def finish(self) -> None:
        b = self.builder
        self._insert(b.take())
        self._restore_indexes()
        self.close()  # hand the big page cache back
        self._flush_contacts()
        self._name_events()
        self._store_numbers()
        r = self.report
        r.parsed = dict(b.parsed)
        if b.first <= b.last:
            r.first_time = b.first.isoformat()
            r.last_time = b.last.isoformat()

    # -- events -------------------------------------------------------------------------
    def _load_contact_index(self) -> dict[str, str | None]:
        """Number key → name of the case's first party with that number."""
        rows = self.session.execute(
            select(Phone.e164, Phone.raw, Party.name)
            .join(Party, Party.id == Phone.party_id)
            .where(Phone.case_id == self.case_id)
            .order_by(Phone.id)
        ).all()
        index: dict[str, str | None] = {}
        for e164, raw, name in rows:
            key = e164 or normalize(raw).key
            if key:
                index.setdefault(key, name)
        return index

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self._sqlite:
            cur = self._driver_cursor()
            cur.executemany(_SQLITE_INSERT, rows)
            inserted = cur.rowcount
        else:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = (
                pg_insert(Event)
                .on_conflict_do_nothing(index_elements=["case_id", "dedup_key"])
                .returning(Event.id)
            )
            dicts = [dict(zip(_EVENT_COLUMNS, row, strict=True)) for row in rows]
            inserted = len(self.session.execute(stmt, dicts).all())
        self.report.inserted += inserted
        self.report.duplicates += len(rows) - inserted

    def _driver_cursor(self) -> sqlite3.Cursor:
        """The SQLite driver's cursor on the session's connection (same transaction)."""
        if self._cursor is None:
            dbapi = self.session.connection().connection.driver_connection
            assert isinstance(dbapi, sqlite3.Connection)
            self._cursor = dbapi.cursor()
            row = self._cursor.execute("PRAGMA cache_size").fetchone()
            self._saved_cache = int(row[0]) if row else None
            # index pages of a big import stay in memory: 64 MiB instead of SQLite's 2 MiB
            self._cursor.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        return self._cursor

    def _store_numbers(self) -> None:
        numbers = self.builder.numbers
        if not numbers:
            return
        known = set(
            self.session.scalars(
                select(NumberInfo.key).where(
                    NumberInfo.case_id == self.case_id, NumberInfo.key.in_(list(numbers)[:30_000])
                )
            )
        )
        new = [
            {
                "case_id": self.case_id,
                "key": k[:64],
                "raw": info.raw[:64],
                "e164": info.e164,
                "kind": info.kind.value,
                "region": info.region,
                "carrier": info.carrier,
                # the geocoder's ~100 MB of tables would double an import's memory: the
                # location is looked up when shown (dunguard.phones.location_of)
                "location": info.location,
            }
            for k, info in numbers.items()
            if k not in known
        ]
        if new:
            self.session.execute(insert(NumberInfo), new)

    # -- contacts and derived --------------------------------------------------------------
    def _contact(self, rec: ContactRecord) -> None:
        self.builder.parsed["contact"] += 1
        infos = [normalize(n) for n in rec.numbers if n and n.strip()]
        keys = frozenset(i.key for i in infos if i.key)
        name = (rec.name or "").strip() or None
        if self._existing_contacts is None:
            rows = self.session.execute(
                select(Party.id, Party.name, Phone.e164, Phone.raw)
                .outerjoin(Phone, Phone.party_id == Party.id)
                .where(Party.case_id == self.case_id, Party.role == "contact")
            ).all()
            by_party: dict[int, tuple[str, set[str]]] = {}
            for pid, pname, e164, praw in rows:
                entry = by_party.setdefault(pid, (pname or "", set()))
                if e164 or praw:
                    entry[1].add(e164 or normalize(praw).key)
            self._existing_contacts = {(n, frozenset(k)) for n, k in by_party.values()}
        ident = (name or "", keys)
        if ident in self._existing_contacts:
            self.report.contacts_known += 1
            return
        self._existing_contacts.add(ident)
        extra: dict[str, Any] = dict(rec.extra)
        if rec.organization:
            extra["organization"] = rec.organization
        if rec.locator:
            extra["locator"] = rec.locator
        party = {
            "case_id": self.case_id,
            "role": "contact",
            "name": name,
            "note": rec.note,
            "source_evidence_id": self.evidence.id if self.evidence is not None else None,
            "extra": extra,
        }
        phones: list[dict[str, Any]] = []
        seen: set[str] = set()
        for info in infos:
            if info.key in seen:
                continue
            seen.add(info.key)
            phones.append({"case_id": self.case_id, "raw": info.raw[:64], "e164": info.e164, "kind": info.kind.value})
            if info.key and info.kind is not NumberKind.HIDDEN:
                self._contacts.setdefault(info.key, name)
                if name and info.key[:64] in self._unnamed_keys():
                    # events imported earlier from this number get the contact's name (finish)
                    self._names.setdefault(info.key[:64], name[:200])
        self._pending.append((party, phones))
        if len(self._pending) >= CONTACT_BATCH:
            self._flush_contacts()
        self.report.contacts_new += 1

    def _unnamed_keys(self) -> set[str]:
        """Numbers of the case's unnamed events: only these can take a contact's name."""
        if self._unnamed is None:
            self._insert(self.builder.take())  # events of this file so far count too
            self._restore_indexes()  # the query below needs them
            self._unnamed = set(
                self.session.scalars(
                    select(Event.counterpart_e164)
                    .where(
                        Event.case_id == self.case_id,
                        Event.counterpart_name.is_(None),
                        Event.counterpart_e164.is_not(None),
                    )
                    .distinct()
                )
            )
        return self._unnamed

    def _flush_contacts(self) -> None:
        """Bulk-insert the pending parties (ids back in order), then their phones."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        conn = self.session.connection()
        ids = conn.execute(
            insert(_PARTIES).returning(_PARTIES.c.id, sort_by_parameter_order=True), [p for p, _ in pending]
        ).scalars().all()
        phones = [{**ph, "party_id": pid} for pid, (_, rows) in zip(ids, pending, strict=True) for ph in rows]
        if phones:
            conn.execute(insert(_PHONES), phones)

    def _name_events(self) -> None:
        """One set-based UPDATE: unnamed events from this file's contacts' numbers get their names.

        The (number key → name) pairs go into a temporary table first: keys that have no
        E.164 form (service numbers, short codes) are matched as well, on SQLite and
        PostgreSQL alike.
        """
        names, self._names = self._names, {}
        if not names:
            return
        conn = self.session.connection()
        tmp = Table(
            "dunguard_contact_names",
            MetaData(),
            Column("key", String(64), primary_key=True),
            Column("name", String(200), nullable=False),
            prefixes=["TEMPORARY"],
            postgresql_on_commit="DROP",
        )
        tmp.create(conn)
        try:
            items = list(names.items())
            for start in range(0, len(items), 50_000):
                conn.execute(insert(tmp), [{"key": k, "name": v} for k, v in items[start : start + 50_000]])
            conn.execute(
                update(_EVENTS)
                .where(
                    _EVENTS.c.case_id == self.case_id,
                    _EVENTS.c.counterpart_name.is_(None),
                    _EVENTS.c.counterpart_e164.in_(select(tmp.c.key)),
                )
                .values(
                    counterpart_name=select(tmp.c.name)
                    .where(tmp.c.key == _EVENTS.c.counterpart_e164)
                    .scalar_subquery()
                )
            )
        finally:
            tmp.drop(conn)

    def _derived(self, rec: DerivedRecord) -> None:
        self.builder.parsed["derived"] += 1
        if self.evidence is None:
            return
        self.tx.add_derived(self.evidence, rec)
        self.report.derived += 1


# --------------------------------------------------------------------------- walking inputs


@dataclass
class _Item:
    path: Path
    display: str
    explicit: bool  # named by the user (unknown format = error) vs found in a folder/zip
    container_sha: str | None = None
    name: str = ""  # the evidence name: no local folders above what the user named

    def __post_init__(self) -> None:
        if not self.name:
            self.name = self.display


def _strip_parent(display: str, shown: str) -> str:
    """``/home/u/备份/sms.xml`` named as ``/home/u/备份`` → ``备份/sms.xml`` (no private path)."""
    parent = shown[: len(shown) - len(Path(shown).name)]
    return display[len(parent):] if parent and display.startswith(parent) else display


def _is_zip(path: Path, head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path)


def _claimed(path: Path, head: bytes) -> bool:
    """Does an importer read this ZIP as a whole (an export format that is a ZIP)?"""
    try:
        detect(path, head)
    except UnsupportedFormat:
        return False
    return True


def _walk_folder(folder: Path, display: str) -> Iterator[_Item]:
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") or part == "__MACOSX" for part in rel.parts):
            continue
        if p.is_file() and not is_companion(p):
            yield _Item(p, f"{display}/{rel.as_posix()}", explicit=False)


IOS_BACKUP_ARTIFACTS = (
    ("HomeDomain", "Library/SMS/sms.db"),
    ("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata"),
    ("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"),
)


def _ios_backup_items(folder: Path, display: str, stack: ExitStack) -> list[_Item] | None:
    """An iTunes/Finder backup folder: only the artifacts we read, under their real names.

    Files in a backup are stored as ``<fileID[:2]>/<fileID>`` and listed in ``Manifest.db``
    (``Files(fileID, domain, relativePath)``).  Walking such a folder blindly would sniff
    (and OCR) thousands of unrelated files, so the manifest picks the messages, call history
    and address book (with their -wal/-shm when the backup has them).  An encrypted backup
    (its Manifest.db is not plain SQLite) is walked like any folder.
    """
    manifest = folder / "Manifest.db"
    if not manifest.is_file() or not read_head(manifest, 16).startswith(SQLITE_MAGIC):
        return None
    try:
        with sqlite_copy(manifest) as conn:
            rows = conn.execute("SELECT fileID, domain, relativePath FROM Files").fetchall()
    except (FormatError, sqlite3.Error, OSError):
        return None
    by_path = {(str(d), str(r)): str(f) for f, d, r in rows if f and d and r}

    def stored(file_id: str) -> Path | None:
        for cand in (folder / file_id[:2] / file_id, folder / file_id):
            if cand.is_file():
                return cand
        return None

    items: list[_Item] = []
    for domain, rel in IOS_BACKUP_ARTIFACTS:
        fid = by_path.get((domain, rel))
        src = stored(fid) if fid else None
        if src is None:
            continue
        comps = [(sfx, stored(by_path[(domain, rel + sfx)])) for sfx in ("-wal", "-shm") if (domain, rel + sfx) in by_path]
        name = PurePosixPath(rel).name
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dunguard-iosbackup-")))
        target = tmp / name
        shutil.copyfile(src, target)
        for sfx, comp in comps:
            if comp is not None:
                shutil.copyfile(comp, tmp / (name + sfx))
        items.append(_Item(target, f"{display}/{domain}/{rel}", explicit=False))
    return items


def _extract_zip(path: Path, display: str, dest: Path) -> None:
    """Unpack a ZIP safely (no path traversal, member/size/ratio limits)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise HostileInputError("ingest.zip.too_many", file=display, count=len(infos))
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                total += info.file_size
                if total > ZIP_MAX_TOTAL:
                    raise HostileInputError("ingest.zip.too_big", file=display)
                if info.file_size > 1_000_000 and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
                    raise HostileInputError("ingest.zip.bomb", file=display, member=info.filename)
                parts = [
                    p
                    for p in PurePosixPath(info.filename.replace("\\", "/")).parts
                    if p not in ("", ".", "..", "/")
                ]
                if not parts:
                    continue
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > info.file_size:
                            raise HostileInputError("ingest.zip.bomb", file=display, member=info.filename)
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise FormatError("ingest.zip.broken", file=display, place="", detail=str(exc)) from exc


# --------------------------------------------------------------------------- the import


def import_paths(
    home: Home,
    case_id: str,
    paths: Iterable[Path | str],
    *,
    tz: str | None = None,
    salvage: bool = False,
    progress: Progress | None = None,
    actor: str = "cli",
    parallel: bool | None = None,
    fmt: str | None = None,
    owner: str | None = None,
    owner_role: str | None = None,
) -> ImportReport:
    """Import files, folders and ZIPs into a case; one transaction per file.

    ``fmt`` forces one importer (by name) instead of sniffing, for every file given;
    ``parallel`` forces (True) or forbids (False) parsing in a child process.
    ``owner`` names the person whose phone the files come from when it is not the
    debtor's (``owner_role``: one of :data:`OWNER_ROLES`, default ``contact``); see
    :class:`Owner`.
    """
    who = Owner.of(owner, owner_role)
    forced = get_importer(fmt) if fmt else None
    sink = progress or Progress()
    with home.store.session() as s:
        case = s.get(Case, case_id)
        case_tz = case.timezone if case is not None and case.timezone else None
    zone = tz or case_tz or "Asia/Shanghai"
    ParseContext(display_name="", tz_name=zone)  # validates the zone name early (UsageError)
    report = ImportReport(case_id, owner=who.details() if who is not None else None)
    with ExitStack() as stack:
        queue: list[tuple[_Item, int]] = []
        for p in paths:
            path = Path(p)
            if path.is_dir():
                shown = str(p).rstrip("/")
                backup = _ios_backup_items(path, shown, stack)
                items = backup if backup is not None else list(_walk_folder(path, shown))
                for item in items:
                    item.name = _strip_parent(item.display, shown)
                queue.extend((item, 0) for item in items)
            else:
                queue.append((_Item(path, str(p), explicit=True, name=path.name), 0))
        while queue:
            item, depth = queue.pop(0)
            try:
                if not item.path.exists():
                    raise InputError("error.path.missing", path=item.display)
                if item.path.stat().st_size == 0:
                    raise InputError("ingest.file.empty", file=item.display)
                head = read_head(item.path, HEAD_BYTES)
                if forced is None and _is_zip(item.path, head) and depth < ZIP_MAX_DEPTH and not _claimed(item.path, head):
                    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dunguard-zip-")))
                    _extract_zip(item.path, item.display, tmp)
                    fr = _store_container(home, case_id, item, actor, who)
                    report.files.append(fr)
                    sink.file_finished(fr)
                    members = [
                        (
                            _Item(
                                m.path,
                                f"{item.display}!{m.display[len(str(tmp)) + 1 :]}",
                                False,
                                fr.sha256,
                                name=f"{item.name}!{m.display[len(str(tmp)) + 1 :]}",
                            ),
                            depth + 1,
                        )
                        for m in _walk_folder(tmp, str(tmp))
                    ]
                    queue[0:0] = members
                    continue
                importer = forced or detect(item.path, head, display_name=item.display)
            except UnsupportedFormat as exc:
                fr = FileReport(item.display, status="failed" if item.explicit else "unrecognised")
                fr.error = _error_dict(exc)
                report.files.append(fr)
                sink.file_finished(fr)
                continue
            except InputError as exc:
                fr = FileReport(item.display, status="failed", error=_error_dict(exc))
                report.files.append(fr)
                sink.file_finished(fr)
                continue
            fr = _import_one(home, case_id, item, importer, zone, salvage, sink, actor, parallel, who)
            report.files.append(fr)
            sink.file_finished(fr)
    if report.inserted >= ANALYZE_AFTER and not home.store.is_sqlite:
        _refresh_planner_statistics(home)
    return report


ANALYZE_AFTER = 50_000  # rows; below this the planner's estimates stay good enough


def _refresh_planner_statistics(home: Home) -> None:
    """After a big import, PostgreSQL plans badly until autovacuum analyses ``events``: do it now."""
    from sqlalchemy import text

    with home.store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE events"))


def _error_dict(exc: InputError) -> dict[str, Any]:
    return {"key": exc.key, "message": exc.message(), "params": {k: str(v) for k, v in exc.params.items()}}


def _store_container(home: Home, case_id: str, item: _Item, actor: str, owner: Owner | None) -> FileReport:
    fr = FileReport(item.display, format="zip", status="container")
    with home.transaction(case_id, actor=actor) as tx:
        details = {"container_of": item.container_sha} if item.container_sha else {}
        if owner is not None:
            details.update(owner.details())
        ev, is_new = tx.add_original(
            item.path, method="import", original_name=item.name, fmt="zip", details=details or None
        )
        _mark_owner(tx, ev, owner)
        fr.evidence_id, fr.sha256, fr.new_original = ev.id, ev.sha256, is_new
    return fr


def _owner_of(data: dict[str, Any] | None) -> Owner | None:
    """The owner recorded in an Evidence's extra or an import's ledger details."""
    if not data or not data.get("owner_name"):
        return None
    return Owner(str(data["owner_name"]), str(data.get("owner_role") or "contact"))


def _mark_owner(tx: Transaction, ev: Evidence, owner: Owner | None) -> None:
    """Record whose phone an original comes from on the Evidence (the ledger has it too).

    A file imported again with another ``--owner`` takes the new one (analysis reads the
    marking per Evidence), and the change is logged with the previous value; its events are
    not imported again.  Without ``--owner`` an earlier marking stays.
    """
    if owner is None:
        return
    current = ev.extra or {}
    wanted = owner.details()
    if all(current.get(k) == v for k, v in wanted.items()):
        return
    if current.get("owner_role") or current.get("owner_name"):
        tx.log(
            "owner",
            ev.sha256,
            {
                "evidence_id": ev.id,
                **wanted,
                "previous": {"owner_role": current.get("owner_role"), "owner_name": current.get("owner_name")},
            },
        )
    ev.extra = {**current, **wanted}  # a new dict: the JSON column sees the change


def _parallel_pays(size: int) -> bool:
    """Parse in a child process only for big files and when a CPU is actually free.

    The child costs about a third more CPU in total (rows cross a pipe); it pays off when
    parsing and inserting can run on two idle cores, and loses on a saturated machine.
    """
    if size < PARALLEL_MIN_BYTES:
        return False
    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cpus >= 2
    return cpus >= 2 and load <= cpus - 1


def _previous_import(session: Session, case_id: str, sha256: str) -> dict[str, Any] | None:
    """Details of the last successful ``import`` of this original in the ledger, if any."""
    details = session.scalar(
        select(LedgerEntry.details)
        .where(LedgerEntry.case_id == case_id, LedgerEntry.object_hash == sha256, LedgerEntry.action == "import")
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    )
    if details is None:
        return None
    try:
        data = json.loads(details)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _report_from_previous(fr: FileReport, previous: dict[str, Any]) -> None:
    parsed = previous.get("parsed") or {}
    fr.parsed = {str(k): int(v) for k, v in parsed.items()}
    fr.duplicates = sum(v for k, v in fr.parsed.items() if k not in ("contact", "derived"))
    fr.contacts_known = int(parsed.get("contact", 0))
    rng = previous.get("time_range") or [None, None]
    fr.first_time, fr.last_time = rng[0], rng[1]
    fr.salvaged = previous.get("salvaged")
    fr.skipped_count = int(previous.get("skipped") or 0)
    fr.notes = [{"key": "ingest.report.already_imported"}]


def _import_one(
    home: Home,
    case_id: str,
    item: _Item,
    importer: Importer,
    zone: str,
    salvage: bool,
    sink: Progress,
    actor: str,
    parallel: bool | None = None,
    owner: Owner | None = None,
) -> FileReport:
    fr = FileReport(item.display, format=importer.name)
    companions = companions_of(item.path)
    try:
        size: int | None = item.path.stat().st_size
    except OSError:
        size = None
    sink.file_started(item.display, size)
    ctx = ParseContext(
        display_name=item.display,
        tz_name=zone,
        salvage=salvage,
        companions=companions,
        progress=sink.advance,
    )
    try:
        with home.transaction(case_id, actor=actor) as tx:
            details: dict[str, Any] = {"format": importer.name}
            if item.container_sha:
                details["from_container"] = item.container_sha
            owned = owner.details() if owner is not None else {}
            ev, is_new = tx.add_original(
                item.path,
                method="import",
                original_name=item.name,
                fmt=importer.name,
                details={**details, **owned},
            )
            _mark_owner(tx, ev, owner)
            for comp in companions:
                comp_ev, _ = tx.add_original(
                    comp,
                    method="import",
                    original_name=item.name + comp.name[len(item.path.name) :],
                    fmt=importer.name + ":companion",
                    details={"companion_of": ev.sha256, **owned},
                )
                _mark_owner(tx, comp_ev, owner)
            fr.evidence_id, fr.sha256, fr.new_original = ev.id, ev.sha256, is_new
            if not is_new and ev.format == importer.name:
                previous = _previous_import(tx.session, case_id, ev.sha256)
                if previous is not None:
                    # the very same file was fully imported before: nothing can be new (its
                    # events keep their identity; a new --owner only changes the marking)
                    _report_from_previous(fr, previous)
                    tx.log(
                        "reimport",
                        ev.sha256,
                        {"evidence_id": ev.id, "format": importer.name, "inserted": 0, "parse_skipped": True},
                    )
                    return fr
            # a file marked earlier as from someone's phone stays theirs when imported again
            owner = owner or _owner_of(ev.extra)
            owned = owner.details() if owner is not None else {}
            writer = RecordWriter(tx, ev, fr, owner)
            try:
                writer.expect((size or 0) // BYTES_PER_EVENT)
                if parallel if parallel is not None else _parallel_pays(size or 0):
                    writer.write_parallel(importer, item.path, ctx)
                else:
                    fast = _takes_fast_path(importer, item.path)
                    writer.write(_records(importer, item.path, ctx, writer.builder, fast), source=item.display)
                writer.finish()
            except sqlite3.DatabaseError as exc:
                raise FormatError("ingest.db.corrupt", file=item.display, place="", detail=str(exc)) from exc
            finally:
                writer.close()
            fr.skipped_count = ctx.skipped_count
            fr.skipped = [
                {"locator": s.locator, "reason": t(s.reason, **s.params), "key": s.reason}
                for s in ctx.skipped
            ]
            fr.notes = ctx.notes
            fr.salvaged = ctx.salvaged_at
            first_parse = is_new or ev.format is None
            if ev.format is None:
                ev.format = importer.name  # a plain original (``dunguard add``) now read as well
            tx.log(
                "import" if first_parse else "reimport",
                ev.sha256,
                {
                    "evidence_id": ev.id,
                    "format": importer.name,
                    "parsed": fr.parsed,
                    "inserted": fr.inserted,
                    "duplicates": fr.duplicates,
                    "contacts_new": fr.contacts_new,
                    "derived": fr.derived,
                    "skipped": fr.skipped_count,
                    "salvaged": fr.salvaged,
                    "tz": zone,
                    "time_range": [fr.first_time, fr.last_time],
                    **owned,
                },
            )
    except InputError as exc:
        failed = FileReport(item.display, format=importer.name, status="failed", error=_error_dict(exc))
        return failed
    return fr
