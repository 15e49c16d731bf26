"""``dunguard scan``: streaming JSONL in, JSONL out, bad lines reported, --strict, --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dunguard.analyze.batch import scan_lines
from dunguard.cli import main

LINES = [
    {"id": "a", "text": "老赖，再不还钱就爆你通讯录。"},
    {"id": 2, "text": "【某消费金融】您的借款已逾期，逾期记录将按规定报送征信。", "channel": "sms"},
    {"id": "c", "text": "你好，麻烦转告小王，他欠我司的三千元已经逾期。", "addressee": "contact",
     "time": "2026-02-01T10:00:00+08:00"},
]


class Result:
    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code = exit_code
        self.output = output


def _invoke(capsys: pytest.CaptureFixture[str], args: list[str]) -> Result:
    """Run the real console entry point (with its error handling), capture what it prints."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out + captured.err)


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_scan_writes_one_line_per_message_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", LINES)
    out = tmp_path / "out.jsonl"
    result = _invoke(capsys, ["scan", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", 2, "c"]
    assert rows[0]["labels"] == ["insult", "threat_contacts"]
    assert rows[1]["labels"] == [] and rows[1]["findings"] == []
    assert set(rows[2]["labels"]) == {"debt_disclosure", "third_party_contact"}
    for row, line in zip(rows, LINES, strict=True):
        for finding in row["findings"]:
            start, end = finding["span"]
            assert 0 <= start < end <= len(str(line["text"]))  # type: ignore[index]
            assert finding["basis"] and finding["rule"].startswith("T")
    assert "psl2025_50" in rows[0]["findings"][0]["basis"]
    assert "已扫描 3 条" in result.output


def test_bad_lines_are_reported_with_line_number_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", [LINES[0], "{not json", {"id": "x"}, "[1, 2]", "", LINES[1]])
    out = tmp_path / "out.jsonl"
    result = _invoke(capsys, ["scan", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert "第 2 行" in result.output and "第 3 行" in result.output and "第 4 行" in result.output
    assert "第 5 行" not in result.output  # a blank line is not an error
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["a", 2]


def test_strict_stops_at_the_first_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", [LINES[0], {"id": 1, "text": 5}, LINES[1]])
    out = tmp_path / "out.jsonl"
    result = _invoke(capsys, ["scan", str(src), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "text" in result.output
    assert "Traceback" not in result.output
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["a"]


def test_from_collector_reads_a_line_as_about_the_debt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A corpus of reported collection messages: "晚上走夜路小心点" from a collector is a threat,
    the same words with nothing known about the sender are not; a non-boolean flag is a bad line."""
    veiled = "晚上走夜路小心点，别被车撞了"
    src = _write(tmp_path / "in.jsonl", [{"id": 1, "text": veiled}, {"id": 2, "text": veiled, "from_collector": True},
                                         {"id": 3, "text": "明天降温，出门注意保暖", "from_collector": True},
                                         {"id": 4, "text": veiled, "from_collector": "yes"}])
    out = tmp_path / "out.jsonl"
    result = _invoke(capsys, ["scan", str(src), "-o", str(out)])
    assert result.exit_code == 0
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows[1]["labels"] == [] and rows[3]["labels"] == []
    assert rows[2]["labels"] == ["threat_violence"] and rows[2]["findings"][0]["context"] == ["debt"]
    assert 4 not in rows and "第 4 行" in result.output and "from_collector" in result.output


def test_jobs_keep_input_order(tmp_path: Path) -> None:
    rows = [{"id": i, "text": f"第{i}条：欠款不还就爆你通讯录" if i % 3 == 0 else f"第{i}条：明天见"} for i in range(500)]
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in rows]
    single: list[str] = []
    multi: list[str] = []
    scan_lines(lines, single.append, jobs=1, chunk_lines=37)
    report = scan_lines(lines, multi.append, jobs=2, chunk_lines=37)
    assert "".join(multi) == "".join(single)
    assert [json.loads(x)["id"] for x in "".join(multi).splitlines()] == list(range(500))
    assert report.total == 500 and report.flagged == 167


def test_missing_input_and_bad_jobs_are_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _invoke(capsys, ["scan", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1 and "nope.jsonl" in result.output and "Traceback" not in result.output
    src = _write(tmp_path / "in.jsonl", LINES)
    result = _invoke(capsys, ["scan", str(src), "--jobs", "0"])
    assert result.exit_code != 0 and "--jobs" in result.output


def test_utf8_bom_and_invalid_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + json.dumps(LINES[0], ensure_ascii=False).encode() + b"\n\xff\xfe\n")
    out = tmp_path / "out.jsonl"
    result = _invoke(capsys, ["scan", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert "第 2 行" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_model_suggestions_are_opt_in_and_never_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--model adds what the statistical model proposes to "suggested" (source model), never to labels."""
    rows = [{"id": 1, "text": "这个月不处理，你老家那边的人都会收到你的照片"},  # rules: nothing (no debt word)
            {"id": 2, "text": "明天的快递记得签收"},
            {"id": 3, "text": "老赖，再不还钱就爆你通讯录。"}]
    src = _write(tmp_path / "in.jsonl", rows)
    plain, with_model = tmp_path / "plain.jsonl", tmp_path / "model.jsonl"
    assert _invoke(capsys, ["scan", str(src), "-o", str(plain)]).exit_code == 0
    assert _invoke(capsys, ["scan", str(src), "-o", str(with_model), "--model", "--jobs", "2"]).exit_code == 0
    a = [json.loads(x) for x in plain.read_text(encoding="utf-8").splitlines()]
    b = [json.loads(x) for x in with_model.read_text(encoding="utf-8").splitlines()]
    assert [r["labels"] for r in a] == [r["labels"] for r in b]  # the model never adds a label
    assert not any(s.get("source") == "model" for r in a for s in r["suggested"])
    (sug,) = [s for s in b[0]["suggested"] if s.get("source") == "model"]
    assert sug["label"] == "threat_contacts" and 0.5 <= sug["score"] <= 1
    start, end = sug["span"]
    assert 0 <= start < end <= len(rows[0]["text"])  # type: ignore[arg-type]
    assert b[1]["suggested"] == []  # an ordinary message gets nothing
    assert not any(s["label"] in b[2]["labels"] for s in b[2]["suggested"])  # nothing the rules already found
