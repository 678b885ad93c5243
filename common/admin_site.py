"""The admin site: the list of models built once per set of permissions (decision 012).

Django's admin builds the list of every registered model (four permission checks and two
`reverse` each, about fifty models) on every admin page for the navigation sidebar, then
renders it through a template: about 5 ms of a changelist, more than the rows of many
pages. Both depend only on the registry, the user's permissions, the language and the
script prefix, never on the data: they are kept per process under exactly those."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.defaultfilters import urlencode
from django.urls import get_script_prefix
from django.utils.translation import get_language

# Bounds of the per-process memos: a new set of permissions or a new page kind is one more
# entry; past the bound they start again empty (a few ms once).
MAX_ENTRIES = 256


def permissions_key(user):
    """What Django's permission checks read of the user: every ModelAdmin's has_*_permission
    here asks `user.has_perm` or `user.is_staff`, nothing else (a new override that reads
    anything else must add it here). A superuser has every permission without a query;
    others' permissions are the set Django's checks read anyway (cached on the user)."""
    if not user.is_active:
        return None
    perms = "*" if user.is_superuser else frozenset(user.get_all_permissions())
    return (user.is_staff, perms)


class ParcoursAdminSite(admin.AdminSite):
    """Django's admin site whose list of apps and models is kept per process under the
    user's permissions (`permissions_key`), the language, the script prefix and the
    registry's generation (a registration in a test changes it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._generation = 0
        self._app_lists = {}

    def register(self, *args, **kwargs):
        self._generation += 1
        return super().register(*args, **kwargs)

    def unregister(self, *args, **kwargs):
        self._generation += 1
        return super().unregister(*args, **kwargs)

    def get_app_list(self, request, app_label=None):
        user_key = permissions_key(request.user)
        if app_label is not None or user_key is None:
            return super().get_app_list(request, app_label)
        key = (user_key, get_script_prefix(), get_language(), self._generation)
        app_list = self._app_lists.get(key)
        if app_list is None:
            app_list = super().get_app_list(request)
            if len(self._app_lists) >= MAX_ENTRIES:
                self._app_lists.clear()
            self._app_lists[key] = app_list
        # Copies: a caller may sort or change them (Django's own views do not).
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in app_list]


class ParcoursAdminConfig(AdminConfig):
    """django.contrib.admin (INSTALLED_APPS) with ParcoursAdminSite as `admin.site`."""

    default_site = "common.admin_site.ParcoursAdminSite"


_sidebars = {}


def nav_app_list(template, context):
    """The navigation sidebar's list of apps, as `{% include 'admin/app_list.html' with
    app_list=available_apps show_changelinks=False %}` renders it, kept per process under
    everything that template reads: each app's and model's names and links, which of them
    the current path is in, and the language. It holds no CSRF token, no message and
    nothing of another user (two users share an entry only when their lists are equal)."""
    app_list = context.get("available_apps") or []
    request = context.get("request")
    path = urlencode(request.path) if request is not None else ""
    key = (
        get_language(),
        tuple(
            (
                app["app_label"],
                str(app["name"]),
                app["app_url"],
                app["app_url"] in path,
                tuple(
                    (
                        model["object_name"],
                        str(model["name"]),
                        model["admin_url"],
                        model["add_url"],
                        model["admin_url"] is not None and model["admin_url"] in path,
                    )
                    for model in app["models"]
                ),
            )
            for app in app_list
        ),
    )
    html = _sidebars.get(key)
    if html is None:
        with context.push(app_list=app_list, show_changelinks=False):
            html = template.render(context)
        if len(_sidebars) >= MAX_ENTRIES:
            _sidebars.clear()
        _sidebars[key] = html
    return html
