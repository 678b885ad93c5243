"""The programme in a few public figures (« Chiffres », /chiffres/): aggregates only, with
small counts suppressed (common.suppression), read from programme_figures so that they
never disagree with « Pilotage » and the report."""

import datetime

from common.suppression import MIN_COUNT, SUPPRESSED, suppress

# The délibération M2022-397: the programme's figures start on the day it was voted.
PROGRAMME_START = datetime.date(2022, 10, 4)


def _table(rows, total):
    """(label, count) rows of enterprises → rows with small counts suppressed, the total
    last."""
    cells = suppress(
        [{"label": label, "n": n} for label, n in rows],
        "n",
        [],
        total={"label": "Total", "n": total},
    )
    return [(cell["label"], cell["n"]) for cell in cells]


def public_figures(figures):
    """From programme_figures(PROGRAMME_START, today): enterprises per stage and per QPV,
    activities and hours, satisfaction; every count of fewer than MIN_COUNT enterprises (or
    answers) shown as « < 5 », and a second cell hidden where a total would reveal it."""
    enterprises, activities = figures["enterprises"], figures["activities"]
    few_met = activities["enterprises"] < MIN_COUNT
    satisfaction = figures["voice"]
    few_answers = satisfaction["answers"] < MIN_COUNT
    return {
        "start": figures["start"],
        "end": figures["end"],
        "enterprises": enterprises["total"] if enterprises["total"] >= MIN_COUNT else SUPPRESSED,
        "by_stage": _table(enterprises["by_stage"], enterprises["total"]),
        "by_qpv": _table(enterprises["by_qpv"], enterprises["total"]),
        "activities": SUPPRESSED if few_met else activities["count"],
        "hours": SUPPRESSED if few_met else activities["hours"],
        "enterprises_met": SUPPRESSED if few_met else activities["enterprises"],
        "answers": SUPPRESSED if few_answers else satisfaction["answers"],
        "satisfaction_rate": None if few_answers else satisfaction["satisfaction_rate"],
    }
