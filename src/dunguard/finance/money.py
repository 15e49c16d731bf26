"""Money as ``Decimal`` yuan rounded to the fen (0.01), never float.

Every amount that is a balance, a payment or a fee goes through :func:`parse_money` (user
input) or :func:`fen` (rounding a computed value).  Rates may be ``float`` (they are only
ever compared and printed), money never is.

Rounding is ROUND_HALF_UP, the rule Chinese lenders and courts use for 元/角/分.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from dunguard.errors import UsageError

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# A loan bigger than this is not a consumer online loan; it is almost surely a typo.
MAX_AMOUNT = Decimal("100000000")  # 1亿元


def fen(value: Decimal | int | str) -> Decimal:
    """Round ``value`` to the fen, half up."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def fen_down(value: Decimal) -> Decimal:
    """Round ``value`` down (towards zero) to the fen."""
    return value.quantize(FEN, rounding=ROUND_DOWN)


def to_fen_int(value: Decimal) -> int:
    """The amount as a whole number of fen (for storage)."""
    return int(fen(value) * 100)


def from_fen_int(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(FEN)


def parse_money(text: str | int | Decimal, *, what: str = "amount", allow_zero: bool = False) -> Decimal:
    """Parse a user-typed amount such as ``"9000"``, ``"9,000.5"``, ``"¥950"`` or ``"950元"``.

    Raises :class:`UsageError` (``finance.money.*``) for text that is not a number, a negative
    amount, zero (unless ``allow_zero``), more than two decimals or an absurd size.
    """
    if isinstance(text, Decimal | int):
        raw = str(text)
        value = Decimal(text)
    else:
        raw = text
        cleaned = text.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        cleaned = cleaned.removesuffix("元").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise UsageError("finance.money.not_a_number", what=what, value=raw) from None
    if not value.is_finite():
        raise UsageError("finance.money.not_a_number", what=what, value=raw)
    if value < 0:
        raise UsageError("finance.money.negative", what=what, value=raw)
    if value == 0 and not allow_zero:
        raise UsageError("finance.money.zero", what=what, value=raw)
    if value > MAX_AMOUNT:
        raise UsageError("finance.money.too_large", what=what, value=raw)
    try:
        exact = value == value.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # absurd exponents such as 1e-999999999
        exact = False
    if not exact:
        raise UsageError("finance.money.too_precise", what=what, value=raw)
    return fen(value)


def total(values: Iterable[Decimal]) -> Decimal:
    """Exact sum of amounts (already in fen)."""
    return fen(sum(values, ZERO))


def split_proportionally(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``amount`` (fen) over ``weights`` so the parts sum to ``amount`` exactly.

    Largest-remainder method: each part is rounded down to the fen, the leftover fen go to the
    parts with the largest remainders (ties: earlier first).  Zero weights get nothing.
    """
    amount = fen(amount)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        return [ZERO for _ in weights]
    exact = [amount * w / weight_sum for w in weights]
    parts = [fen_down(x) for x in exact]
    leftover = int((amount - sum(parts, ZERO)) / FEN)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order:
        if leftover <= 0:
            break
        if weights[i] > 0:
            parts[i] += FEN
            leftover -= 1
    return parts


def yuan(value: Decimal) -> str:
    """Format as ``1,234.56`` (no currency sign; callers add 元 or ¥)."""
    return f"{fen(value):,.2f}"
