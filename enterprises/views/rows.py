"""Plain values for the enterprise list, prepared once in the view so that the templates
only print strings (decision 012): a model instance per row, `get_…_display`, `__str__`
and `{% url %}` per row cost more than the rest of the page."""

import functools
from html import escape

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from common.data_version import versioned
from enterprises.enums import Stage
from enterprises.models import Assignment

STAGE_LABELS = dict(Stage.choices)
# The rendered filters of a form no one has filled in; moves with the choices (same
# version) and with this marker when the widgets' markup changes.
FILTERS_KEY = "enterprises:filter-widgets:1"


class Row(dict):
    """A dict (what the template engine reads fastest) whose keys also read as
    attributes (`row.pk` in Python, as a model instance answered)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def url_maker(name):
    """reverse(name, args=[pk]) for many pks at the cost of one reverse()."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


@functools.lru_cache(maxsize=1024)
def _short(label):
    """`truncatechars:40` of a NAF label: 732 labels, cut once per process."""
    return Truncator(label).chars(40)


def _person(first_name, last_name, email):
    """What User.__str__ writes, from the three columns."""
    return f"{first_name} {last_name}".strip() or email


LIST_COLUMNS = (
    "pk",
    "name",
    "trade_name",
    "siret",
    "stage",
    "naf__code",
    "naf__label",
    "qpv__name",
    "referent__first_name",
    "referent__last_name",
    "referent__email",
)


def _with_partners(queryset):
    """The page's rows (LIST_COLUMNS), each with the names of the organisations it was
    oriented to, newest first. On PostgreSQL one query: the names come as an array
    computed for the page's rows only (the planner evaluates it after the LIMIT);
    elsewhere a second query reads them."""
    names = Assignment.objects.filter(enterprise=OuterRef("pk")).order_by("-created_at")
    if connections[queryset.db].vendor == "postgresql":
        partners = ArraySubquery(names.values("organisation__name"))
        return list(queryset.annotate(partners=partners).values_list(*LIST_COLUMNS, "partners"))
    page = list(queryset.values_list(*LIST_COLUMNS))
    found = {}
    rows = Assignment.objects.filter(enterprise_id__in=[values[0] for values in page])
    for enterprise_id, organisation in rows.order_by("-created_at").values_list(
        "enterprise_id", "organisation__name"
    ):
        found.setdefault(enterprise_id, []).append(organisation)
    return [(*values, found.get(values[0], [])) for values in page]


def list_rows(queryset):
    """The rows of one page of the list (a sliced queryset of enterprises) with their
    partners' names, in one query on PostgreSQL whatever the page holds. Each row holds
    what the old template printed from the instance: the name (`__str__`), the stage's
    label, the QPV or « hors QPV », the NAF code and its label cut at 40 characters, the
    referent as `User.__str__` and the organisations of its orientations, newest first."""
    page = _with_partners(queryset)
    detail_url = url_maker("enterprises:detail")
    rows = []
    for pk, name, trade, siret, stage, naf_code, naf_label, qpv, first, last, email, names in page:
        rows.append(
            Row(
                pk=pk,
                url=detail_url(pk),
                name=trade or name,
                siret=siret,
                stage=stage,
                stage_label=STAGE_LABELS.get(stage, stage),
                qpv=qpv or "hors QPV",
                naf_code=naf_code,
                naf_label=_short(naf_label) if naf_code else "",
                referent=_person(first, last, email) if email is not None else "",
                partners=names,
            )
        )
    return rows


# One row of the list's table. Its markup lives here rather than in list.html: through
# the template engine, 50 rows of 11 values cost a third of the page (about 20 000
# function calls: lookup, localisation, escaping of each value); here each value is only
# escaped. The template prints the rows as they come (`rows_html`).
ROW = (
    "\n  <tr>\n"
    '    <td data-label="Entreprise"><a href="{url}">{name}</a><br>'
    '<span class="muted">SIRET {siret}</span></td>\n'
    '    <td data-label="QPV">{qpv}</td>\n'
    '    <td data-label="Étape"><span class="badge stage-{stage}">{stage_label}</span></td>\n'
    '    <td data-label="Activité" class="optional">{naf}</td>\n'
    '    <td data-label="Suivi">{follow}</td>\n'
    "  </tr>\n  "
)
NAF = '{}<br><span class="muted">{}</span>'
PARTNER = '<br><span class="muted">{}</span>'


def rows_html(rows):
    """The rows as the table's HTML, every value escaped (as the template's autoescape)."""
    return mark_safe(
        "".join(
            ROW.format(
                url=escape(row["url"]),
                name=escape(row["name"]),
                siret=escape(row["siret"]),
                qpv=escape(row["qpv"]),
                stage=escape(row["stage"]),
                stage_label=escape(row["stage_label"]),
                naf=NAF.format(escape(row["naf_code"]), escape(row["naf_label"]))
                if row["naf_code"]
                else "",
                follow=escape(row["referent"])
                + "".join(PARTNER.format(escape(name)) for name in row["partners"]),
            )
            for row in rows
        )
    )


def _widgets(form):
    return [{"id": field.id_for_label, "label": field.label, "html": str(field)} for field in form]


def filter_widgets(form, user):
    """The search field and the filters, each as its label's target, label and widget.
    With none of the form's fields in the query (no query, or only `?page=`) a
    partner's filters are the same for everyone (the « Suivi par » of staff lists
    people, so theirs are not kept): kept under the data's version with the choices
    they show (decision 011), which a change of QPVs, NAF codes or orientations moves.
    No CSRF token: the filters are a GET form."""
    if user.is_staff or any(name in form.data for name in form.fields):
        return _widgets(form)
    return versioned(FILTERS_KEY, lambda: _widgets(form))
