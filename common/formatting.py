"""French formatting of amounts, shared by pages, exports and the report."""

from decimal import Decimal

CENT = Decimal("0.01")
NARROW_SPACE = "\u202f"  # between groups of digits (no-break)
NO_BREAK_SPACE = "\u00a0"  # before « € », which never wraps alone onto the next line


def euros(amount):
    """40000 → « 40 000,00 € »: groups split by a narrow no-break space, a no-break space
    before the sign; the one formatting of amounts."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_SPACE.join(groups)},{cents}{NO_BREAK_SPACE}€"
