"""``dunguard scan`` writes exactly ``json.dumps({"id": …, **result}, ensure_ascii=False)`` per line.

The batch writer takes shortcuts (one shared encoder, a prebuilt line for messages with no
finding); these tests pin its output, byte for byte, to the plain encoding of the reference
engine's result (``test_scan_equivalence.ReferenceScanner``), for every kind of JSON id.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_scan_equivalence import REFERENCE

from dunguard.analyze.batch import process_chunk, scan_lines

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "analyze"


def _expected_line(rec: dict[str, Any]) -> str:
    result = REFERENCE.scan(rec["text"], addressee=rec.get("addressee"), time=rec.get("time"))
    return json.dumps({"id": rec["id"], **result}, ensure_ascii=False) + "\n"


def _chunk(recs: list[dict[str, Any]]) -> tuple[int, list[bytes]]:
    return 1, [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in recs]


def test_labelled_sets_batch_output_is_the_plain_encoding_of_the_reference() -> None:
    recs = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                recs.append({"id": row["id"], "text": row["text"], "addressee": row.get("addressee")})
    assert len(recs) > 1000
    out: list[str] = []
    report = scan_lines((json.dumps(r, ensure_ascii=False).encode("utf-8") for r in recs), out.append)
    assert "".join(out) == "".join(_expected_line(r) for r in recs)
    assert report.total == len(recs)
    assert 0 < report.flagged < len(recs)


_IDS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False).filter(lambda f: not math.isinf(f)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_TEXTS = st.sampled_from(["好的，收到，谢谢！", "老赖，再不还钱就爆你通讯录。", "你欠的3000元再不还，明天就上门找你家人。",
                          "【某消费金融】您的借款已逾期，逾期记录将按规定报送征信。", "\"引号\" \\ 反斜杠 \u2028 \x01"])


@settings(max_examples=300, deadline=None)
@given(_IDS, _TEXTS)
def test_any_json_id_is_written_as_json_dumps_would(ident: Any, text: str) -> None:
    rec = {"id": ident, "text": text}
    chunk = process_chunk(_chunk([rec]))
    assert chunk.text == _expected_line(rec)
    assert json.loads(chunk.text)["id"] == ident


def test_line_numbers_count_blank_lines_across_chunks_and_jobs() -> None:
    raw = [b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "老赖，再不还钱就爆你通讯录。"}, ensure_ascii=False).encode(),
           b"", b"   \r\n", b"{not json", json.dumps({"id": "b", "text": "好的"}).encode() + b"\r\n",
           b"[1]", json.dumps({"id": "c", "text": "你欠的钱再不还，明天就上门找你家人。"}, ensure_ascii=False).encode()]
    outputs = []
    for jobs in (1, 2):
        out: list[str] = []
        report = scan_lines(raw, out.append, jobs=jobs, chunk_lines=2)
        assert [bad.line for bad in report.bad] == [4, 6]
        assert report.total == 3
        outputs.append("".join(out))
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[0].splitlines()] == ["a", "b", "c"]
