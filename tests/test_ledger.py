"""The hash chain: any single edit, removal, swap or insertion is detected (property test)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from dunguard import ledger


def chain(n: int, case: str = "c" * 32) -> list[ledger.Entry]:
    out: list[ledger.Entry] = []
    prev = ledger.GENESIS
    for i in range(1, n + 1):
        e = ledger.make_entry(case, i, f"2026-01-01T00:00:{i:02d}.000000Z", "cli", "add", f"{i:064x}",
                              {"name": f"文件{i}", "n": i}, prev)
        out.append(e)
        prev = e.entry_hash
    return out


def test_intact_chain_has_no_problems() -> None:
    assert ledger.check_chain(chain(10), "c" * 32) == []


@given(n=st.integers(2, 30), data=st.data())
def test_any_tamper_is_detected(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    op = data.draw(st.sampled_from(["edit", "remove", "swap", "insert", "truncate_middle"]))
    i = data.draw(st.integers(0, n - 2))
    if op == "edit":
        e = entries[i]
        entries[i] = ledger.Entry(e.case_id, e.seq, e.ts, "attacker", e.action, e.object_hash, e.details,
                                  e.prev_hash, e.entry_hash)
    elif op == "remove":
        del entries[i]
    elif op == "swap":
        entries[i], entries[i + 1] = entries[i + 1], entries[i]
    elif op == "insert":
        entries.insert(i, chain(1)[0])
    else:  # removing the tail is what the manifest head / DB-vs-mirror checks catch, not the chain
        assume(i + 2 < n)
        del entries[i : i + 2]
    assert ledger.check_chain(entries, "c" * 32), op


def test_jsonl_round_trip_keeps_hashes() -> None:
    for e in chain(5):
        assert ledger.Entry.from_json_line(e.to_json_line()) == e
