"""How the consolidated figures are rounded for a coordinator to read.

Half up, as people round by hand (6,25% → 6,3%; 0,125 → 0,13). A target is judged on the exact
figure, so a rounded one that lands on the other side of its target gets the decimals that
tell them apart: 1.999 of 2.000 is 99,95% (not met), never "100% – chưa đạt".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
TENTH, HUNDREDTH = Decimal("0.1"), Decimal("0.01")
MAX_PLACES = 12  # beyond this the exact figure is shown as it is


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part/whole in percent to one decimal, half up as people round by hand (6,25% is
    6,3%, where Decimal's default half-even gave 6,2%); None when the whole is zero."""
    exact = exact_share(part, whole)
    return None if exact is None else exact.quantize(TENTH, rounding=ROUND_HALF_UP)


def exact_share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part/whole in percent, unrounded (what a target is compared with)."""
    return Decimal(part) * HUNDRED / Decimal(whole) if whole else None


def telling(rounded: Decimal, exact: Decimal, target: Decimal | None) -> Decimal:
    """`rounded`, or, when it reads on the other side of `target` than `exact` does (99,95%
    rounded to 100% against a target of 100%), `exact` rounded to the fewest more decimals
    that keep it on its own side (99,95%)."""
    met = target is not None and exact >= target
    if target is None or (rounded >= target) == met:
        return rounded
    places = decimals(rounded)
    while places < MAX_PLACES:
        places += 1
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if (shown >= target) == met:
            return shown
    return exact


def decimals(value: Decimal) -> int:
    """How many decimals `value` is written with (Decimal('99.95') has 2)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
