"""Parsers for what users type and the payment CSV files they export."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunguard.errors import DunGuardError, FormatError, InputError, UsageError
from dunguard.finance.inputs import (
    parse_date,
    parse_dated_amount,
    parse_fee_spec,
    parse_payments_spec,
    parse_rate,
    read_schedule_csv,
)


def test_payments_spec_forms() -> None:
    assert parse_payments_spec("12x950") == [D("950.00")] * 12
    assert parse_payments_spec("3x1000,2×950.5") == [D("1000.00")] * 3 + [D("950.50")] * 2
    assert parse_payments_spec("1000，900") == [D("1000.00"), D("900.00")]


@pytest.mark.parametrize("spec", ["", "x950", "12x", "12x-950", "0x950", "twelve"])
def test_bad_payments_spec_is_a_clear_error(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_payments_spec(spec)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=10**8)),
                min_size=1, max_size=5))
def test_payments_spec_round_trips(parts: list[tuple[int, int]]) -> None:
    spec = ",".join(f"{n}x{D(f) / 100}" for n, f in parts)
    amounts = parse_payments_spec(spec)
    assert len(amounts) == sum(n for n, _ in parts)
    assert sum(amounts, D(0)) == sum((n * D(f) / 100 for n, f in parts), D(0))


@given(st.text(max_size=30))
def test_payments_spec_never_crashes(text: str) -> None:
    with contextlib.suppress(DunGuardError):
        parse_payments_spec(text)


@pytest.mark.parametrize(("text", "value"), [("18%", "0.18"), ("0.18", "0.18"), ("18", "0.18"), ("36％", "0.36"),
                                             ("0", "0")])
def test_rates(text: str, value: str) -> None:
    assert parse_rate(text) == D(value)


@pytest.mark.parametrize("text", ["2025-06-01", "2025/6/1", "2025.06.01", "2025年6月1日"])
def test_dates(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 6, 1)


@pytest.mark.parametrize("text", ["2025-13-01", "2025-02-30", "June 1", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(UsageError):
        parse_date(text, what="--date")


def test_fee_and_dated_specs() -> None:
    assert parse_fee_spec("服务费:600") == ("服务费", D("600.00"), "upfront", None)
    assert parse_fee_spec("会员费：50：per_period") == ("会员费", D("50.00"), "per_period", None)
    assert parse_fee_spec("担保费:300:on_date:2025-07-01") == ("担保费", D("300.00"), "on_date", dt.date(2025, 7, 1))
    assert parse_dated_amount("2025-07-01:950", what="--paid") == (dt.date(2025, 7, 1), D("950.00"))
    with pytest.raises(UsageError):
        parse_fee_spec("担保费:300:on_date")
    with pytest.raises(UsageError):
        parse_fee_spec("担保费:300:weekly")


def test_csv_with_header_gbk_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "还款.csv"
    path.write_bytes("日期,金额,备注\n# 第一期\n2025/7/1,950,首期\n\n2025-08-01,\"1,000\"\n".encode("gbk"))
    assert read_schedule_csv(path) == [(dt.date(2025, 7, 1), D("950.00")), (dt.date(2025, 8, 1), D("1000.00"))]


def test_csv_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("date,amount\n2025-07-01,950\n2025-08-01,abc\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_schedule_csv(path)
    message = str(info.value)
    assert "s.csv" in message and "第 3 行" in message and "abc" in message


def test_csv_missing_and_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_schedule_csv(tmp_path / "nope.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("date,amount\n", encoding="utf-8")
    with pytest.raises(FormatError):
        read_schedule_csv(empty)


def test_public_surface_is_pinned() -> None:
    import dunguard.finance as finance

    assert finance.__all__ == sorted(finance.__all__)
    assert all(hasattr(finance, name) for name in finance.__all__)
    assert "make_plan" in finance.__all__ and "assess" in finance.__all__


def test_every_finance_message_key_exists_in_both_languages() -> None:
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2] / "src" / "dunguard"
    zh = yaml.safe_load((root / "locale" / "zh" / "finance.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((root / "locale" / "en" / "finance.yaml").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
    sources = [*(root / "finance").glob("*.py"), root / "cli" / "finance.py"]
    used = set()
    for path in sources:
        used |= set(re.findall(r'"(finance\.[a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith(".")} - {"finance.loan_added", "finance.payment_added"}  # ledger actions
    assert not sorted(k for k in used if k not in zh and not k.startswith("finance.caps.why"))
    for kind in ("bank", "consumer_finance", "microloan", "private", "unlicensed", "unknown",
                 "private_old_contract"):
        assert f"finance.caps.why.{kind}" in zh


@given(st.binary(max_size=300))
def test_schedule_csv_never_crashes_on_garbage(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(data)
        with contextlib.suppress(DunGuardError):
            rows = read_schedule_csv(path)
            assert all(amount > 0 for _, amount in rows)


@given(st.text(alphabet="0123456789.eE-+%％ ", max_size=30))
def test_parse_rate_only_raises_usage_errors(text: str) -> None:
    try:
        value = parse_rate(text)
    except UsageError:
        return
    assert 0 <= value <= 100


@given(st.text(max_size=30))
def test_parse_date_and_specs_only_raise_dunguard_errors(text: str) -> None:
    for parse in (parse_date, lambda x: parse_dated_amount(x, what="--paid"), parse_fee_spec):
        with contextlib.suppress(DunGuardError):
            parse(text)
