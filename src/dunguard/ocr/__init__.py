"""OCR of screenshots and photos (optional extra ``dunguard[ocr]``: rapidocr-onnxruntime).

``run_ocr`` gives every text line with its box and confidence; ``analyse_chat`` turns the
lines of a chat screenshot into bubbles (left = counterpart, right = owner) with the times
the app showed.  Importing this package is cheap: onnxruntime loads on the first OCR call,
and a missing extra raises :class:`OcrUnavailable` with install advice, never a traceback.
"""

from __future__ import annotations

from dunguard.ocr.chat import Bubble, ChatLayout, ShownTime, analyse_chat, parse_shown_time
from dunguard.ocr.engine import OcrLine, OcrResult, OcrUnavailable, load_image, producer, run_ocr

__all__ = [
    "Bubble",
    "ChatLayout",
    "OcrLine",
    "OcrResult",
    "OcrUnavailable",
    "ShownTime",
    "analyse_chat",
    "load_image",
    "parse_shown_time",
    "producer",
    "run_ocr",
]
