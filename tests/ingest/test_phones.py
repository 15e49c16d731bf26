"""Phone number normalisation: E.164, service numbers kept, virtual operators marked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunguard.phones import NumberKind, location_of, match_key, normalize


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("13800138000", "+8613800138000", NumberKind.MOBILE),
        ("+86 138 0013 8000", "+8613800138000", NumberKind.MOBILE),
        ("008613800138000", "+8613800138000", NumberKind.MOBILE),
        ("8613800138000", "+8613800138000", NumberKind.MOBILE),
        ("138-0013-8000", "+8613800138000", NumberKind.MOBILE),
        ("17012345678", "+8617012345678", NumberKind.VIRTUAL_MOBILE),
        ("17112345678", "+8617112345678", NumberKind.VIRTUAL_MOBILE),
        ("16212345678", "+8616212345678", NumberKind.VIRTUAL_MOBILE),
        ("16512345678", "+8616512345678", NumberKind.VIRTUAL_MOBILE),
        ("16712345678", "+8616712345678", NumberKind.VIRTUAL_MOBILE),
        ("010-12345678", "+861012345678", NumberKind.LANDLINE),
        ("+852 9123 4567", "+85291234567", NumberKind.INTERNATIONAL),
        ("+1 (919) 208-4530", "+19192084530", NumberKind.INTERNATIONAL),
        ("(919) 888-7386", "+19198887386", NumberKind.INTERNATIONAL),  # as typed on a US iPhone
    ],
)
def test_numbers_become_e164_with_kind(raw: str, e164: str, kind: NumberKind) -> None:
    info = normalize(raw)
    assert info.e164 == e164
    assert info.kind is kind
    assert info.raw == raw  # the raw form is always kept


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("95588", NumberKind.SERVICE),  # bank
        ("95768", NumberKind.SERVICE),
        ("96110", NumberKind.SERVICE),  # 国家反诈中心
        ("12321", NumberKind.SERVICE),
        ("12348", NumberKind.SERVICE),
        ("10086", NumberKind.SERVICE),
        ("400-800-8888", NumberKind.SERVICE),
        ("4001195508", NumberKind.SERVICE),
        ("1069012345678", NumberKind.SERVICE),  # SMS gateway
        ("+86106912345678", NumberKind.SERVICE),
        ("106575250001234567", NumberKind.SERVICE),
        ("8888", NumberKind.SHORT_CODE),
    ],
)
def test_service_and_short_numbers_are_kept_as_they_are(raw: str, kind: NumberKind) -> None:
    info = normalize(raw)
    assert info.kind is kind
    assert info.e164 is None
    assert info.is_service


def test_carrier_and_region_where_known() -> None:
    info = normalize("13800138000")
    assert info.region == "CN"
    assert info.carrier == "中国移动"
    assert location_of(info.e164) == "北京市"
    assert location_of("+19192084530") == "美国"
    assert location_of(None) is None and location_of("95588") is None
    assert normalize("17012345678").is_virtual


@pytest.mark.parametrize("raw", ["", "-1", "-2", "Unknown", "private", "null", None])
def test_hidden_numbers(raw: str | None) -> None:
    info = normalize(raw)
    assert info.kind is NumberKind.HIDDEN
    assert info.e164 is None


@pytest.mark.parametrize("raw", ["SENDER_B", "group_8@rcs.google.com", "招商银行"])
def test_names_instead_of_numbers(raw: str) -> None:
    info = normalize(raw)
    assert info.kind is NumberKind.ALPHANUMERIC
    assert info.key == raw.replace(" ", "")


def test_vanity_number() -> None:
    assert normalize("1-800-MY-APPLE").e164 == "+18006927753"


def test_same_number_written_differently_matches() -> None:
    forms = ["13800138000", "+8613800138000", "+86 138-0013-8000", "0086 13800138000", "138 0013 8000"]
    assert len({match_key(f) for f in forms}) == 1


def test_normalising_is_cached() -> None:
    normalize.cache_clear()
    for _ in range(1000):
        normalize("13912345678")
    info = normalize.cache_info()
    assert info.misses == 1 and info.hits == 999


@given(st.text(max_size=40))
def test_never_raises_and_keeps_raw(raw: str) -> None:
    info = normalize(raw)
    assert info.raw == raw.strip()
    assert info.e164 is None or info.e164.startswith("+")


@given(st.sampled_from(["13", "15", "18", "19", "17"]), st.integers(min_value=0, max_value=10**9 - 1))
def test_chinese_mobiles_round_trip(prefix: str, rest: int) -> None:
    raw = f"{prefix}{rest:09d}"
    info = normalize(raw)
    if info.e164 is not None and info.kind in (NumberKind.MOBILE, NumberKind.VIRTUAL_MOBILE):
        assert info.e164 == "+86" + raw
        assert normalize(info.e164).e164 == info.e164


@given(
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    second=st.sampled_from("0123456789"),
    prefix=st.sampled_from(["", "+86"]),
)
def test_mobile_shortcut_gives_what_the_full_parse_gives(rest: str, second: str, prefix: str) -> None:
    """The fast path for 11-digit Chinese mobiles agrees with phonenumbers' full parse."""
    from dunguard.phones import _parse, _parse_full

    digits = f"{prefix}1{second}{rest}"
    assert _parse(digits, digits, "CN") == _parse_full(digits, digits, "CN")


@pytest.mark.parametrize("raw", ["13800138000", "17012345678", "19912345678", "14512345678", "17951234567"])
def test_mobile_shortcut_on_known_numbers(raw: str) -> None:
    from dunguard.phones import _parse, _parse_full

    assert _parse(raw, raw, "CN") == _parse_full(raw, raw, "CN")
