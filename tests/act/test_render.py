"""The document markup renderers never crash and keep every word."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.act.documents.render import parse, to_html, to_markdown, to_text, write_docx

MARKUP = "# 标题\n## 小节\n本人【待填写：姓名】，电话 138。\n- 一项\n> 第一条 原文\n| 序号 | 名称 |\n| 1 | a|b |\n>> 2026年1月1日\n===\n"


def test_markup_blocks_and_blank_highlighting(tmp_path: Path) -> None:
    blocks = parse(MARKUP)
    assert [b.kind for b in blocks] == ["title", "heading", "para", "bullet", "quote", "table", "right", "break"]
    html = to_html(blocks, "t")
    assert '<mark class="blank">【待填写：姓名】</mark>' in html
    assert "| 序号 | 名称 |" in to_markdown(blocks)
    write_docx(blocks, tmp_path / "x.docx")
    doc = Document(str(tmp_path / "x.docx"))
    runs = [r for p in doc.paragraphs for r in p.runs if "待填写" in r.text]
    assert runs and runs[0].font.highlight_color is not None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#>-|= 　\n中文a1【待填写：】<&\"'*_`")), max_size=200))
def test_any_markup_renders_in_every_format(markup: str) -> None:
    blocks = parse(markup)
    words = [w for b in blocks for w in (b.text, *(c for r in b.rows for c in r)) if w]
    text = to_text(blocks)
    for w in words:
        assert w in text
    to_markdown(blocks)
    assert to_html(blocks, "t").endswith("</html>\n")
