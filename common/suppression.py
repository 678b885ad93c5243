"""Small-count suppression of aggregate tables (statistical secrecy).

A row that describes fewer than MIN_COUNT enterprises is shown as « < 5 » in every
measure (primary suppression). When a table also shows its total, a single suppressed row
could be recomputed as the total minus the others, so the smallest other row is suppressed
too (secondary suppression); a total under MIN_COUNT is suppressed itself."""

MIN_COUNT = 5
SUPPRESSED = "< 5"


def suppress(rows, count_key, measures, total=None):
    """Rows are dicts; `count_key` holds the number of enterprises a row describes;
    `measures` are the keys to hide with it. Returns new rows (and the total row, when
    given, as the last one), with suppressed cells replaced by « < 5 »."""
    rows = [dict(row) for row in rows]
    hidden = {i for i, row in enumerate(rows) if row[count_key] < MIN_COUNT}
    if total is not None and len(hidden) == 1:
        shown = sorted(
            (i for i in range(len(rows)) if i not in hidden), key=lambda i: rows[i][count_key]
        )
        if shown:
            hidden.add(shown[0])
    keys = [count_key, *measures]
    for i in hidden:
        for key in keys:
            rows[i][key] = SUPPRESSED
    if total is not None:
        total = dict(total)
        if total[count_key] < MIN_COUNT:
            for key in keys:
                total[key] = SUPPRESSED
        rows.append(total)
    return rows
