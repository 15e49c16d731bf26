"""The importer protocol, the registry and format sniffing.

One evidence format = one small module in ``dunguard.ingest`` exposing a module-level
object named ``IMPORTER`` that satisfies :class:`Importer`:

* ``name``        short stable id (``"sms_backup_restore"``), stored with each Evidence.
* ``description`` one line for humans (English; the UI translates ``ingest.format.<name>``).
* ``reads``       what it reads (file kinds, tables, versions).
* ``samples``     the real sample files it was checked against (paths under ../shared/data
                  or public repositories), so reviewers can re-check.
* ``quirks``      known traps of the format and how the importer handles them.
* ``sniff(path, head) -> float``  0..1 confidence from the *content* (``head`` is the first
                  :data:`HEAD_BYTES` bytes of the file); the extension may only break ties.
                  It must be cheap and must never raise: return 0.0 when unsure.
* ``parse(path, ctx) -> Iterator[Record]``  streams :class:`~dunguard.records.EventRecord`,
                  :class:`~dunguard.records.ContactRecord` and
                  :class:`~dunguard.records.DerivedRecord` objects.  Parsers never touch the
                  database or the vault.  A record that cannot be used is reported with
                  ``ctx.skip(locator, reason_key, **params)`` and the parser goes on; a file
                  that cannot be read raises a :class:`~dunguard.errors.FormatError` (or
                  :class:`~dunguard.errors.HostileInputError`) naming the file and the place.

Registry: built-in importers are listed by module name in
``dunguard.ingest.IMPORTER_MODULES`` (a tuple; adding a format is a one-line edit there).
Third-party packages can add importers with the same power through the entry-point group
``dunguard.importers`` (each entry point loads an object satisfying :class:`Importer`).
Modules are imported lazily, on the first :func:`registry` call; heavy dependencies
(onnxruntime, ...) belong inside ``parse``.

Detection: :func:`detect` asks every importer's ``sniff`` and takes the highest score
(>= :data:`MIN_CONFIDENCE`); nobody above it → :class:`~dunguard.errors.UnsupportedFormat`
listing the supported formats.

SQLite inputs: never open an original database in place (SQLite may write to it and to its
``-wal``/``-shm``).  Use :func:`sqlite_copy`, which copies the database together with its
``-wal``/``-shm`` companions into a temporary folder, so records that live only in the WAL
are read too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dunguard.errors import FormatError, UnsupportedFormat, UsageError
from dunguard.records import ContactRecord, DerivedRecord, EventRecord

__all__ = [
    "DEFAULT_TZ",
    "HEAD_BYTES",
    "MAX_SKIPPED_KEPT",
    "MIN_CONFIDENCE",
    "SQLITE_MAGIC",
    "Importer",
    "ParseContext",
    "Record",
    "SkippedRecord",
    "apple_time",
    "companions_of",
    "detect",
    "epoch_ms_to_utc",
    "epoch_s_to_utc",
    "get_importer",
    "read_head",
    "registry",
    "select_existing",
    "sqlite_copy",
    "sqlite_tables",
    "supported_formats",
    "table_columns",
]

Record = EventRecord | ContactRecord | DerivedRecord

HEAD_BYTES = 64 * 1024
MIN_CONFIDENCE = 0.3
MAX_SKIPPED_KEPT = 1000
DEFAULT_TZ = "Asia/Shanghai"
SQLITE_MAGIC = b"SQLite format 3\x00"
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@runtime_checkable
class Importer(Protocol):
    """What every format module exposes as ``IMPORTER``.

    A format whose records carry a stable id of their own (one that a later export of the
    same data repeats: WeChat's ``MsgSvrID``, an iPhone message GUID) puts it into
    ``EventRecord.extra["source_msg_id"]`` as ``"<namespace>:<id>"``; the import pipeline
    adds it to the event's dedup key, so equal records the time precision cannot tell
    apart are kept.  Per-database row numbers (Android ``_id``, WeChat ``localId``) are
    not stable ids: a restored phone renumbers them, and a record must keep the key it
    has in other formats of the same phone (an Android ``mmssms.db`` and an SMS Backup &
    Restore XML of it deduplicate against each other).
    """

    name: str
    description: str
    reads: str
    samples: tuple[str, ...]
    quirks: tuple[str, ...]

    def sniff(self, path: Path, head: bytes) -> float: ...

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]: ...


@dataclass(slots=True)
class SkippedRecord:
    """A record the parser could not use: where it is and why (a message key + params)."""

    locator: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParseContext:
    """Everything a parser may need besides the file: zone, salvage flag, skip reporting.

    ``display_name`` is how messages name the file (the user's path, or ``zip!member``).
    ``companions`` are files that belong to the original (SQLite ``-wal``/``-shm``).
    Parsers call ``skip`` for unusable records, ``note`` for facts worth reporting
    (``count`` attribute mismatch, ...), ``advance`` for progress, and set
    ``salvaged_at`` when ``salvage`` let them stop early at a break in the file.
    """

    display_name: str
    tz_name: str = DEFAULT_TZ
    salvage: bool = False
    companions: tuple[Path, ...] = ()
    progress: Callable[[int], None] | None = None
    skipped: list[SkippedRecord] = field(default_factory=list)
    skipped_count: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    salvaged_at: dict[str, Any] | None = None
    tz: ZoneInfo = field(init=False)
    _offset_cache: dict[int, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.tz = load_zone(self.tz_name)

    def skip(self, locator: str, reason: str, **params: Any) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append(SkippedRecord(locator, reason, params))

    def note(self, key: str, **params: Any) -> None:
        self.notes.append({"key": key, **params})

    def advance(self, done: int) -> None:
        """Report progress: ``done`` bytes (or rows) of the file handled so far."""
        if self.progress is not None:
            self.progress(done)

    def offset_minutes(self, utc_seconds: float) -> int:
        """The phone zone's UTC offset (minutes) at an instant; cached per hour."""
        hour = int(utc_seconds // 3600)
        cached = self._offset_cache.get(hour)
        if cached is None:
            instant = _EPOCH + dt.timedelta(seconds=hour * 3600)
            off = instant.astimezone(self.tz).utcoffset()
            cached = int(off.total_seconds() // 60) if off is not None else 0
            self._offset_cache[hour] = cached
        return cached

    def local_to_utc(self, naive: dt.datetime) -> tuple[dt.datetime, int]:
        """Interpret a naive wall-clock time in the phone's zone → (UTC, offset minutes)."""
        aware = naive.replace(tzinfo=self.tz)
        off = aware.utcoffset() or dt.timedelta(0)
        return aware.astimezone(dt.UTC), int(off.total_seconds() // 60)

    def format_error(self, reason: str, place: str = "", **params: Any) -> FormatError:
        """A FormatError naming this file and the place inside it."""
        return FormatError(reason, file=self.display_name, place=place, **params)


@lru_cache(maxsize=32)
def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError("ingest.tz.unknown", tz=name) from exc


def epoch_ms_to_utc(ms: int) -> dt.datetime:
    """Exact (no float rounding) Unix milliseconds → aware UTC datetime."""
    return _EPOCH + dt.timedelta(milliseconds=ms)


def epoch_s_to_utc(seconds: float) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=seconds)


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def companions_of(path: Path) -> tuple[Path, ...]:
    """Existing ``-wal``/``-shm``/``-journal`` files next to ``path``."""
    found = []
    for suffix in COMPANION_SUFFIXES:
        cand = path.with_name(path.name + suffix)
        if cand.is_file():
            found.append(cand)
    return tuple(found)


def is_companion(path: Path) -> bool:
    """True for ``X-wal``/``X-shm``/``X-journal`` when ``X`` exists beside it."""
    for suffix in COMPANION_SUFFIXES:
        if path.name.endswith(suffix):
            main = path.with_name(path.name[: -len(suffix)])
            if main.is_file():
                return True
    return False


@contextmanager
def sqlite_copy(
    path: Path, companions: tuple[Path, ...] | None = None, display_name: str | None = None
) -> Iterator[sqlite3.Connection]:
    """Open a private copy of an SQLite database (with its WAL) read-only-in-spirit.

    The original and its companions are copied together into a temporary folder first,
    so the original is never touched and WAL-only records are visible.  A file that is
    not a database, or a damaged one, raises FormatError ``ingest.db.corrupt`` naming
    ``display_name`` (the file as the user knows it).
    """
    comps = companions_of(path) if companions is None else companions
    with tempfile.TemporaryDirectory(prefix="dunguard-sqlite-") as tmp:
        target = Path(tmp) / "db.sqlite"
        shutil.copyfile(path, target)
        for comp in comps:
            for suffix in COMPANION_SUFFIXES:
                if comp.name.endswith(suffix):
                    shutil.copyfile(comp, Path(tmp) / ("db.sqlite" + suffix))
        conn = sqlite3.connect(str(target))
        try:
            conn.execute("PRAGMA query_only = 1")
            yield conn
        except sqlite3.DatabaseError as exc:
            raise FormatError(
                "ingest.db.corrupt", file=display_name or path.name, place="", detail=str(exc)
            ) from exc
        finally:
            conn.close()


def sqlite_tables(path: Path, head: bytes) -> frozenset[str]:
    """Lower-cased table names of an SQLite file (WAL included); empty if not SQLite."""
    if not head.startswith(SQLITE_MAGIC):
        return frozenset()
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    return _sqlite_tables_cached(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _sqlite_tables_cached(path: str, size: int, mtime_ns: int) -> frozenset[str]:
    del size, mtime_ns  # cache key only
    try:
        with sqlite_copy(Path(path)) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except (sqlite3.Error, FormatError, OSError):
        return frozenset()
    return frozenset(str(r[0]).lower() for r in rows)


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Lower-cased column names of ``table`` (empty set if it does not exist)."""
    rows = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    return {str(r[1]).lower() for r in rows}


def select_existing(conn: sqlite3.Connection, table: str, wanted: tuple[str, ...], tail: str = "") -> Iterator[dict[str, Any]]:
    """Stream rows of ``table`` as dicts with every wanted column (missing ones → None).

    Vendors add and drop columns; selecting only what exists keeps one importer working
    across Android/iOS versions.
    """
    have = table_columns(conn, table)
    present = [c for c in wanted if c.lower() in have]
    if not present:
        return
    cur = conn.execute(f'SELECT {", ".join(present)} FROM "{table}" {tail}')
    missing = {c: None for c in wanted if c.lower() not in have}
    for row in cur:
        item = dict(zip(present, row, strict=True))
        if missing:
            item.update(missing)
        yield item


APPLE_EPOCH_OFFSET = 978_307_200  # seconds from 1970-01-01 to 2001-01-01


def apple_time(value: Any) -> dt.datetime | None:
    """Apple Core Data time (seconds since 2001-01-01; nanoseconds in newer sms.db) → UTC."""
    if value is None or value == "":
        return None
    try:
        num = float(value)
    except (TypeError, ValueError):
        return None
    if num == 0:
        return None
    if abs(num) > 1e12:  # nanoseconds (iOS 11+ sms.db)
        return _EPOCH + dt.timedelta(seconds=APPLE_EPOCH_OFFSET, microseconds=int(value) // 1000)
    return _EPOCH + dt.timedelta(seconds=APPLE_EPOCH_OFFSET + num)


# --------------------------------------------------------------------------- registry


@lru_cache(maxsize=1)
def registry() -> tuple[Importer, ...]:
    """All importers: the built-in modules, then entry points (group ``dunguard.importers``)."""
    from dunguard.ingest import IMPORTER_MODULES

    found: list[Importer] = []
    seen: set[str] = set()
    for modname in IMPORTER_MODULES:
        module = importlib.import_module(modname)
        imp = module.IMPORTER
        if imp.name not in seen:
            seen.add(imp.name)
            found.append(imp)
    for ep in metadata.entry_points(group="dunguard.importers"):
        imp = ep.load()
        if isinstance(imp, Importer) and imp.name not in seen:
            seen.add(imp.name)
            found.append(imp)
    return tuple(found)


def supported_formats() -> list[str]:
    return [imp.name for imp in registry()]


def get_importer(name: str) -> Importer:
    for imp in registry():
        if imp.name == name:
            return imp
    raise UsageError("ingest.format.unknown_name", name=name, formats=", ".join(supported_formats()))


def detect(path: Path, head: bytes | None = None, display_name: str | None = None) -> Importer:
    """The importer that recognises ``path`` best, from its content."""
    if head is None:
        head = read_head(path)
    best: Importer | None = None
    best_score = 0.0
    for imp in registry():
        try:
            score = float(imp.sniff(path, head))
        except Exception:  # a sniffer must never break detection of other formats
            score = 0.0
        if score > best_score:
            best, best_score = imp, score
    if best is None or best_score < MIN_CONFIDENCE:
        raise UnsupportedFormat(
            "ingest.format.unsupported",
            file=display_name or str(path),
            formats=", ".join(supported_formats()),
        )
    return best
