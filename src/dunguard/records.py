"""Plain records that parsers produce and the store consumes.

Parsers (``dunguard.ingest.*``) never touch the database: they read one
original file and yield these records.  ``dunguard.ingest.pipeline`` stores the
original in the vault and writes the records as Events and Parties in one
transaction.  Keeping this boundary pure makes parsers easy to test on the real
samples in ../shared/data and lets third parties add formats.

Time rules: ``time_utc`` is always timezone-aware UTC; ``utc_offset_minutes`` is
the offset the original value carried or was interpreted in (e.g. +480 for
Asia/Shanghai); ``time_raw`` is the value exactly as it appeared in the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    SMS = "sms"
    MMS = "mms"
    CALL = "call"
    CHAT = "chat"  # WeChat / other IM message
    DIARY = "diary"  # user's own note of a call, visit or letter
    OCR = "ocr"  # text recovered from a screenshot
    RECORDING = "recording"  # an audio recording (transcript comes later)


class Direction(StrEnum):
    IN = "in"  # received by the phone's owner
    OUT = "out"  # sent / dialled by the phone's owner
    UNKNOWN = "unknown"


class CallStatus(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    VOICEMAIL = "voicemail"
    OUTGOING = "outgoing"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class EventRecord:
    """One SMS / MMS / call / chat message / diary entry / OCR text."""

    kind: EventKind
    time_utc: dt.datetime
    utc_offset_minutes: int | None
    time_raw: str
    direction: Direction = Direction.UNKNOWN
    counterpart_number: str | None = None  # raw, as in the file
    counterpart_name: str | None = None
    channel: str | None = None  # "sms", "call", "wechat", "diary:visit", ...
    text: str | None = None
    duration_s: int | None = None  # calls, recordings
    call_status: CallStatus | None = None
    locator: str = ""  # place inside the original: "sms[12]", "row 37", "line 120"
    thread: str | None = None  # conversation id / group chat members
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.time_utc.tzinfo is None or self.time_utc.utcoffset() != dt.timedelta(0):
            raise ValueError("EventRecord.time_utc must be timezone-aware UTC")


@dataclass(slots=True)
class ContactRecord:
    """One address-book entry (vCard, CSV, phone database)."""

    name: str
    numbers: list[str]  # raw, as in the file
    locator: str = ""
    organization: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DerivedRecord:
    """A derived artefact (OCR text, transcript, thumbnail) of the original file."""

    kind: str  # "ocr", "transcript", "thumbnail", "metadata"
    media_type: str
    data: bytes
    producer: str  # tool and version, e.g. "rapidocr-onnxruntime 1.4.4"
    extra: dict[str, Any] = field(default_factory=dict)
