"""Run OCR on an image with rapidocr-onnxruntime (CPU, models shipped in the wheel).

rapidocr-onnxruntime is an optional extra (``pip install 'dunguard[ocr]'``); it is imported
only when OCR actually runs, and its absence is a friendly :class:`OcrUnavailable`.  Nothing
is downloaded: the PP-OCRv4 Chinese detection/recognition models ship inside the package.

Long screenshots (scrolling captures) are cut into overlapping tiles before OCR, because the
engine scales every image down to 2000 px on its longest side and small chat text would
become unreadable.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from dunguard.errors import DunGuardError, HostileInputError, InputError

__all__ = ["OcrLine", "OcrResult", "OcrUnavailable", "load_image", "producer", "run_ocr"]

MAX_PIXELS = 60_000_000  # a 1440 x 40000 scrolling capture still fits
TILE_RATIO = 2.0  # tile height = TILE_RATIO * width
_lock = threading.Lock()
_engine: Any = None


class OcrUnavailable(DunGuardError):
    """The OCR extra is not installed (or its runtime cannot start)."""

    key = "ingest_b.ocr.missing"


@dataclass(slots=True, frozen=True)
class OcrLine:
    text: str
    box: tuple[tuple[float, float], ...]  # 4 corner points (x, y), clockwise from top-left
    confidence: float

    @property
    def left(self) -> float:
        return min(p[0] for p in self.box)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.box)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.box)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.box)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": [[round(x, 1), round(y, 1)] for x, y in self.box],
            "confidence": round(self.confidence, 4),
        }


@dataclass(slots=True, frozen=True)
class OcrResult:
    width: int
    height: int
    lines: tuple[OcrLine, ...]
    producer: str


def producer() -> str:
    try:
        return f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')}"
    except metadata.PackageNotFoundError:
        return "rapidocr-onnxruntime"


def _get_engine() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise OcrUnavailable(detail=str(exc)) from None
            try:
                _engine = RapidOCR()
            except Exception as exc:  # onnxruntime failing to start: say so, no traceback
                raise OcrUnavailable(detail=str(exc)) from None
        return _engine


def load_image(path: Path, display: str) -> Image.Image:
    """Open an image safely: size-checked (no decompression bombs), EXIF-rotated, RGB."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(path)
        with probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise HostileInputError("ingest_b.image.too_large", file=display, width=width, height=height)
            img = ImageOps.exif_transpose(probe)
            img.load()
    except HostileInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise HostileInputError(
            "ingest_b.image.too_large", file=display, width="?", height=str(exc)[:80]
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError("ingest_b.image.unreadable", file=display, detail=str(exc)) from None
    return img.convert("RGB")


def _ocr_tile(engine: Any, img: Image.Image, dy: float) -> list[OcrLine]:
    result, _ = engine(img)
    lines: list[OcrLine] = []
    for item in result or []:
        box, text, score = item[0], str(item[1]), float(item[2])
        if not text.strip():
            continue
        points = tuple((float(x), float(y) + dy) for x, y in box)
        lines.append(OcrLine(text.strip(), points, score))
    return lines


def run_ocr(img: Image.Image) -> OcrResult:
    """OCR every text line of an RGB image: text, 4-point box (image pixels), confidence."""
    engine = _get_engine()
    width, height = img.size
    tile_h = int(width * TILE_RATIO)
    if height <= tile_h * 1.25:
        lines = _ocr_tile(engine, img, 0.0)
    else:
        overlap = max(200, width // 4)
        step = tile_h - overlap
        lines = []
        start = 0
        while True:
            end = min(height, start + tile_h)
            tile = img.crop((0, start, width, end))
            keep_from = start + (overlap / 2 if start > 0 else 0)
            keep_to = end - (overlap / 2 if end < height else -1)
            for line in _ocr_tile(engine, tile, float(start)):
                if keep_from <= line.center_y < keep_to:
                    lines.append(line)
            if end >= height:
                break
            start += step
    lines.sort(key=lambda ln: (ln.top, ln.left))
    return OcrResult(width, height, tuple(lines), producer())
