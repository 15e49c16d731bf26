"""The evidence vault: originals stored content-addressed, byte-exact and read-only.

Layout inside a case folder::

    originals/ab/abcdef…   one file per distinct sha256 (mode 0444)
    derived/cd/cdef…       OCR text, transcripts, thumbnails (linked in the DB)
    staging/<uuid>         files being added; moved into place only after the DB commit

Files are copied to ``staging`` while hashing (one read of the source), fsynced, and
renamed into place by the transaction journal (see ``dunguard.home``).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from dunguard.errors import InputError, StorageError

CHUNK = 1 << 20

ORIGINALS = "originals"
DERIVED = "derived"
STAGING = "staging"


@dataclass(frozen=True, slots=True)
class Staged:
    tmp_path: Path
    sha256: str
    size: int
    head: bytes  # first bytes, for media-type sniffing


def rel_path(kind: str, sha256: str) -> str:
    return f"{kind}/{sha256[:2]}/{sha256}"


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def check_readable_file(path: Path) -> None:
    """Raise a precise InputError if ``path`` cannot be read as one regular file."""
    if not path.exists():
        raise InputError("error.path.missing", path=str(path))
    if path.is_dir():
        raise InputError("error.path.is_dir", path=str(path))
    if not path.is_file():
        raise InputError("error.path.not_file", path=str(path))
    if not os.access(path, os.R_OK):
        raise InputError("error.path.unreadable", path=str(path))


def stage_file(src: Path, staging_dir: Path) -> Staged:
    """Copy ``src`` into ``staging_dir`` while hashing it; fsync; return what was staged."""
    check_readable_file(src)
    staging_dir.mkdir(parents=True, exist_ok=True)
    tmp = staging_dir / uuid.uuid4().hex
    h = hashlib.sha256()
    size = 0
    head = b""
    try:
        with src.open("rb") as fin, tmp.open("xb") as fout:
            while chunk := fin.read(CHUNK):
                if not head:
                    head = chunk[:4096]
                h.update(chunk)
                fout.write(chunk)
                size += len(chunk)
            fout.flush()
            os.fsync(fout.fileno())
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError("error.path.unreadable", path=str(src)) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError.from_os(exc, str(src)) from exc
    return Staged(tmp, h.hexdigest(), size, head)


def stage_bytes(data: bytes, staging_dir: Path) -> Staged:
    staging_dir.mkdir(parents=True, exist_ok=True)
    tmp = staging_dir / uuid.uuid4().hex
    try:
        with tmp.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError.from_os(exc, str(tmp)) from exc
    return Staged(tmp, hashlib.sha256(data).hexdigest(), len(data), data[:4096])


_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (b"#!AMR", "audio/amr"),
    (b"ID3", "audio/mpeg"),
    (b"BEGIN:VCARD", "text/vcard"),
]


def sniff_media_type(head: bytes, name: str) -> str:
    """Media type from the content first, the file name second."""
    for magic, mt in _MAGIC:
        if head.startswith(magic):
            return mt
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        return "audio/mp4" if brand.startswith(b"M4A") else "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        lower = name.lower()
        if lower.endswith(".docx"):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if lower.endswith(".apk"):
            return "application/vnd.android.package-archive"
        return "application/zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<smses") or stripped.startswith(b"<calls"):
        return "application/xml"
    guessed, _ = mimetypes.guess_type(name)
    if guessed:
        return guessed
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
