"""``dunguard contract-scan``: find risky clauses in a loan contract or privacy policy.

Text comes from PDF (pypdf), DOCX (python-docx), HTML (lxml; scripts and styles dropped,
pre-ticked checkboxes turned into a visible marker) or plain text (UTF-8/UTF-16 with BOM,
else UTF-8, else GB18030).  The clause patterns, explanations and legal bases are data
(``prevent/data/clauses.yaml``).  ``render_marked_html`` gives a lawyer a self-contained copy
of the text with every hit highlighted; every piece of user content is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from dunguard.errors import FormatError, HostileInputError, InputError, UnsupportedFormat
from dunguard.i18n import current_lang, normalize_lang
from dunguard.prevent.citations import load_data, statute

MAX_FILE_BYTES = 64 * 1024**2
MAX_DOCX_UNCOMPRESSED = 256 * 1024**2
MAX_PDF_PAGES = 3000
MAX_TEXT_CHARS = 20_000_000
CHECKED_MARK = "[☑已默认勾选]"

_SENTENCE = re.compile(r"[^。！？；;!?\n]+[。！？；;!?]?")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NOT_LIMITED = re.compile(r"(?:包括)?但?不限于")
_SPACES = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(slots=True)
class ClauseHit:
    category: str
    title: str
    why: str
    basis: list[str]
    start: int  # offsets of the clause in ContractScan.text
    end: int
    clause: str
    trigger: str  # the text that matched the first pattern


@dataclass(slots=True)
class ContractScan:
    file: str
    sha256: str
    kind: str  # pdf docx html txt
    text: str
    hits: list[ClauseHit] = field(default_factory=list)
    lang: str = "zh"

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not include_text:
            d.pop("text")
        d["text_chars"] = len(self.text)
        return d

    def categories(self) -> list[str]:
        seen: list[str] = []
        for h in self.hits:
            if h.category not in seen:
                seen.append(h.category)
        return seen


@dataclass(frozen=True, slots=True)
class _Rule:
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]


@cache
def _categories() -> dict[str, tuple[dict[str, Any], tuple[_Rule, ...]]]:
    raw: dict[str, Any] = load_data("clauses.yaml")["categories"]
    out: dict[str, tuple[dict[str, Any], tuple[_Rule, ...]]] = {}
    for cat, info in raw.items():
        rules = tuple(
            _Rule(
                all=tuple(re.compile(p) for p in r["all"]),
                none=tuple(re.compile(p) for p in r.get("none", [])),
            )
            for r in info["rules"]
        )
        out[cat] = (info, rules)
    return out


def normalize(text: str) -> str:
    """Fold full-width ASCII to half-width and drop whitespace (for matching only)."""
    return _SPACES.sub("", text.translate(_FULLWIDTH))


# ---------------------------------------------------------------------------------------------
# Text extraction


def detect_kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".docm") or _zip_has(path, "word/document.xml"):
            return "docx"
        raise UnsupportedFormat("prevent.contract.unsupported", file=str(path))
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    sniff = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<body" in sniff:
        return "html"
    if suffix in (".pdf", ".docx"):
        kind = suffix[1:]
        raise FormatError(
            "prevent.contract.bad_file", file=str(path), kind=kind, reason="wrong file signature"
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat("prevent.contract.unsupported", file=str(path))
    return "txt"


def _zip_has(path: Path, name: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return name in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def decode_text(data: bytes, source: str) -> str:
    """Decode plain text: BOM first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise FormatError("prevent.contract.bad_encoding", file=source)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # the optional "pdf" extra
        raise UnsupportedFormat("prevent.contract.need_pdf", file=str(path)) from exc

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError("prevent.contract.bad_file", file=str(path), kind="PDF", reason="encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise HostileInputError(
                "prevent.contract.too_big", file=str(path), size=len(reader.pages), limit=MAX_PDF_PAGES
            )
        parts: list[str] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise HostileInputError(
                    "prevent.contract.too_big", file=str(path), size=total, limit=MAX_TEXT_CHARS
                )
            parts.append(text)
        return "\n".join(parts)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise FormatError(
            "prevent.contract.bad_file", file=str(path), kind="PDF", reason=str(exc)[:200]
        ) from exc


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise HostileInputError(
                    "prevent.contract.too_big", file=str(path), size=total, limit=MAX_DOCX_UNCOMPRESSED
                )
    except zipfile.BadZipFile as exc:
        raise FormatError("prevent.contract.bad_file", file=str(path), kind="DOCX", reason=str(exc)) from exc
    import docx
    from lxml import etree

    try:
        document = docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise FormatError(
            "prevent.contract.bad_file", file=str(path), kind="DOCX", reason=str(exc)[:200]
        ) from exc
    lines: list[str] = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


_BLOCK_TAGS = {
    "p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "ul", "ol", "dt", "dd", "blockquote", "pre", "hr", "label", "td", "th",
}  # fmt: skip


_DROP_TAGS = {"script", "style", "noscript", "template", "head"}


def _drop_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def html_to_text(data: bytes) -> str:
    """Visible text of an HTML page; scripts/styles dropped, pre-ticked checkboxes marked."""
    from lxml import html as lhtml

    parser = lhtml.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    m = _META_CHARSET.search(data[:4096])
    text: str | None = None
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            text = None
    if text is None:
        text = decode_text(data, "html")
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = lhtml.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in _DROP_TAGS]
    for el in doomed:
        _drop_keep_tail(el)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if (
            tag == "input"
            and el.get("checked") is not None
            and (el.get("type") or "").lower() in ("checkbox", "radio")
        ):
            el.tail = CHECKED_MARK + (el.tail or "")
        if tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return re.sub(r"\n\s*\n+", "\n", "".join(str(t) for t in root.itertext()))


def extract_text(path: Path) -> tuple[str, str]:
    """``(kind, text)`` of a contract file; errors name the file."""
    source = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("prevent.file.not_a_file", file=source)
        if size > MAX_FILE_BYTES:
            raise HostileInputError("prevent.contract.too_big", file=source, size=size, limit=MAX_FILE_BYTES)
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError("prevent.file.unreadable", file=source, reason=exc.strerror or str(exc)) from exc
    kind = detect_kind(path, head)
    if kind == "pdf":
        text = _pdf_text(path)
    elif kind == "docx":
        text = _docx_text(path)
    elif kind == "html":
        text = html_to_text(path.read_bytes())
    else:
        text = decode_text(path.read_bytes(), source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("prevent.contract.no_text", file=source)
    return kind, text


# ---------------------------------------------------------------------------------------------
# Matching


def _match(rule: _Rule, norm: str, neg: str) -> str | None:
    trigger = None
    for pattern in rule.all:
        m = pattern.search(norm)
        if m is None:
            return None
        if trigger is None:
            trigger = m.group(0)
    if any(p.search(neg) for p in rule.none):
        return None
    return trigger


def scan_text(text: str, lang: str | None = None) -> list[ClauseHit]:
    """Every (category, clause) hit in ``text``, in document order."""
    lang = normalize_lang(lang) if lang else current_lang()
    cats = _categories()
    hits: list[ClauseHit] = []
    for m in _SENTENCE.finditer(text):
        clause = m.group(0)
        norm = normalize(clause)
        if len(norm) < 4:
            continue
        neg = _NOT_LIMITED.sub("", norm)
        start = m.start() + (len(clause) - len(clause.lstrip()))
        end = m.start() + len(clause.rstrip())
        for cat, (info, rules) in cats.items():
            for rule in rules:
                trigger = _match(rule, norm, neg)
                if trigger is not None:
                    hits.append(
                        ClauseHit(
                            category=cat,
                            title=info[f"title_{lang}"],
                            why=info[f"why_{lang}"],
                            basis=list(info["basis"]),
                            start=start,
                            end=end,
                            clause=text[start:end],
                            trigger=trigger,
                        )
                    )
                    break
    return hits


def scan_contract(path: Path, lang: str | None = None) -> ContractScan:
    """Extract the text of ``path`` and find risky clauses."""
    lang = normalize_lang(lang) if lang else current_lang()
    kind, text = extract_text(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return ContractScan(
        file=str(path), sha256=digest, kind=kind, text=text, hits=scan_text(text, lang), lang=lang
    )


# ---------------------------------------------------------------------------------------------
# Marked-up copy for lawyers

_COLORS = {
    "address_book": "#ffb3b3",
    "contact_third_parties": "#ffcc99",
    "share_collection": "#ffe08a",
    "default_consent": "#c9e7ff",
    "unilateral_change": "#d9c9ff",
    "fees": "#c8f0c8",
    "upfront_deduction": "#f0c8e8",
}

_LABELS = {
    "zh": {
        "title": "合同条款标注",
        "file": "文件",
        "hits": "标注条款",
        "none": "未发现需要注意的条款。这不代表合同没有问题。",
        "why": "为什么要注意",
        "basis": "法律依据",
        "note": "本文件由催收护盾 DunGuard 在本机自动生成，标注仅供参考；条款是否违法、是否有效，需要律师或法院判断。法条原文摘自经核对的法律文本。",
        "text": "合同全文（提取的文字）",
    },
    "en": {
        "title": "Contract clause review",
        "file": "File",
        "hits": "Marked clauses",
        "none": "No clauses of concern were found. That does not mean the contract is fine.",
        "why": "Why it matters",
        "basis": "Legal basis",
        "note": "Generated offline by DunGuard; the marks are a reading aid. Whether a clause is unlawful or void is for a lawyer or court to decide. Statute texts are quoted from checked law texts.",
        "text": "Full text (as extracted)",
    },
}


def render_marked_html(scan: ContractScan) -> str:
    """A self-contained HTML page: hit list, legal bases, and the full text with highlights."""
    lab = _LABELS["en" if scan.lang == "en" else "zh"]
    esc = html.escape
    # group hits by clause span
    spans: dict[tuple[int, int], list[int]] = {}
    for i, h in enumerate(scan.hits):
        spans.setdefault((h.start, h.end), []).append(i)
    css = "".join(f".c-{c}{{background:{col}}}" for c, col in _COLORS.items())
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if scan.lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        f"<title>{esc(lab['title'])}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.7;padding:0 1em}"
        "mark{padding:0 .1em;border-radius:2px}pre{white-space:pre-wrap;font-family:inherit}"
        ".hit{border-left:4px solid #999;padding:.3em .8em;margin:1em 0}"
        "blockquote{margin:.3em 0 .3em 1em;color:#333;font-size:.95em;white-space:pre-wrap}"
        f".note{{color:#555;font-size:.9em}}{css}</style></head><body>",
        f"<h1>{esc(lab['title'])}</h1>",
        f"<p>{esc(lab['file'])}: {esc(Path(scan.file).name)} · SHA-256 <code>{esc(scan.sha256)}</code></p>",
        f'<p class="note">{esc(lab["note"])}</p>',
        f"<h2>{esc(lab['hits'])} ({len(scan.hits)})</h2>",
    ]
    if not scan.hits:
        out.append(f"<p>{esc(lab['none'])}</p>")
    for i, h in enumerate(scan.hits):
        out.append(
            f'<div class="hit" id="hit-{i}"><h3><mark class="c-{esc(h.category)}">{esc(h.title)}</mark></h3>'
        )
        out.append(f'<p><a href="#span-{h.start}">“{esc(h.clause)}”</a></p>')
        out.append(f"<p><b>{esc(lab['why'])}:</b> {esc(h.why)}</p>")
        out.append(f"<p><b>{esc(lab['basis'])}:</b></p>")
        for sid in h.basis:
            st = statute(sid)
            out.append(f"<blockquote><b>{esc(st.citation())}</b>\n{esc(st.text)}</blockquote>")
        out.append("</div>")
    out.append(f"<h2>{esc(lab['text'])}</h2>")
    body: list[str] = []  # joined without separators: <pre> keeps every character
    pos = 0
    for (start, end), idxs in sorted(spans.items()):
        if start < pos:  # overlapping spans cannot happen (one span per sentence), but be safe
            continue
        body.append(esc(scan.text[pos:start]))
        cats = [scan.hits[i].category for i in idxs]
        titles = "; ".join(scan.hits[i].title for i in idxs)
        body.append(
            f'<mark id="span-{start}" class="c-{esc(cats[0])}" title="{esc(titles)}">'
            f"{esc(scan.text[start:end])}</mark>"
        )
        pos = end
    body.append(esc(scan.text[pos:]))
    # a newline right after <pre> is dropped by HTML parsers: add one so a leading one survives
    out.append("<pre>\n" + "".join(body) + "</pre>")
    out.append("</body></html>")
    return "\n".join(out)
