"""Admin template tags writing Django's markup with less work per page (decision 012)."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    pagination,
    paginator_number,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from common import admin_site
from common.admin_filters import quick_filter
from common.admin_lists import quick_headers, quick_rows

register = template.Library()


def quick_result_list(cl):
    """What Django's `result_list` gives change_list_results.html, and `rows_html` and
    `headers_html`: the table's rows from `quick_rows` and its header cells, joined as
    Django's template joins them (its loops cost 0.1 ms a row); None with Django's rows."""
    headers = list(result_headers(cl))
    num_sorted_fields = sum(1 for h in headers if h["sortable"] and h["sorted"])
    rows = quick_rows(cl)
    rows_html = headers_html = None
    if rows is None:
        rows = list(results(cl))
    else:
        rows_html = mark_safe("".join(f"\n\n<tr>{row}</tr>\n" for row in rows))
        headers_html = quick_headers(headers, num_sorted_fields)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": num_sorted_fields,
        "results": rows,
        "rows_html": rows_html,
        "headers_html": headers_html,
    }


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    """{% quick_result_list cl %}: Django's {% result_list cl %}; its template,
    quick_change_list_results.html, is Django's change_list_results.html printing
    `rows_html` when there is one."""
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="quick_change_list_results.html",
        takes_context=False,
    )


@register.simple_tag(takes_context=True)
def nav_app_list(context):
    """The sidebar's list of apps (admin/app_list.html), kept per process by its content."""
    app_list_template = context.template.engine.get_template("admin/app_list.html")
    return admin_site.nav_app_list(app_list_template, context)


@register.simple_tag
def quick_admin_list_filter(cl, spec):
    """Django's {% admin_list_filter cl spec %} (admin/filter.html), written in Python."""
    html = quick_filter(cl, spec)
    return admin_list_filter(cl, spec) if html is None else html


@register.simple_tag(takes_context=True)
def quick_admin_actions(context):
    """Django's {% admin_actions %} (admin/actions.html, its blocks not overridden by
    quick_change_list.html's models), written in Python: the same markup, whitespace
    included (a test compares both), without a template's twenty nodes."""
    action_index = context["action_index"] = context.get("action_index", -1) + 1
    fields = "".join(
        f"<label>{conditional_escape(field.label)} {conditional_escape(field)}</label>"
        if field.label
        else conditional_escape(field)
        for field in context["action_form"]
    )
    counter = ""
    if context.get("actions_selection_counter"):
        cl = context["cl"]
        shown = len(cl.result_list)
        note = render_value_in_context(context.get("selection_note", ""), context)
        counter = (
            f'\n        <span class="action-counter" data-actions-icnt="{shown}">'
            f"{note}</span>\n        "
        )
        if cl.result_count != shown:
            select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                "total_count": render_value_in_context(cl.result_count, context),
                "module_name": render_value_in_context(context.get("module_name", ""), context),
            }
            counter += (
                '\n        <span class="all hidden">'
                f"{render_value_in_context(context.get('selection_note_all', ''), context)}"
                '</span>\n        <span class="question hidden">\n'
                '            <a role="button" href="#" title="'
                f'{_translated("Click here to select the objects across all pages")}">'
                f"{select_all}</a>\n        </span>\n"
                '        <span class="clear hidden"><a role="button" href="#">'
                f"{_translated('Clear selection')}</a></span>\n        "
            )
        counter += "\n    "
    return mark_safe(
        '\n<div class="actions">\n  \n    \n    '
        f"{fields}\n    \n    \n"
        f'    <button type="submit" class="button" title="{_translated("Run the selected action")}"'
        f' name="index" value="{render_value_in_context(action_index or 0, context)}">'
        f"{_translated('Go')}</button>\n    \n    \n    {counter}\n    \n  \n</div>\n"
    )


def _translated(message):
    """What {% translate "message" %} writes: a template's literal is safe text, so is
    its translation (not escaped: « Fil d'Ariane » keeps its apostrophe)."""
    return mark_safe(gettext(message))


@register.simple_tag(takes_context=True)
def quick_pagination(context, cl):
    """Django's {% pagination cl %} (admin/pagination.html), written in Python: the same
    markup, whitespace included (a test compares both), each page's link still from
    Django's `paginator_number`."""
    data = pagination(cl)
    parts = ['\n\n<p class="paginator">\n']
    if data["pagination_required"]:
        pages = "".join(f"\n    {paginator_number(cl, i)}\n" for i in data["page_range"])
        parts.append(f"\n{pages}\n")
    name = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    parts.append(
        f"\n{render_value_in_context(cl.result_count, context)} "
        f"{render_value_in_context(name, context)}\n"
    )
    if data["show_all_url"]:
        url = render_value_in_context(data["show_all_url"], context)
        parts.append(f'<a href="{url}" class="showall">{_translated("Show all")}</a>')
    parts.append("\n")
    if cl.formset and cl.result_count:
        parts.append(
            f'<input type="submit" name="_save" class="default" value="{_translated("Save")}">'
        )
    parts.append("\n</p>\n")
    return mark_safe("".join(parts))


_chromes = {}
CHROME_TEXTS = {
    "skip_to_main_content": "Skip to main content",
    "welcome": "Welcome,",
    "view_site": "View site",
    "documentation": "Documentation",
    "change_password": "Change password",
    "log_out": "Log out",
    "breadcrumbs": "Breadcrumbs",
    "home": "Home",
}


@register.simple_tag(takes_context=True)
def quick_admin_chrome(context):
    """What templates/admin/base.html (Django's) asks of {% url %}, {% translate %} and
    the theme toggle's include on every admin page: four reversals (one failing, for
    admindocs), a dozen translations. They depend only on the language, the script
    prefix, the URLconf and the admin's namespace: kept per process under those."""
    current_app = _current_app(context)
    key = (get_language(), get_script_prefix(), get_urlconf(), current_app)
    chrome = _chromes.get(key)
    if chrome is None:
        chrome = {name: _translated(text) for name, text in CHROME_TEXTS.items()}
        for name, view in [
            ("password_change_url", "admin:password_change"),
            ("logout_url", "admin:logout"),
            ("index_url", "admin:index"),
            ("docsroot", "django-admindocs-docroot"),
        ]:
            try:
                chrome[name] = reverse(view, current_app=current_app)
            except NoReverseMatch:
                chrome[name] = ""
        toggle = context.template.engine.get_template("admin/color_theme_toggle.html")
        chrome["color_theme_toggle"] = toggle.render(Context(autoescape=context.autoescape))
        if len(_chromes) >= 64:
            _chromes.clear()
        _chromes[key] = chrome
    return chrome


def _current_app(context):
    """The namespace {% url %} reverses in (URLNode's rule)."""
    request = context.get("request")
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


@register.simple_tag(takes_context=True)
def quick_object_tools(context):
    """Django's {% change_list_object_tools %} (admin/change_list_object_tools.html, the
    « Add » link), written in Python: the same markup (a test compares both)."""
    tools = "\n"
    if context.get("has_add_permission"):
        opts = context["cl"].opts
        try:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_add", current_app=_current_app(context)
            )
        except NoReverseMatch:
            url = ""
        url = add_preserved_filters(context, url, context.get("is_popup"), context.get("to_field"))
        label = gettext("Add %(name)s") % {
            "name": render_value_in_context(opts.verbose_name, context)
        }
        tools = (
            f'\n  <li>\n    \n    <a href="{conditional_escape(url)}" class="addlink">\n'
            f"      {label}\n    </a>\n  </li>\n  \n"
        )
    return mark_safe(f"\n\n\n  {tools}\n")
