"""Audio recordings: duration and metadata, time and number from the file name."""

from __future__ import annotations

import datetime as dt
import json
import os
import wave
from pathlib import Path

import pytest

from dunguard.errors import FormatError
from dunguard.ingest.audio import IMPORTER, amr_duration
from dunguard.ingest.base import ParseContext, detect
from dunguard.records import DerivedRecord, EventKind, EventRecord

CST = dt.timezone(dt.timedelta(hours=8))


def _wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return path


def _amr_nb(path: Path, frames: int) -> Path:
    frame = bytes([0x3C]) + b"\x00" * 31  # frame type 7 (12.2 kbit/s): 32 bytes
    path.write_bytes(b"#!AMR\n" + frame * frames)
    return path


def _parse(path: Path) -> tuple[EventRecord, DerivedRecord, ParseContext]:
    ctx = ParseContext(display_name=path.name)
    records = list(IMPORTER.parse(path, ctx))
    event = next(r for r in records if isinstance(r, EventRecord))
    derived = next(r for r in records if isinstance(r, DerivedRecord))
    return event, derived, ctx


def test_wav_call_recording_named_by_the_phone(tmp_path: Path) -> None:
    path = _wav(tmp_path / "13812345678_20241004224100.wav", 3.0)
    assert detect(path).name == "audio"
    event, derived, _ = _parse(path)
    assert event.kind is EventKind.RECORDING and event.duration_s == 3
    assert event.counterpart_number == "13812345678"
    assert event.time_utc == dt.datetime(2024, 10, 4, 22, 41, tzinfo=CST)
    assert event.extra["time_source"] == "filename" and event.extra["transcript"] is None
    assert json.loads(derived.data)["sample_rate"] == 8000


def test_amr_duration_by_frame_count(tmp_path: Path) -> None:
    path = _amr_nb(tmp_path / "录音.amr", 250)  # 250 x 20 ms = 5 s
    assert detect(path).name == "audio"
    assert amr_duration(path) == (5.0, "AMR-NB", None)
    event, _, _ = _parse(path)
    assert event.duration_s == 5 and event.counterpart_number is None


def test_amr_wb_and_damaged_frame(tmp_path: Path) -> None:
    wb = tmp_path / "wb.amr"
    wb.write_bytes(b"#!AMR-WB\n" + (bytes([0x44]) + b"\x00" * 60) * 100)  # type 8: 61 bytes
    assert amr_duration(wb) == (2.0, "AMR-WB", None)
    broken = tmp_path / "broken.amr"
    broken.write_bytes(b"#!AMR\n" + (bytes([0x3C]) + b"\x00" * 31) * 10 + bytes([0x58]) + b"junk")
    seconds, _, at = amr_duration(broken)
    assert seconds == pytest.approx(0.2) and at == 6 + 320
    event, _, ctx = _parse(broken)
    assert event.extra["audio"]["broken_at_byte"] == 326
    assert ctx.notes[0]["key"] == "ingest_b.audio.amr_broken"


def test_time_falls_back_to_mtime_and_says_so(tmp_path: Path) -> None:
    path = _wav(tmp_path / "voice.wav", 1.0)
    stamp = dt.datetime(2024, 10, 4, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    event, _, _ = _parse(path)
    assert event.time_utc == dt.datetime(2024, 10, 4, 12, 0, tzinfo=dt.UTC)
    assert event.extra["time_source"] == "file_mtime"


def test_corrupt_audio_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(FormatError) as err:
        _parse(path)
    assert "bad.wav" in str(err.value)
