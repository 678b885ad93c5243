"""« Pilotage »: the programme's figures, filtered, with their tables as CSV/XLSX."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from common.exports import export_response
from common.perms import staff_only
from grant.charts import programme_charts
from grant.dashboard import CACHED, TABLES, DashboardFilters
from grant.figures_cache import cached_html, cached_programme_figures, versioned_many
from grant.indicators import (
    grant_executions,
)
from grant.models import (
    Convention,
)


@staff_only
def dashboard(request):
    """« Pilotage »: the key figures at a glance, with filters, charts and downloads."""
    # Kept under the data's version like the figures (decision 011), read in one round
    # trip with the filters' options and default convention: the conventions' execution
    # (the expenses' history).
    executions = f"pilotage:executions:{timezone.localdate()}"
    version, cached = versioned_many(
        {
            **CACHED,
            executions: lambda: grant_executions(Convention.objects.select_related("funder")),
        }
    )
    filters_form = DashboardFilters(request.GET or None, cached=cached)
    start, end, convention, filters = filters_form.values()
    refresh = "recalculer" in request.GET
    figures = cached_programme_figures(
        start, end, convention, refresh=refresh, version=version, **filters
    )
    query = request.GET.copy()
    query.pop("recalculer", None)
    query = query.urlencode()

    def figures_html():
        tables = [
            (
                name,
                title,
                [c.header for c in columns],
                [[c.value(row) for c in columns] for row in rows(figures)],
            )
            for name, (title, columns, rows) in TABLES.items()
        ]
        return render_to_string(
            "grant/pilotage_figures.html",
            {
                "figures": figures,
                "charts": programme_charts(figures).values(),
                "tables": tables,
                "query": query,
            },
        )

    return render(
        request,
        "grant/pilotage.html",
        {
            "form": filters_form,
            "filters_html": filters_form.fields_html(version),
            "figures": figures,
            "query": query,
            "figures_html": cached_html(figures, query, figures_html),
            "executions": cached[executions],
        },
    )


@staff_only
def dashboard_export(request, name, fmt):
    """One dashboard table, as CSV or XLSX, with the filters in its header."""
    if name not in TABLES:
        raise Http404
    title, columns, rows = TABLES[name]
    filters_form = DashboardFilters(request.GET or None)
    start, end, convention, filters = filters_form.values()
    figures = cached_programme_figures(start, end, convention, **filters)  # what was shown
    metadata = [
        ("Tableau", title),
        ("Période", f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"),
        ("Filtres", filters_form.describe()),
        ("Exporté par", request.user.get_full_name() or request.user.email),
        ("Le", timezone.localtime()),
    ]
    return export_response(
        fmt,
        columns,
        rows(figures),
        filename=f"pilotage-{name}",
        metadata=metadata,
        sheet_title=title,
    )
