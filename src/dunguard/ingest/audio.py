"""Audio recordings (AMR, M4A/3GP, MP3, WAV, OGG/Opus, FLAC): stored with duration and metadata.

Chinese phones record calls as ``.amr``, ``.m4a`` or ``.mp3`` named after the number and
the time (``13812345678_20241004224100.amr``, ``通话录音 张三 2024-10-04 22-41-00.m4a``).
The recording is the evidence; this importer adds one RECORDING event with its duration,
codec facts and tags, the time from the file name when present (else the file's mtime,
``extra["time_source"]`` says which) and the number from the file name when present.
Transcription is a later step: ``extra["transcript"]`` is ``None`` until then.

Durations: mutagen for MP3/M4A/OGG/FLAC/WAV, a frame count for AMR (mutagen has no AMR
reader; every AMR frame is 20 ms), the ``wave`` header as a WAV fallback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record
from dunguard.ingest.generic_csv import time_from_filename
from dunguard.records import DerivedRecord, EventKind, EventRecord

__all__ = ["IMPORTER", "AudioImporter", "amr_duration"]

# bytes per frame including the 1-byte header, by frame type (AMR-NB, AMR-WB; RFC 4867)
_AMR_NB = (13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1)
_AMR_WB = (18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1)
_M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"mp41", b"dash")
_NUMBER_IN_NAME = re.compile(r"(?<![\d])(\+?\d{3,15})(?![\d])")
_MAX_TAGS = 30


def amr_duration(path: Path) -> tuple[float | None, str, int | None]:
    """(seconds, codec, byte offset of a broken frame or None) of an AMR file by frame count."""
    with path.open("rb") as fh:
        magic = fh.read(9)
        if magic.startswith(b"#!AMR-WB\n"):
            sizes, codec, pos = _AMR_WB, "AMR-WB", 9
        elif magic.startswith(b"#!AMR\n"):
            sizes, codec, pos = _AMR_NB, "AMR-NB", 6
        else:
            return None, "AMR", None
        fh.seek(pos)
        frames = 0
        buf = b""
        offset = 0
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            buf = buf[offset:] + chunk
            offset = 0
            while offset < len(buf):
                size = sizes[(buf[offset] >> 3) & 0x0F]
                if size == 0:
                    return frames * 0.02, codec, pos + offset
                if offset + size > len(buf):
                    break
                offset += size
                frames += 1
            pos += offset
        return frames * 0.02, codec, None


def _mutagen_facts(path: Path) -> dict[str, Any] | None:
    import mutagen

    try:
        audio = mutagen.File(str(path))
    except Exception:  # mutagen raises many kinds on corrupt input
        return None
    if audio is None or getattr(audio, "info", None) is None:
        return None
    info = audio.info
    facts: dict[str, Any] = {"codec": type(audio).__name__}
    for attr in ("length", "bitrate", "sample_rate", "channels", "codec", "codec_description"):
        value = getattr(info, attr, None)
        if isinstance(value, int | float | str) and value not in ("", None):
            facts["length" if attr == "length" else attr] = value
    tags: dict[str, str] = {}
    for key, value in (audio.tags or {}).items() if hasattr(audio.tags or {}, "items") else []:
        if len(tags) >= _MAX_TAGS:
            break
        text = value[0] if isinstance(value, list) and value else value
        if isinstance(text, bytes) or type(text).__name__ in ("APIC", "MP4Cover", "Picture"):
            continue
        rendered = str(text)
        if len(rendered) <= 300:
            tags[str(key)] = rendered
    if tags:
        facts["tags"] = tags
    return facts


def _wave_facts(path: Path) -> dict[str, Any] | None:
    try:
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            return {
                "codec": "WAVE",
                "length": frames / rate if rate else None,
                "sample_rate": rate,
                "channels": wav.getnchannels(),
            }
    except (
        wave.Error,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
    ):  # wave raises RuntimeError on bad chunks
        return None


class AudioImporter:
    name = "audio"
    description = "Audio recording (AMR, M4A/3GP, MP3, WAV, OGG, FLAC): stored with duration and metadata"
    reads = "call and voice recordings; duration via mutagen / AMR frame count / WAV header"
    samples: tuple[str, ...] = ("recordings generated in tests/ingest/test_audio.py (WAV, AMR-NB, AMR-WB)",)
    quirks: tuple[str, ...] = (
        "mutagen has no AMR reader: AMR duration = frames x 20 ms (RFC 4867 frame sizes)",
        "call recorders put the number and time in the file name; both are taken from there when present",
        "without a time in the name the file's mtime is used and marked time_source=file_mtime",
        "transcription is not done yet: extra['transcript'] is None",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        if head.startswith(b"#!AMR"):
            return 0.95
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            return 0.9
        if head.startswith(b"ID3"):
            return 0.85
        if head.startswith((b"OggS", b"fLaC")):
            return 0.8
        if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
            return 0.8 if path.suffix.lower() in (".m4a", ".3gp", ".aac", ".m4b", ".mp4") else 0.5
        if len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and path.suffix.lower() == ".mp3":
            return 0.7
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with path.open("rb") as fh:
            head = fh.read(16)
        facts: dict[str, Any] | None
        if head.startswith(b"#!AMR"):
            seconds, codec, broken_at = amr_duration(path)
            facts = {"codec": codec, "length": seconds}
            if broken_at is not None:
                facts["broken_at_byte"] = broken_at
                ctx.note("ingest_b.audio.amr_broken", offset=broken_at)
        else:
            facts = _mutagen_facts(path)
            if facts is None and head[:4] == b"RIFF":
                facts = _wave_facts(path)
        if facts is None:
            raise ctx.format_error("ingest_b.audio.unreadable", place="")
        length = facts.pop("length", None)
        duration = round(length) if isinstance(length, int | float) and length >= 0 else None

        shown_name = ctx.display_name.replace("\\", "/").rsplit("/", 1)[-1]
        named = time_from_filename(shown_name, ctx) or time_from_filename(path.name, ctx)
        if named is not None:
            utc, offset = named
            source = "filename"
        else:
            mtime = path.stat().st_mtime
            utc, offset, source = (
                dt.datetime.fromtimestamp(mtime, dt.UTC),
                ctx.offset_minutes(mtime),
                "file_mtime",
            )
        local = (utc + dt.timedelta(minutes=offset)).replace(tzinfo=None)
        stem = Path(shown_name).stem
        stamp = re.sub(r"\D", "", local.strftime("%Y%m%d%H%M%S"))
        numbers = [
            n for n in _NUMBER_IN_NAME.findall(stem) if n.lstrip("+") not in stamp and len(n.lstrip("+")) >= 5
        ]
        extra: dict[str, Any] = {
            "time_source": source,
            "duration_exact_s": round(length, 3) if isinstance(length, int | float) else None,
            "audio": facts,
            "transcript": None,
        }
        metadata = {"file": shown_name, "duration_s": extra["duration_exact_s"], **facts}
        yield DerivedRecord(
            kind="metadata",
            media_type="application/json",
            data=json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"),
            producer="dunguard audio (mutagen / AMR frame count)",
        )
        yield EventRecord(
            kind=EventKind.RECORDING,
            time_utc=utc,
            utc_offset_minutes=offset,
            time_raw=shown_name
            if source == "filename"
            else f"file_mtime {local.isoformat(timespec='seconds')}",
            counterpart_number=numbers[0] if numbers else None,
            channel="recording",
            duration_s=duration,
            locator="file",
            extra=extra,
        )


IMPORTER = AudioImporter()
