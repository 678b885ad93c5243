"""Admin changelists of large tables: rows written in Python, narrowed columns, filter
choices under the data's version (decision 012).

Django writes each cell of a changelist through `items_for_result`: a field lookup,
a `format_html`, an empty-value check, and for the link column a `reverse` and a parse
of the preserved filters, about 0.2 ms a row of eight columns. `quick_rows` writes the
same markup (a test compares both, row by row) with what does not change from one row
to the next worked out once per page: each column's field, classes and choices, the
change link's prefix. Columns it does not know (a ModelAdmin method other than the
action checkbox, a property), list_editable and popups go through Django's code."""

import functools
import re
from html import escape as html_escape
from urllib.parse import quote_plus

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from common.admin_filters import load_filter_choices
from common.admin_rows import read_rows
from common.widgets import QuickSelect, _attributes

# Written as they are, without a lookup of the field's type for each value.
PLAIN_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.SlugField)
HTML_SPECIAL = re.compile("[&<>\"']")  # what html.escape (quote=True) replaces
MAX_MEMO = 256  # per-process memos start again empty past this many entries
PK_MARK = "QUICKPK"  # letters only: a reverse, a URL split and escape leave it as it is


@functools.lru_cache(maxsize=4096)
def _quote_plus(text):
    """quote_plus of a filter's parameter name or value: the same few on every page."""
    return quote_plus(text)


def _escape(value):
    """conditional_escape, without its lazy-argument wrapper for the common case: plain
    text is escaped as Django's `escape` does (html.escape), anything else goes through
    conditional_escape (safe strings kept, objects and lazy text turned into text)."""
    if type(value) is str:
        return html_escape(value) if HTML_SPECIAL.search(value) else value
    return conditional_escape(value)


def _text_cell(field, empty):
    """display_for_field for a text field: the value, or the empty mark."""

    def show(value):
        if value is None or value.strip() == "":
            return empty
        return value

    return show


def _choice_cell(field, empty):
    """display_for_field for a field with choices: the label, read from a dict made once."""
    labels = dict(field.flatchoices)

    def show(value):
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return labels.get(value, empty)

    return show


def _foreign_cell(field, empty):
    """A foreign key's cell: the related object's text, or the empty mark."""

    def show(value):
        return empty if value is None else value

    return show


def _other_cell(field, empty, avoid_link):
    """Django's display_for_field, computed once per distinct value (dates, numbers)."""
    seen = {}

    def show(value):
        if isinstance(value, str) and value.strip() == "":
            value = ""
        try:
            return seen[value]
        except KeyError:
            shown = seen[value] = display_for_field(value, field, empty, avoid_link)
            return shown
        except TypeError:  # not hashable
            return display_for_field(value, field, empty, avoid_link)

    return show


def _columns(cl):
    """For each column: (name, kind, show, opening tag, closing tag, link), or None when
    a column is one Django's code must write."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    links = cl.list_display_links
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        if links is None:
            link = False
        elif first and not links:
            link = True
        else:
            link = name in links
        if name == "action_checkbox":
            if link:
                return None
            columns.append((name, "checkbox", None, '<td class="action-checkbox">', "</td>", False))
            continue
        if not isinstance(name, str):
            return None
        try:
            field = cl.lookup_opts.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.auto_created or field.many_to_many or name != field.name:
            return None
        classes = [f"field-{_coerce_field_name(name, index)}"]
        if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
            classes.append("nowrap")
        if isinstance(field.remote_field, models.ManyToOneRel):
            show = _foreign_cell(field, empty)
        elif getattr(field, "flatchoices", None):
            try:
                show = _choice_cell(field, empty)
            except TypeError:  # list-like choices: Django's own path
                show = _other_cell(field, empty, link)
        elif type(field) in PLAIN_TEXT_FIELDS:
            show = _text_cell(field, empty)
        else:
            show = _other_cell(field, empty, link)
        tag = "td"
        if link:
            tag = "th" if first else "td"
            first = False
        opening = f'<{tag} class="{" ".join(classes)}">'
        columns.append((name, "field", show, opening, f"</{tag}>", link))
    return columns


def _change_url(cl):
    """A function giving a row's change link as Django writes it (preserved filters
    included, escaped), from a link reversed once; None when there is no change view."""
    try:
        marked = cl.url_for_result(_Marked())
    except NoReverseMatch:
        return None
    marked = escape(
        add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, marked)
    )
    prefix, _, suffix = marked.partition(PK_MARK)

    def url(result):
        pk = getattr(result, cl.pk_attname)
        if type(pk) is int:
            return prefix + str(pk) + suffix
        return escape(  # any other key: Django's own quoting
            add_preserved_filters(
                {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
                cl.url_for_result(result),
            )
        )

    return url


class _Marked:
    """Stands for a row while the change link is reversed once."""

    def __getattr__(self, name):
        return PK_MARK


def quick_rows(cl):
    """The HTML of each row of a changelist page (its cells), exactly as Django's
    `results(cl)` writes them; None when a column is not one this knows, when rows are
    edited in place or the list is a popup (Django's own rows are then used)."""
    editable = getattr(cl, "formset", None)  # set by changelist_view
    columns = None if (editable or cl.is_popup or cl.to_field) else _columns(cl)
    if columns is None:
        return None
    url = _change_url(cl) if any(column[5] for column in columns) else None
    model_admin = cl.model_admin
    writer = getattr(model_admin, "action_checkbox_writer", None)
    checkbox = writer() if writer is not None else model_admin.action_checkbox
    rows = []
    for result in cl.result_list:
        cells = []
        for name, kind, show, opening, closing, link in columns:
            if kind == "checkbox":
                shown = conditional_escape(checkbox(result))
            else:
                shown = _escape(show(getattr(result, name)))
            if link and url is not None:
                shown = f'<a href="{url(result)}">{shown}</a>'
            cells.append(opening + shown + closing)
        rows.append(mark_safe("".join(cells)))
    return rows


class _QuickHiddenInput(forms.HiddenInput):
    """Django's HiddenInput, same markup (django/forms/widgets/input.html), in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
            f"{_attributes(widget['attrs'])}>"
        )


_rendered_selects = {}


class _RememberedSelect(QuickSelect):
    """QuickSelect kept per process under everything it writes (name, value, attributes,
    choices): a changelist's action select is the same on every page of it."""

    def render(self, name, value, attrs=None, renderer=None):
        try:
            key = (
                name,
                str(value),
                tuple(sorted({**self.attrs, **(attrs or {})}.items())),
                tuple((str(v), str(label)) for v, label in self.choices),
            )
            hash(key)
        except (TypeError, ValueError):
            return super().render(name, value, attrs, renderer)
        html = _rendered_selects.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_rendered_selects) >= MAX_MEMO:
                _rendered_selects.clear()
            _rendered_selects[key] = html
        return html


class QuickActionForm(helpers.ActionForm):
    """The changelist's action form, its select and hidden input written in Python (the
    same markup as Django's widgets, compared by a test)."""

    action = forms.ChoiceField(label=gettext_lazy("Action:"), widget=_RememberedSelect)
    select_across = forms.BooleanField(
        label="",
        required=False,
        initial=0,
        widget=_QuickHiddenInput({"class": "select-across"}),
    )


_rendered_media = {}


class QuickMedia:
    """The changelist's media for {{ media.js }} and {{ media.css }}: Django merges the
    lists of scripts (a topological sort) and resolves each static URL on every page;
    the result depends only on those lists of paths, kept per process (any other kind
    of asset is rendered each time)."""

    def __init__(self, media):
        self.media = media

    def __getitem__(self, name):
        lists = getattr(self.media, f"_{name}_lists")
        key = (name, repr(lists)) if _only_paths(lists) else None
        html = _rendered_media.get(key) if key else None
        if html is None:
            html = str(self.media[name])
            if key:
                if len(_rendered_media) >= MAX_MEMO:
                    _rendered_media.clear()
                _rendered_media[key] = html
        return html

    def __str__(self):
        return str(self.media)

    def __html__(self):
        return self.media.__html__()


def _only_paths(lists):
    """Whether a media's lists hold only paths, which their repr says all about."""
    for entry in lists:
        paths = [p for group in entry.values() for p in group] if isinstance(entry, dict) else entry
        if not all(type(path) is str for path in paths):
            return False
    return True


def quick_headers(headers, num_sorted_fields):
    """The table's header cells as change_list_results.html writes them from Django's
    `result_headers` (its loop of nine nodes a column), whitespace included."""
    remove = conditional_escape(gettext("Remove from sorting"))
    toggle = conditional_escape(gettext("Toggle sorting"))
    cells = []
    for header in headers:
        text = header["text"]
        shown = capfirst(str(text))
        shown = mark_safe(shown) if isinstance(text, SafeData) else html_escape(shown)
        options = ""
        if header["sortable"] and header.get("sort_priority", 0) > 0:
            priority = ""
            if num_sorted_fields > 1:
                title = gettext("Sorting priority: %(priority_number)s") % {
                    "priority_number": header["sort_priority"]
                }
                priority = (
                    f'<span class="sortpriority" title="{title}">{header["sort_priority"]}</span>'
                )
            order = "ascending" if header["ascending"] else "descending"
            options = (
                '\n       <div class="sortoptions">\n'
                f'         <a class="sortremove" href="{html_escape(header["url_remove"])}"'
                f' title="{remove}"></a>\n'
                f"         {priority}\n"
                f'         <a href="{html_escape(header["url_toggle"])}" class="toggle {order}"'
                f' title="{toggle}"></a>\n'
                "       </div>\n   "
            )
        if header["sortable"]:
            label = f'<a href="{html_escape(header["url_primary"])}">{shown}</a>'
        else:
            label = f"<span>{shown}</span>"
        cells.append(
            f'\n<th scope="col"{header["class_attrib"]}>\n   {options}\n'
            f'   <div class="text">{label}</div>\n   <div class="clear"></div>\n</th>'
        )
    return mark_safe("".join(cells))


class QuickChangeList(ChangeList):
    """Reads the page's rows with only the columns the list shows (`list_only` of the
    ModelAdmin); the actions' querysets, the count and the change pages read every
    column as before (a deferred column would cost a query each time it is read)."""

    def get_query_string(self, new_params=None, remove=None):
        """Django's, with the quoting of each name and value remembered: the filters ask
        for one query string per choice. Values other than text and lists of text (and
        integers) go through Django's code."""
        p = self.filter_params.copy()
        for r in remove or ():
            for k in list(p):
                if k.startswith(r):
                    del p[k]
        for k, v in (new_params or {}).items():
            if v is None:
                if k in p:
                    del p[k]
            else:
                p[k] = v
        pairs = []
        for key, value in sorted(p.items()):
            if type(key) is not str:
                return super().get_query_string(new_params, remove)
            if type(value) in (str, int):
                values = (value,)
            elif type(value) in (list, tuple) and all(type(v) in (str, int) for v in value):
                values = value
            else:
                return super().get_query_string(new_params, remove)
            quoted = _quote_plus(key)
            pairs.extend(f"{quoted}={_quote_plus(str(v))}" for v in values)
        return "?" + "&".join(pairs)

    def get_filters(self, request):
        load_filter_choices(self, request, super().get_filters)
        return super().get_filters(request)

    def get_results(self, request):
        only = getattr(self.model_admin, "list_only", None)
        queryset = self.queryset
        if only:
            self.queryset = queryset.only(*only)
        try:
            super().get_results(request)
        finally:
            self.queryset = queryset
        # The page's rows as values (common/admin_rows.py); list_editable's formset
        # needs the queryset itself.
        if only and not self.list_editable:
            rows = read_rows(self.result_list, only)
            if rows is not None:
                self.result_list = rows


class QuickChangeListMixin:
    """For a ModelAdmin: QuickChangeList, rows from `quick_rows` in its change_list.html
    ({% quick_result_list cl %}, common/templatetags/quick_admin.py), and each row's
    action checkbox written directly (Django renders it through the form templates,
    about a millisecond a row): the same markup, a test compares them."""

    list_only = None  # the fields the rows read: list_display's and what their __str__ reads
    action_form = QuickActionForm

    def get_changelist(self, request, **kwargs):
        return QuickChangeList

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and isinstance(context.get("media"), forms.Media):
            context["media"] = QuickMedia(context["media"])
        return response

    def action_checkbox_writer(self):
        """A function writing a row's checkbox; the label's translation read once a page."""
        name = escape(helpers.ACTION_CHECKBOX_NAME)
        label = gettext("Select this object for an action - {}")

        def write(obj):
            value, text = _escape(str(obj.pk)), label.format(_escape(str(obj)))
            return mark_safe(
                f'<input type="checkbox" name="{name}" value="{value}" class="action-select"'
                f' aria-label="{text}">'
            )

        return write

    def action_checkbox(self, obj):
        return self.action_checkbox_writer()(obj)
