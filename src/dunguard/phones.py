"""Phone number normalisation for evidence: E.164 where it makes sense, the raw form always.

``normalize(raw)`` returns a :class:`PhoneInfo`:

* ordinary numbers → E.164 via ``phonenumbers`` (default region CN), with carrier and region
  from phonenumbers' offline data (``phonenumbers.carrier``, Chinese names); the registered
  location ("北京市") comes from :func:`location_of` (``phonenumbers.geocoder``);
* Chinese service numbers are *kept as they are* (no E.164) and marked ``service``:
  ``106…`` SMS gateway ports, ``95xxx(x)`` and ``96xxx(x)`` enterprise/bank lines,
  ``400``/``800`` hotlines, ``1xxxx`` carrier/government short numbers (10086, 12345, 12321);
* other short codes (≤ 6 digits) → ``short_code``;
* mobile numbers in virtual-operator ranges 170/171/162/165/167 → ``virtual_mobile``
  (favoured by collectors: easy to obtain and discard);
* numbers hidden by the network (empty, ``-1``, ``-2``, "Unknown", "Private") → ``hidden``;
* names instead of numbers (alphanumeric senders, RCS group ids, e-mail addresses) →
  ``alphanumeric``.

Results are cached (``functools.lru_cache``): a backup of a million messages has only
thousands of distinct numbers, so normalising them all is cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

__all__ = [
    "VIRTUAL_PREFIXES",
    "NumberKind",
    "PhoneInfo",
    "compact",
    "location_of",
    "match_key",
    "normalize",
]

VIRTUAL_PREFIXES = ("170", "171", "162", "165", "167")

_HIDDEN = frozenset({"", "-1", "-2", "-3", "-4", "unknown", "private", "anonymous", "restricted", "null"})
_SEPARATORS = re.compile(r"[\s\-\(\)\.\u00a0\u3000/]+")
_DIALABLE = re.compile(r"^\+?[0-9]+$")
_DIALABLE_WITH_EXTRAS = re.compile(r"^\+?[0-9]+[,;pPwW#*][0-9,;pPwW#*]*$")


class NumberKind(StrEnum):
    MOBILE = "mobile"
    VIRTUAL_MOBILE = "virtual_mobile"
    LANDLINE = "landline"
    SERVICE = "service"  # 106 / 95 / 96 / 400 / 800 / carrier & government short numbers
    SHORT_CODE = "short_code"
    INTERNATIONAL = "international"  # a valid non-Chinese number
    ALPHANUMERIC = "alphanumeric"
    HIDDEN = "hidden"
    UNKNOWN = "unknown"  # possible but not valid, or unparseable digits


@dataclass(frozen=True, slots=True)
class PhoneInfo:
    raw: str
    e164: str | None
    kind: NumberKind
    region: str | None = None  # ISO region code, "CN"
    carrier: str | None = None  # "中国移动"; empty when unknown (ported numbers keep range carrier)
    location: str | None = None  # geocoder description, "北京市" (see location_of)

    @property
    def is_virtual(self) -> bool:
        return self.kind is NumberKind.VIRTUAL_MOBILE

    @property
    def is_service(self) -> bool:
        return self.kind in (NumberKind.SERVICE, NumberKind.SHORT_CODE)

    @property
    def key(self) -> str:
        """The form used for matching and de-duplication: E.164, else the compact raw form."""
        if self.e164:
            return self.e164
        return self.raw.strip() if self.kind is NumberKind.ALPHANUMERIC else compact(self.raw)


def compact(raw: str) -> str:
    """Raw number without spaces, dashes, brackets and dots (letters kept)."""
    return _SEPARATORS.sub("", raw.strip())


def _service_kind(digits: str) -> NumberKind | None:
    """Chinese service/short numbers, judged on national digits (no country code)."""
    n = len(digits)
    if digits.startswith("106") and 8 <= n <= 21:
        return NumberKind.SERVICE
    if digits.startswith(("95", "96")) and 5 <= n <= 6:
        return NumberKind.SERVICE
    if digits.startswith(("400", "800")) and n == 10:
        return NumberKind.SERVICE
    if digits.startswith("1") and 3 <= n <= 5:
        return NumberKind.SERVICE  # 110, 120, 10086, 12345, 12321, 12348
    if n <= 6:
        return NumberKind.SHORT_CODE
    return None


def _national_cn(digits: str) -> str | None:
    """Strip a Chinese country prefix (+86 / 0086 / 86 before a service number)."""
    if digits.startswith("+86"):
        return digits[3:]
    if digits.startswith("0086"):
        return digits[4:]
    return None


@lru_cache(maxsize=200_000)
def normalize(raw: str | None, default_region: str = "CN") -> PhoneInfo:
    """Normalise one number as written in evidence; never raises."""
    text = "" if raw is None else str(raw).strip()
    if text.lower() in _HIDDEN:
        return PhoneInfo(text, None, NumberKind.HIDDEN)
    digits = compact(text)
    if _DIALABLE_WITH_EXTRAS.match(digits):
        digits = re.split(r"[,;pPwW#*]", digits, maxsplit=1)[0]  # pause/wait/extension digits
    if not _DIALABLE.match(digits):
        return _alphanumeric_or_vanity(text, default_region)

    national = _national_cn(digits)
    if national is None and not digits.startswith("+") and not digits.startswith("00"):
        national = digits if default_region == "CN" else None
    if national is not None:
        special = _service_kind(national)
        if special is not None:
            return PhoneInfo(text, None, special, "CN")
        if (
            default_region == "CN"
            and national is digits
            and len(digits) == 10
            and digits[0] in "23456789"
        ):
            # Chinese landlines are dialled with a leading 0 and mobiles have 11 digits:
            # ten digits starting 2-9 are a North American number as typed in the US,
            # "(919) 888-7386"
            us = _parse(text, "+1" + digits, "US")
            if us.kind is not NumberKind.UNKNOWN:
                return us
        if national.startswith("86") and len(national) > 11:
            # "8613800138000" written without "+"
            special = _service_kind(national[2:])
            if special is not None:
                return PhoneInfo(text, None, special, "CN")
            digits = "+" + national
    elif digits.startswith("00"):
        digits = "+" + digits[2:]
    return _parse(text, digits, default_region)


def _parse(text: str, digits: str, default_region: str) -> PhoneInfo:
    """``_parse_full``, with a shortcut for the common case: an 11-digit Chinese mobile.

    ``phonenumbers.parse`` and ``is_valid_number`` cost about as much again as the type
    lookup itself; for ``1[3-9]xxxxxxxxx`` (or ``+861[3-9]xxxxxxxxx``) the number is built directly
    and classified with one ``number_type`` call (for a number whose country code has a
    single region, "valid" means "of a known type").  Anything else, and any number the
    shortcut does not find valid, takes the full path: the results are the same
    (tests/ingest/test_phones.py checks both paths against each other).
    """
    national = digits[3:] if digits.startswith("+86") else digits if default_region == "CN" else ""
    if (
        len(national) == 11
        and national[1] in "3456789"
        and national[0] == "1"
        and not national.startswith("179")  # "179xx" is also an IP-call prefix phonenumbers strips
        and national.isascii()
        and national.isdigit()
    ):
        num = phonenumbers.PhoneNumber(country_code=86, national_number=int(national))
        ntype = phonenumbers.number_type(num)
        if ntype != PhoneNumberType.UNKNOWN:
            return _classified(text, num, "+86" + national, "CN", ntype)
    return _parse_full(text, digits, default_region)


def _parse_full(text: str, digits: str, default_region: str) -> PhoneInfo:
    try:
        num = phonenumbers.parse(digits, default_region)
    except phonenumbers.NumberParseException:
        return PhoneInfo(text, None, NumberKind.UNKNOWN)
    region = phonenumbers.region_code_for_number(num)
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(num):
        if phonenumbers.is_possible_number(num):
            return PhoneInfo(text, e164, NumberKind.UNKNOWN, region)
        return PhoneInfo(text, None, NumberKind.UNKNOWN, region)
    return _classified(text, num, e164, region, phonenumbers.number_type(num))


def _classified(
    text: str, num: phonenumbers.PhoneNumber, e164: str, region: str | None, ntype: int
) -> PhoneInfo:
    """PhoneInfo of a valid number: kind from its type and range, carrier from the offline data."""
    from phonenumbers import carrier  # ~10 MB of tables, loaded on first use

    carrier_name = carrier.name_for_number(num, "zh") or None
    national = str(num.national_number)
    if region == "CN":
        if ntype in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE) and len(national) == 11:
            kind = NumberKind.VIRTUAL_MOBILE if national.startswith(VIRTUAL_PREFIXES) else NumberKind.MOBILE
        elif ntype in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE):
            kind = NumberKind.SERVICE
        else:
            kind = NumberKind.LANDLINE
    else:
        kind = NumberKind.INTERNATIONAL
    return PhoneInfo(text, e164, kind, region, carrier_name)


@lru_cache(maxsize=50_000)
def location_of(e164: str | None) -> str | None:
    """Where a number is registered ("北京市", "美国"), from phonenumbers' offline geocoder.

    Separate from :func:`normalize` because the geocoder's tables take ~100 MB of memory:
    callers look locations up once per distinct number, after the heavy work is done.
    """
    if not e164:
        return None
    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    from phonenumbers import geocoder

    return geocoder.description_for_number(num, "zh") or None


def _alphanumeric_or_vanity(text: str, default_region: str) -> PhoneInfo:
    # "1-800-MY-APPLE": phonenumbers converts letters when the number is otherwise valid
    if sum(ch.isdigit() for ch in text) >= 4 and "@" not in text:
        try:
            num = phonenumbers.parse(text, "US" if text.lstrip("+").startswith("1-") else default_region)
        except phonenumbers.NumberParseException:
            num = None
        if num is not None and phonenumbers.is_valid_number(num):
            region = phonenumbers.region_code_for_number(num)
            e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            kind = NumberKind.SERVICE if phonenumbers.number_type(num) == PhoneNumberType.TOLL_FREE else (
                NumberKind.INTERNATIONAL if region != "CN" else NumberKind.UNKNOWN
            )
            return PhoneInfo(text, e164, kind, region)
    return PhoneInfo(text, None, NumberKind.ALPHANUMERIC)


def match_key(raw: str | None, default_region: str = "CN") -> str:
    """Key to match a number seen in events against contacts' numbers."""
    return normalize(raw, default_region).key
