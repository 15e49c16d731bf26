"""The case report: self-contained HTML with charts, findings, statute text and the ledger head;
a PDF whose text holds the Chinese."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dunguard.act.facts import load_facts
from dunguard.act.report import render_html, write_report
from dunguard.errors import UsageError
from dunguard.home import Home
from dunguard.testing import make_case, run_cli


def test_html_report_is_self_contained_with_charts_findings_and_ledger_head(
        demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    path = write_report(home, case_id, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    facts = load_facts(home, case_id)
    assert facts.ledger_head and facts.ledger_head in html
    assert html.count("<svg") >= 3
    assert "<script" not in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)  # nothing loaded from elsewhere
    assert "<mark>" in html  # highlighted spans
    assert "【示例】" in html and "王小明" in html
    statute = facts.active_findings[0].statutes[0]
    assert statute.text.splitlines()[0] in html  # exact statute text
    assert "下一步" in html and "时间线" in html
    for target in set(re.findall(r'href="#(st-[a-z0-9_]+)"', html)):
        assert f'id="{target}"' in html  # every citation links to its full text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_report_text_contains_the_chinese(demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    path = write_report(home, case_id, tmp_path / "report.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "案件报告" in text and "王小明" in text and "可能违反" in text


def test_empty_case_report_renders(home: Home) -> None:
    case = make_case(home, "空")
    html = render_html(home, case.id)
    assert "目前没有发现" in html


def test_report_refuses_other_suffixes(demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    with pytest.raises(UsageError):
        write_report(home, case_id, tmp_path / "report.docx")


def test_report_command_and_demo_output(demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    r = run_cli(["report", case_id[:8], "-o", str(tmp_path / "r.html")], home=home)
    assert r.code == 0, r.stderr
    assert (tmp_path / "r.html").exists()
    assert (home.root.parent / "out" / "示例案件报告.html").exists()  # run_demo wrote its report
