"""What every figure shares: the rounding rule, rates, medians and the period's bounds."""

import datetime
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")


def rounded(value, places=TENTH):
    """The French commercial rule: halves go up (2,25 → 2,3), never to the even neighbour.
    The one rounding of every figure shown (None stays None)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def rate(part, whole):
    """part / whole in percent, rounded to a tenth (0 when whole is 0)."""
    if not whole:
        return Decimal("0.0")
    return rounded(Decimal(part) / Decimal(whole) * 100)


def hours(minutes):
    """Minutes → hours, rounded to a tenth."""
    return rounded(Decimal(minutes or 0) / 60)


def median_days(durations):
    """Median of timedeltas, in days rounded to a tenth (None without any)."""
    values = [d.total_seconds() / 86400 for d in durations if d is not None]
    return rounded(statistics.median(values)) if values else None


def day_bounds(start, end):
    """The aware datetimes [start at 00:00, the day after end at 00:00) of a period of dates:
    « at the end of the period » means before the second one."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return begin, after
