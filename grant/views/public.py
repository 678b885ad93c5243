"""« Les chiffres du programme » (/chiffres/): public, aggregate, small counts suppressed."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.suppression import MIN_COUNT, SUPPRESSED
from grant.charts import charts
from grant.figures_cache import cached_public_figures


@login_not_required
@require_GET
def public_figures(request):
    """A page a journalist or a council member can link to: no personal data, no enterprise
    name, every count under MIN_COUNT shown as « < 5 »."""
    figures = cached_public_figures(timezone.localdate())
    tables = [
        ("Entreprises par étape du parcours", "Étape", figures["by_stage"]),
        ("Entreprises par quartier prioritaire (QPV)", "Quartier", figures["by_qpv"]),
    ]
    # The charts draw the counts that may be shown; the tables give every cell.
    svgs = charts(
        [
            (title, [(label, n) for label, n in rows if n != SUPPRESSED and label != "Total"])
            for title, _column, rows in tables
        ]
    )
    return render(
        request,
        "grant/public_figures.html",
        {
            "figures": figures,
            "tables": [(*table, svg) for table, (_title, svg) in zip(tables, svgs, strict=True)],
            "min_count": MIN_COUNT,
        },
    )
