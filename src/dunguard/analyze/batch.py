"""Case-free batch scanning of JSON-lines files (``dunguard scan``).

Input: one JSON object per line, ``{"id", "text", optional "channel", "addressee",
"time", "from_collector"}``.  ``"from_collector": true`` says the sender is known to be
collecting a debt (a corpus of reported collection messages, or a number that already sent
them): the message is then read as being about the debt even when it does not say so, as
``dunguard analyze`` does for a case (findings that relied on it carry ``"context":
["debt"]``).  Output: one line per good input line, in input order::

    {"id", "labels": [...], "findings": [{"label", "rule", "span": [start, end],
     "basis": [...], "entry", "trigger"}], "suggested": [...]}

``labels`` holds only what rules found; ``suggested`` holds candidates for a human to
confirm: entries that matched but lack their context (``reason``), and — with ``model=True``
(``dunguard scan --model``) — labels the statistical suggestion model proposes beyond the
rules (``"source": "model"``, with ``score`` and ``cues``; see docs/rulebook.md, "Suggestion
model").  The model costs about as much per message as the rules, so it is opt-in.  Spans are Python string offsets into the input ``text``.  A malformed line is
reported with its line number and skipped (``strict=True``: the first one stops the run
with a :class:`~dunguard.errors.FormatError`).  ``jobs > 1`` scans ordered chunks in
worker processes; output order is still input order.  Memory stays bounded: lines are
read, scanned and written in chunks.
"""

from __future__ import annotations

import collections
import itertools
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dunguard.analyze.text.scanner import EMPTY, SENDER_CONTEXT, default_scanner
from dunguard.errors import FormatError, UsageError
from dunguard.i18n import t

CHUNK_LINES = 2000
_OPTIONAL_STR_FIELDS = ("channel", "addressee", "time")


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """Output of one chunk: complete output lines as one block, and its bad lines.

    ``bad`` holds (line number, reason, offset in ``text`` where the line would have been),
    so ``strict`` can write exactly the good lines that came before the first bad one.
    """

    text: str
    bad: tuple[tuple[int, str, int], ...]
    good: int
    flagged: int


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    reason: str


@dataclass(slots=True)
class BatchReport:
    total: int = 0  # good lines scanned
    flagged: int = 0  # lines with at least one label
    bad: list[BadLine] = field(default_factory=list)


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The record of one input line, or a translated reason why it is malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, t("analyze.scan.bad_json", error=f"UTF-8: {exc.reason} at byte {exc.start}")
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, t("analyze.scan.bad_json", error=f"{exc.msg}, column {exc.colno}")
    if not isinstance(rec, dict):
        return None, t("analyze.scan.not_object")
    if "id" not in rec:
        return None, t("analyze.scan.missing_id")
    if not isinstance(rec.get("text"), str):
        return None, t("analyze.scan.missing_text")
    for name in _OPTIONAL_STR_FIELDS:
        if rec.get(name) is not None and not isinstance(rec[name], str):
            return None, t("analyze.scan.bad_field", field=name)
    if rec.get("from_collector") is not None and not isinstance(rec["from_collector"], bool):
        return None, t("analyze.scan.bad_bool", field="from_collector")
    return rec, None


def _context(rec: dict[str, Any]) -> frozenset[str]:
    """What the line says about its sender: ``"from_collector": true`` gives the debt context."""
    return SENDER_CONTEXT if rec.get("from_collector") else frozenset()


def scan_record(rec: dict[str, Any]) -> dict[str, Any]:
    result = default_scanner().scan(rec["text"], addressee=rec.get("addressee"), time=rec.get("time"),
                                    context=_context(rec))
    return {"id": rec["id"], **result.to_dict()}


# One encoder for every line: ``json.dumps(..., ensure_ascii=False)`` builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_ENCODE_STR: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
# what ``_ENCODE({"id": …, **EMPTY.to_dict()})`` writes after the id
_EMPTY_TAIL = _ENCODE({"id": 0, **EMPTY.to_dict()})[len('{"id": 0'):] + "\n"


def _encode_id(value: Any) -> str:
    """``_ENCODE(value)``, with the usual id types (str, int) done without the encoder's set-up."""
    kind = type(value)
    if kind is str:
        return _ENCODE_STR(value)
    if kind is int:
        return int.__repr__(value)
    return _ENCODE(value)


def process_chunk(chunk: tuple[int, list[bytes]], model: bool = False) -> ChunkResult:
    """Scan one chunk: (number of its first line, raw lines as read, newlines included).

    Blank lines are skipped (they still count for line numbers).  Runs in a worker with
    ``jobs > 1``: the main process only reads and writes.  ``model``: add the suggestion
    model's proposals to ``suggested``.
    """
    first, raws = chunk
    suggester = _model() if model else None
    parts: list[str] = []
    bad: list[tuple[int, str, int]] = []
    size = flagged = 0
    scan = default_scanner().scan
    for lineno, raw in enumerate(raws, start=first):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        rec, error = parse_line(raw)
        if rec is None:
            bad.append((lineno, error or "", size))
            continue
        result = scan(rec["text"], addressee=rec.get("addressee"), time=rec.get("time"), context=_context(rec))
        extra: list[dict[str, Any]] = []
        if suggester is not None:
            known = {*result.labels, *(s.label for s in result.suggested)}
            extra = [s.to_dict() for s in suggester.suggest(rec["text"], rec.get("addressee"), known)]
        if result is EMPTY and not extra:  # most messages: the line is the id and empty lists
            line = '{"id": ' + _encode_id(rec["id"]) + _EMPTY_TAIL
        else:
            out = result.to_dict()
            if extra:
                out["suggested"] = [*out["suggested"], *extra]
            line = _ENCODE({"id": rec["id"], **out}) + "\n"
            flagged += bool(result.labels)
        parts.append(line)
        size += len(line)
    return ChunkResult("".join(parts), tuple(bad), len(parts), flagged)


def _model() -> Any:
    from dunguard.analyze.model import load_model

    found = load_model()
    if found is None:
        raise UsageError("analyze.scan.no_model")
    return found


def _chunks(lines: Iterable[bytes], size: int) -> Iterator[tuple[int, list[bytes]]]:
    """Raw lines in chunks of ``size`` with the number of each chunk's first line (a UTF-8
    byte-order mark at the start of the input is dropped)."""
    items = iter(lines)
    lineno = 1
    while chunk := list(itertools.islice(items, size)):
        if lineno == 1 and chunk[0].startswith(b"\xef\xbb\xbf"):
            chunk[0] = chunk[0][3:]
        yield lineno, chunk
        lineno += len(chunk)


def _in_order(pool: Any, chunks: Iterator[tuple[int, list[bytes]]], ahead: int,
              model: bool = False) -> Iterator[ChunkResult]:
    """Results of ``process_chunk`` in input order, with at most ``ahead`` chunks in flight
    (``Pool.imap`` would read the whole input into memory as fast as it can)."""
    pending: collections.deque[Any] = collections.deque()
    for chunk in chunks:
        pending.append(pool.apply_async(process_chunk, (chunk, model)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _init_worker() -> None:
    default_scanner()


def scan_lines(lines: Iterable[bytes], write: Callable[[str], object], *, jobs: int = 1, strict: bool = False,
               source: str = "-", on_bad: Callable[[BadLine], None] | None = None,
               chunk_lines: int = CHUNK_LINES, model: bool = False) -> BatchReport:
    """Scan JSON lines from ``lines`` (bytes, with or without newlines) and ``write`` results.

    ``write`` receives blocks of complete output lines (each ending in a newline).  Bad
    lines go to ``on_bad`` (and into the report); with ``strict`` the first raises
    ``FormatError`` after the good lines before it were written.
    """
    if jobs < 1:
        raise UsageError("analyze.scan.bad_jobs", value=jobs)
    report = BatchReport()
    chunks = _chunks(lines, chunk_lines)
    pool = None
    if model:
        _model()  # load once (and fail early); forked workers inherit it
    if jobs == 1:
        results: Iterator[ChunkResult] = (process_chunk(c, model) for c in chunks)
    else:
        default_scanner().prepare()  # build once; forked workers inherit it
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ctx.Pool(jobs, initializer=_init_worker)
        results = _in_order(pool, chunks, 2 * jobs, model)
    try:
        for chunk in results:
            if strict and chunk.bad:
                lineno, reason, offset = chunk.bad[0]
                if offset:
                    write(chunk.text[:offset])
                report.total += chunk.text.count("\n", 0, offset)
                report.bad.append(BadLine(lineno, reason))
                raise FormatError("analyze.scan.bad_line", file=source, line=lineno, reason=reason)
            for lineno, reason, _ in chunk.bad:
                bad = BadLine(lineno, reason)
                report.bad.append(bad)
                if on_bad is not None:
                    on_bad(bad)
            if chunk.text:
                write(chunk.text)
            report.total += chunk.good
            report.flagged += chunk.flagged
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return report
