"""Student's t from the standard library, paired means and small-count suppression."""

import statistics

import pytest

from common.stats import MIN_PAIRS, paired_mean, t_cdf, t_quantile
from common.suppression import SUPPRESSED, suppress


@pytest.mark.parametrize(
    ("df", "expected"),
    # Two-sided 95 % critical values from any table of Student's t.
    [(1, 12.706), (4, 2.776), (10, 2.228), (30, 2.042), (120, 1.980)],
)
def test_t_quantile_matches_the_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)


def test_t_cdf_is_symmetric_and_tends_to_the_normal():
    assert t_cdf(0, 7) == pytest.approx(0.5)
    assert t_cdf(-1.5, 7) == pytest.approx(1 - t_cdf(1.5, 7))
    assert t_cdf(1.96, 100_000) == pytest.approx(statistics.NormalDist().cdf(1.96), abs=1e-4)


def test_paired_mean_interval_by_hand():
    differences = [10, 12, 8, 15, 5, 10]
    result = paired_mean(differences)
    mean = sum(differences) / 6
    margin = 2.5706 * statistics.stdev(differences) / 6**0.5
    assert result.pairs == 6
    assert result.mean == pytest.approx(mean)
    assert result.low == pytest.approx(mean - margin, abs=1e-3)
    assert result.high == pytest.approx(mean + margin, abs=1e-3)


def test_paired_mean_is_suppressed_under_five_pairs():
    result = paired_mean([3] * (MIN_PAIRS - 1))
    assert result.suppressed and result.mean is None and result.low is None


def _hidden(rows):
    return [row for row in rows if row["n"] == SUPPRESSED]


def test_small_rows_are_hidden_in_every_measure():
    rows = suppress([{"k": "a", "n": 3, "h": 7}, {"k": "b", "n": 9, "h": 20}], "n", ["h"])
    assert rows[0] == {"k": "a", "n": SUPPRESSED, "h": SUPPRESSED}
    assert rows[1]["n"] == 9


def test_a_single_hidden_row_under_a_total_hides_a_second_one():
    rows = [{"k": "a", "n": 2, "h": 1}, {"k": "b", "n": 7, "h": 5}, {"k": "c", "n": 20, "h": 9}]
    table = suppress(rows, "n", ["h"], total={"k": "TOTAL", "n": 29, "h": 15})
    hidden = _hidden(table)
    # a (primary) and b (the smallest other, secondary): 29 − 20 gives only their sum.
    assert [row["k"] for row in hidden] == ["a", "b"]
    assert table[-1] == {"k": "TOTAL", "n": 29, "h": 15}


def test_a_small_total_is_hidden():
    table = suppress([{"k": "a", "n": 2}, {"k": "b", "n": 1}], "n", [], total={"k": "T", "n": 3})
    assert all(row["n"] == SUPPRESSED for row in table)
