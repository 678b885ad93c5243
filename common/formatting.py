"""French formatting of amounts, shared by pages, exports and the report."""

from decimal import Decimal

CENT = Decimal("0.01")
NARROW_SPACE = "\u202f"


def euros(amount):
    """40000 → « 40 000,00 € » (French grouping with a narrow no-break space)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_SPACE.join(groups)},{cents} €"
