"""Admin list filters: choices read once per version of the data, markup written in
Python (decision 012).

A changelist's filters read their choices from the database on every visit (every
organisation, every QPV, the distinct NAF sections: a query each), and Django renders
each choice through admin/filter.html (about 0.1 ms a choice; the organisations' filters
have one choice per organisation, twice as many when the network doubles). Here the
choices of a changelist's filters are kept together in one entry under the data's version
(`common.data_version.versioned`: two cache reads a page, whatever the number of
filters), and `quick_filter` writes Django's markup directly (a test compares both)."""

import re
import zlib
from html import escape as html_escape

from django.contrib import admin
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from common.data_version import versioned

# What iri_to_uri leaves as it is: unreserved characters and its safe ones ("%" included).
URI_AS_IS = re.compile(r"[A-Za-z0-9_.~/#%\[\]=:;$&()+,!?*@'-]*")
STORE = "_quick_filter_choices"  # on the request: {changelist model: {filter key: choices}}


def load_filter_choices(changelist, request, get_filters):
    """Before a changelist builds its filters: its filters' choices, from the cache under
    the data's version, or recorded while `get_filters` builds them once (on the first
    visit after a change). The entry's name holds the list of filters, so that a filter
    added by a deployment is not looked for in an entry written without it."""
    model_admin = changelist.model_admin
    label = model_admin.opts.label_lower
    store = request.__dict__.setdefault(STORE, {})
    if label in store:
        return
    signature = zlib.crc32(repr(list(model_admin.get_list_filter(request))).encode())

    def record():
        store[label] = recorded = {}
        get_filters(request)
        return recorded

    store[label] = dict(versioned(f"admin:filter-choices:{label}:{signature}", record))


def cached_choices(request, model_admin, key, compute):
    """compute() for the filter `key` of this changelist, kept with its other filters'
    choices (`load_filter_choices`); computed each time outside a QuickChangeList."""
    choices = getattr(request, STORE, {}).get(model_admin.opts.label_lower)
    if choices is None:
        return compute()
    if key not in choices:
        choices[key] = compute()
    return choices[key]


class VersionedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """Django's filter on a foreign key, its choices (every row of the related table, one
    query) kept under the data's version: a save of the related model moves it when that
    model is one `grant.figures_cache.WATCHED` lists (organisations, QPVs, actions),
    otherwise the choices are at most `common.data_version.TTL` old."""

    def field_choices(self, field, request, model_admin):
        compute = super().field_choices
        return cached_choices(
            request,
            model_admin,
            f"related:{field.model._meta.label_lower}.{field.name}",
            lambda: list(compute(field, request, model_admin)),
        )


class VersionedAllValuesFieldListFilter(admin.AllValuesFieldListFilter):
    """Django's filter on every distinct value of a field of a related table (the NAF
    sections: one DISTINCT query), the values kept under the data's version (reference
    data, moved by no signal: at most `common.data_version.TTL` old after a reload).
    A field of the listed model itself is read as Django does: its values depend on who
    looks (the ModelAdmin's queryset)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        if field.model is not model:
            values = self.lookup_choices
            self.lookup_choices = cached_choices(
                request, model_admin, f"values:{field_path}", lambda: list(values)
            )


def _is_djangos_filter_template():
    """Whether admin/filter.html is still Django's own (no project template overrides it)."""
    origin = get_template("admin/filter.html").origin.name
    return origin.replace("\\", "/").endswith("django/contrib/admin/templates/admin/filter.html")


def quick_filter(cl, spec):
    """What Django's `admin_list_filter` renders from admin/filter.html, the same markup
    written in Python (a test compares both for every filter of the changelists using
    it): the template costs about 0.1 ms a choice, and the partner organisations' filters
    have one choice per organisation. None when the filter has a template of its own."""
    if spec.template != "admin/filter.html" or not _is_djangos_filter_template():
        return None
    context = Context(autoescape=True)
    title = render_value_in_context(spec.title, context)
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    parts = [f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {summary}\n']
    parts.append("  </summary>\n  <ul>\n  ")
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = str(choice["query_string"])
        href = html_escape(href if URI_AS_IS.fullmatch(href) else iri_to_uri(href))
        display = choice["display"]
        if type(display) is str:
            display = html_escape(display)
        else:
            display = render_value_in_context(display, context)
        parts.append(f'\n    <li{selected}>\n    <a href="{href}">{display}</a></li>\n  ')
    parts.append("\n  </ul>\n</details>\n")
    return mark_safe("".join(parts))
