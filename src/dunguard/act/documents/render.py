"""A document as simple blocks, and its four renderings: plain text, Markdown, HTML, DOCX.

Templates (``act/templates/*.txt``) are Jinja2 that print a tiny line-based markup::

    # Title                    (centred title)
    ## Heading
    - list item
    > quoted statute text
    | cell | cell |            (consecutive rows form a table; the first row is the header)
    >> right-aligned line      (signature, date)
    ===                        (page break / separator between alternatives)
    any other line             (a paragraph)

A visible blank 【待填写：…】 is kept as is in text and Markdown, highlighted in HTML and
DOCX, so the borrower sees at once what is still to fill in.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

BLANK_RE = re.compile(r"【待填写：[^】]*】")


@dataclass(slots=True)
class Block:
    kind: str  # title heading para bullet quote table right break
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def parse(markup: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in markup.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif line == "===":
            blocks.append(Block("break"))
        elif line.startswith("## "):
            blocks.append(Block("heading", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(Block("title", line[2:].strip()))
        elif line.startswith(">> "):
            blocks.append(Block("right", line[3:].strip()))
        elif line.startswith("> "):
            blocks.append(Block("quote", line[2:].strip()))
        elif line.startswith("- "):
            blocks.append(Block("bullet", line[2:].strip()))
        else:
            blocks.append(Block("para", line))
    return blocks


def to_text(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "title":
            out += [b.text, ""]
        elif b.kind == "heading":
            out += ["", b.text]
        elif b.kind == "bullet":
            out.append("· " + b.text)
        elif b.kind == "quote":
            out.append("    " + b.text)
        elif b.kind == "table":
            out += ["｜".join(r) for r in b.rows]
        elif b.kind == "right":
            out.append(" " * 24 + b.text)
        elif b.kind == "break":
            out += ["", "-" * 20, ""]
        else:
            out.append(b.text)
    return "\n".join(out).strip() + "\n"


def _md_escape(s: str) -> str:
    return re.sub(r"([\\`*_<>#])", r"\\\1", s)


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        t = _md_escape(b.text)
        if b.kind == "title":
            out += [f"# {t}", ""]
        elif b.kind == "heading":
            out += [f"## {t}", ""]
        elif b.kind == "bullet":
            out.append(f"- {t}")
        elif b.kind == "quote":
            out += [f"> {t}", ""]
        elif b.kind == "table":
            rows = [[_md_escape(c).replace("|", "｜") for c in r] for r in b.rows]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + "---|" * width)
            out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            out.append("")
        elif b.kind == "right":
            out += [f"<p align=\"right\">{html.escape(b.text)}</p>", ""]
        elif b.kind == "break":
            out += ["", "---", ""]
        else:
            out += [t, ""]
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _inline_html(s: str) -> str:
    parts = []
    pos = 0
    for m in BLANK_RE.finditer(s):
        parts.append(html.escape(s[pos:m.start()]))
        parts.append(f'<mark class="blank">{html.escape(m.group(0))}</mark>')
        pos = m.end()
    parts.append(html.escape(s[pos:]))
    return "".join(parts)


HTML_CSS = """
body{font-family:"Noto Serif CJK SC","Songti SC","SimSun",serif;max-width:46em;margin:2em auto;
line-height:1.8;color:#111;padding:0 1em}
h1{text-align:center;font-size:1.5em}h2{font-size:1.1em;margin-top:1.4em}
blockquote{margin:.4em 0 .4em 1.5em;padding-left:.8em;border-left:3px solid #999;color:#333}
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border:1px solid #888;padding:.25em .4em;
vertical-align:top;word-break:break-all}th{background:#eee}
p.right{text-align:right}mark.blank{background:#ffeb3b;padding:0 .15em}hr{margin:2em 0}
"""


def to_html(blocks: list[Block], title: str) -> str:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title><style>{HTML_CSS}</style></head><body>"]
    items: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items.clear()

    for b in blocks:
        if b.kind != "bullet":
            flush()
        t = _inline_html(b.text)
        if b.kind == "title":
            out.append(f"<h1>{t}</h1>")
        elif b.kind == "heading":
            out.append(f"<h2>{t}</h2>")
        elif b.kind == "bullet":
            items.append(f"<li>{t}</li>")
        elif b.kind == "quote":
            out.append(f"<blockquote>{t}</blockquote>")
        elif b.kind == "table":
            head = "".join(f"<th>{_inline_html(c)}</th>" for c in b.rows[0])
            body = "".join("<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in r) + "</tr>"
                           for r in b.rows[1:])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "right":
            out.append(f'<p class="right">{t}</p>')
        elif b.kind == "break":
            out.append("<hr>")
        else:
            out.append(f"<p>{t}</p>")
    flush()
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _base_template() -> io.BytesIO:
    """A one-paragraph DOCX template (``{{p body }}``) built in memory with python-docx."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "宋体")
    doc.add_paragraph("{{p body }}")
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    return buf


def _add_runs(paragraph: object, text: str) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    pos = 0
    for m in BLANK_RE.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos:m.start()])  # type: ignore[attr-defined]
        run = paragraph.add_run(m.group(0))  # type: ignore[attr-defined]
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])  # type: ignore[attr-defined]


def write_docx(blocks: list[Block], path: Path) -> None:
    """Render through docxtpl: the body is a sub-document filled block by block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(_base_template())
    sd = tpl.new_subdoc()
    for b in blocks:
        if b.kind == "title":
            p = sd.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(b.text)
            run.bold = True
            run.font.size = Pt(18)
        elif b.kind == "heading":
            p = sd.add_paragraph()
            run = p.add_run(b.text)
            run.bold = True
        elif b.kind == "bullet":
            p = sd.add_paragraph(style="List Bullet")
            _add_runs(p, b.text)
        elif b.kind == "quote":
            p = sd.add_paragraph(style="Quote")
            _add_runs(p, b.text)
        elif b.kind == "table":
            width = max(len(r) for r in b.rows)
            table = sd.add_table(rows=len(b.rows), cols=width)
            table.style = "Table Grid"
            for i, r in enumerate(b.rows):
                for j in range(width):
                    cell = table.cell(i, j)
                    _add_runs(cell.paragraphs[0], r[j] if j < len(r) else "")
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        elif b.kind == "right":
            p = sd.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _add_runs(p, b.text)
        elif b.kind == "break":
            sd.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            p = sd.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            _add_runs(p, b.text)
    tpl.render({"body": sd})
    tpl.save(str(path))
