"""The draft command: --list, formats from the suffix, clear one-line errors."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from dunguard.act.documents import KINDS
from dunguard.home import Home
from dunguard.testing import run_cli


def test_draft_list_is_one_kind_per_line_id_first(home: Home) -> None:
    r = run_cli(["draft", "--list"], home=home)
    assert r.code == 0
    lines = r.stdout.strip().splitlines()
    assert [ln.split("\t")[0] for ln in lines] == [k.id for k in KINDS]


def test_draft_writes_docx_and_reports_blanks(demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    out = tmp_path / "投诉书.docx"
    r = run_cli(["draft", case_id[:8], "complaint_nfra", "-o", str(out)], home=home)
    assert r.code == 0, r.stderr
    assert "【待填写：身份证号码】" in r.stdout  # the id number is not in the demo case
    assert any("投诉书" in p.text for p in Document(str(out)).paragraphs)
    j = run_cli(["draft", case_id[:8], "contact_sms", "-o", str(tmp_path / "sms.txt"), "--json"], home=home).json()
    assert j["kind"] == "contact_sms" and (tmp_path / "sms.txt").read_text(encoding="utf-8").count("王小明") >= 3


def test_draft_errors_are_one_line(demo: tuple[Home, str], tmp_path: Path) -> None:
    home, case_id = demo
    for args in (["draft", case_id[:8], "nope", "-o", str(tmp_path / "a.txt")],
                 ["draft", case_id[:8], "stop_notice", "-o", str(tmp_path / "a.pdf")],
                 ["draft", case_id[:8]],
                 ["draft", "ffffffff", "stop_notice", "-o", str(tmp_path / "a.txt")]):
        r = run_cli(args, home=home)
        assert r.code != 0
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
