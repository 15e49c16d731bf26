"""Screenshots and photos (PNG, JPEG, WebP; HEIC when pillow-heif is installed): OCR.

The image itself is the evidence and stays byte-exact in the vault.  OCR (rapidocr, see
:mod:`dunguard.ocr`) yields a derived artefact ``ocr`` (JSON: every text line with its box
and confidence, plus the recovered chat layout), and events of kind OCR:

* a chat screenshot (shown times, or bubbles on both sides): one event per bubble,
  ``locator="bubble N"``, left = incoming (counterpart), right = outgoing (owner);
* any other image with text (a photo of a collection letter, ...): one event with all text.

Event times: a shown time with a full date is used as is (``time_source="screenshot"``); a
shown time without a date (``22:41``, ``昨天 23:05``) is placed on the capture day, taken
from the file name (``Screenshot_20241004-224512.png``) or else the file's modification
time (``time_source="screenshot+filename"`` / ``"screenshot+file_mtime"``); with no shown
time the capture time itself is used (``"filename"`` / ``"file_mtime"``).  Nothing is
guessed silently: ``extra["time_source"]`` always says where the time came from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record
from dunguard.ingest.generic_csv import time_from_filename
from dunguard.records import DerivedRecord, Direction, EventKind, EventRecord

__all__ = ["IMPORTER", "ScreenshotImporter"]

_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1")


@lru_cache(maxsize=1)
def _heif_available() -> bool:
    """Register pillow-heif's HEIC opener with Pillow, if the optional package is installed."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        return False
    return True


class ScreenshotImporter:
    name = "screenshot"
    description = "Screenshot or photo (PNG, JPEG, WebP, HEIC): OCR text, chat bubbles and shown times"
    reads = "PNG, JPEG, WebP images (HEIC if pillow-heif is installed); OCR by rapidocr-onnxruntime"
    samples: tuple[str, ...] = (
        "chat screenshots rendered by tests/ingest/test_ocr_screenshot.py with Noto Sans CJK",
    )
    quirks: tuple[str, ...] = (
        "the image is the evidence; OCR text is derived and may contain recognition errors",
        "a status-bar clock is not a message time (the top bar of phone-shaped images is set aside)",
        "times shown without a date need the capture day: file name first, else file mtime",
        "long scrolling screenshots are OCR'd in overlapping tiles",
        "without the OCR extra the image is still stored; the report says OCR was not run",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff"):
            return 0.6
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return 0.6
        if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
            return 0.6 if _heif_available() else 0.0
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        from dunguard.ocr.chat import analyse_chat
        from dunguard.ocr.engine import OcrUnavailable, load_image, run_ocr

        _heif_available()  # HEIC from iPhones, when pillow-heif is installed
        img = load_image(path, ctx.display_name)
        try:
            result = run_ocr(img)
        except OcrUnavailable as exc:
            ctx.note("ingest_b.ocr.not_run", detail=str(exc.params.get("detail", "")))
            return
        layout = analyse_chat(result.lines, result.width, result.height)
        ref_utc, ref_offset, ref_source = self._reference(path, ctx)
        ref_local = (ref_utc + dt.timedelta(minutes=ref_offset)).replace(tzinfo=None)

        sides = {b.side for b in layout.bubbles}
        is_chat = bool(layout.bubbles) and (bool(layout.times) or sides == {"left", "right"})
        events: list[EventRecord] = []
        bubble_times: list[dict[str, Any]] = []
        number = layout.title_number
        if is_chat:
            for bubble in layout.bubbles:
                shown = bubble.shown_time
                resolved = shown.resolve(ref_local) if shown is not None else None
                if shown is not None and resolved is not None:
                    utc, offset = ctx.local_to_utc(resolved)
                    source = "screenshot" if shown.has_full_date else f"screenshot+{ref_source}"
                    raw = shown.raw
                else:
                    utc, offset, source = ref_utc, ref_offset, ref_source
                    raw = f"{ref_source} {ref_local.isoformat(timespec='seconds')}"
                bubble_times.append({"n": bubble.n, "time_utc": utc.isoformat(), "time_source": source})
                events.append(
                    EventRecord(
                        kind=EventKind.OCR,
                        time_utc=utc,
                        utc_offset_minutes=offset,
                        time_raw=raw,
                        direction=Direction.IN if bubble.side == "left" else Direction.OUT,
                        counterpart_number=number,
                        counterpart_name=None if number else layout.title,
                        channel="screenshot",
                        text=bubble.text,
                        locator=f"bubble {bubble.n}",
                        extra={
                            "time_source": source,
                            "side": bubble.side,
                            "shown_time": shown.raw if shown else None,
                            "ocr_confidence": round(bubble.confidence, 4),
                            "ocr_engine": result.producer,
                        },
                    )
                )
        elif result.lines:
            text = "\n".join(line.text for line in result.lines)
            events.append(
                EventRecord(
                    kind=EventKind.OCR,
                    time_utc=ref_utc,
                    utc_offset_minutes=ref_offset,
                    time_raw=f"{ref_source} {ref_local.isoformat(timespec='seconds')}",
                    direction=Direction.UNKNOWN,
                    channel="image",
                    text=text,
                    locator="image",
                    extra={
                        "time_source": ref_source,
                        "ocr_confidence": round(min(line.confidence for line in result.lines), 4),
                        "ocr_engine": result.producer,
                    },
                )
            )
        else:
            ctx.note("ingest_b.ocr.no_text")

        payload = {
            "engine": result.producer,
            "image": {"width": result.width, "height": result.height},
            "lines": [line.as_json() for line in result.lines],
            "chat": {
                "is_chat": is_chat,
                "title": layout.title,
                "times": layout.times,
                "notices": layout.notices,
                "status_bar_lines": layout.status_bar,
                "bubbles": [
                    {**b.as_json(), **(bubble_times[i] if i < len(bubble_times) else {})}
                    for i, b in enumerate(layout.bubbles)
                ],
            },
            "reference_time": {"utc": ref_utc.isoformat(), "source": ref_source},
        }
        yield DerivedRecord(
            kind="ocr",
            media_type="application/json",
            data=json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"),
            producer=result.producer,
            extra={"lines": len(result.lines), "bubbles": len(layout.bubbles) if is_chat else 0},
        )
        yield from events

    @staticmethod
    def _reference(path: Path, ctx: ParseContext) -> tuple[dt.datetime, int, str]:
        """The capture time: from the file name if it carries one, else the file's mtime."""
        named = time_from_filename(ctx.display_name.rsplit("/", 1)[-1], ctx) or time_from_filename(
            path.name, ctx
        )
        if named is not None:
            return named[0], named[1], "filename"
        mtime = path.stat().st_mtime
        utc = dt.datetime.fromtimestamp(mtime, dt.UTC)
        return utc, ctx.offset_minutes(mtime), "file_mtime"


IMPORTER = ScreenshotImporter()
