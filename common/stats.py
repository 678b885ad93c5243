"""Paired before/after statistics with the standard library only.

The 95 % confidence interval of a mean of paired differences uses Student's t with n - 1
degrees of freedom; its quantile is found by bisection on the t distribution's CDF, written
with the regularised incomplete beta function (continued fraction, Lentz's method)."""

import math
import statistics
from dataclasses import dataclass

MIN_PAIRS = 5  # under this, the figure is suppressed (small counts)


def _beta_continued_fraction(a, b, x):
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def regularized_beta(a, b, x):
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1 - x) / b


def t_cdf(t, df):
    """P(T ≤ t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * regularized_beta(df / 2, 0.5, df / (df + t * t))
    return 1 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The t such that P(T ≤ t) = p (0.5 < p < 1), by bisection to 1e-10."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-10:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class PairedMean:
    """The mean of paired differences (after − before) with its 95 % interval."""

    pairs: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def suppressed(self):
        return self.pairs < MIN_PAIRS


def paired_mean(differences, confidence=0.95):
    """Mean of the differences and its Student-t confidence interval; None figures (and
    `suppressed`) under MIN_PAIRS pairs, so that no small group is described."""
    values = [float(d) for d in differences]
    n = len(values)
    if n < MIN_PAIRS:
        return PairedMean(n, None, None, None)
    mean = statistics.fmean(values)
    margin = t_quantile(0.5 + confidence / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return PairedMean(n, mean, mean - margin, mean + margin)
