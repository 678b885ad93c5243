"""« Pilotage »: the programme's figures, filtered, with their tables as CSV/XLSX."""

import hashlib

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from common.data_version import cached_many, versioned, versioned_many
from common.exports import export_response
from common.perms import staff_only
from grant.charts import programme_charts
from grant.dashboard import CACHED, TABLES, DashboardFilters
from grant.figures_cache import cached_programme_figures, figures_key
from grant.indicators import (
    grant_executions,
)
from grant.models import (
    Convention,
)


def executions(today):
    """Every convention's execution, kept under the data's version and the day."""
    return versioned(
        f"pilotage:executions:{today}",
        lambda: grant_executions(Convention.objects.select_related("funder")),
    )


@staff_only
def dashboard(request):
    """« Pilotage »: the key figures at a glance, with filters, charts and downloads."""
    # Kept under the data's version like the figures (decision 011), read in one round
    # trip with the filters' options and default convention: the conventions' execution
    # (the expenses' history), as the page writes it (the same for every staff member).
    today = timezone.localdate()
    version, cached = versioned_many(
        {
            **CACHED,
            f"pilotage:executions-html:{today}": lambda: render_to_string(
                "grant/pilotage_executions.html", {"executions": executions(today)}
            ),
        }
    )
    filters_form = DashboardFilters(request.GET or None, cached=cached)
    start, end, convention, filters = filters_form.values()
    refresh = "recalculer" in request.GET
    query = request.GET.copy()
    query.pop("recalculer", None)
    query = query.urlencode()
    read = {}

    def figures():
        """The figures, read from the cache (or computed) once in this request."""
        if "figures" not in read:
            read["figures"] = cached_programme_figures(
                start, end, convention, refresh=refresh, version=version, **filters
            )
        return read["figures"]

    def shown():
        """What the page prints of the figures: their period, when they were computed, and
        their tables and charts (most of a visit's rendering before it was kept)."""
        values = figures()
        tables = [
            (
                name,
                title,
                [c.header for c in columns],
                [[c.value(row) for c in columns] for row in rows(values)],
            )
            for name, (title, columns, rows) in TABLES.items()
        ]
        html = render_to_string(
            "grant/pilotage_figures.html",
            {
                "figures": values,
                "charts": programme_charts(values).values(),
                "tables": tables,
                "query": query,
            },
        )
        return {key: values[key] for key in ("start", "end", "computed_at")} | {"html": html}

    # Kept as long as the figures they come from (same version, period, convention and
    # filters) for these links (`query`); « recalculer » computes both afresh. One round
    # trip; a visit does not read the figures themselves.
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    key = figures_key(start, end, convention, filters, version) if version is not None else None
    fragments = cached_many(
        {
            "filters": filters_form.fields_fragment(version),
            "shown": (key and f"pilotage:shown:{key}:{digest}", shown),
        },
        refresh={"shown"} if refresh else (),
    )
    return render(
        request,
        "grant/pilotage.html",
        {
            "form": filters_form,
            "filters_html": mark_safe(fragments["filters"]),  # rendered by our templates
            "shown": fragments["shown"] | {"html": mark_safe(fragments["shown"]["html"])},
            # The whole dictionary, read from the cache only if asked for (not by the page).
            "figures": SimpleLazyObject(figures),
            "query": query,
            "executions_html": mark_safe(cached[f"pilotage:executions-html:{today}"]),
            # The executions themselves, read only if asked for (not by the page).
            "executions": SimpleLazyObject(lambda: executions(today)),
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
