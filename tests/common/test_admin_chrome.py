"""The admin's chrome written in Python (decision 012) is Django's markup."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.common.test_admin_lists import listed  # noqa: F401

pytestmark = pytest.mark.django_db
DJANGO_ACTIONS = Template("{% load admin_list %}{% admin_actions %}{% admin_actions %}")
QUICK_ACTIONS = Template("{% load quick_admin %}{% quick_admin_actions %}{% quick_admin_actions %}")


def _context_data(client, staff, name, params=None):
    client.force_login(staff)
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200
    return dict(response.context_data)


@pytest.mark.parametrize(
    "name", ["admin:enterprises_enterprise_changelist", "admin:enterprises_activity_changelist"]
)
@pytest.mark.parametrize("variant", ["page", "more pages", "no counter", "chosen", "english"])
def test_the_actions_are_djangos_markup(client, staff, listed, name, variant):  # noqa: F811
    data = _context_data(client, staff, name)
    if variant == "more pages":
        data["cl"].result_count = 1234
        data["selection_note_all"] = "Tous les 1234 <sélectionnés>"
    elif variant == "no counter":
        data["actions_selection_counter"] = False
    elif variant == "chosen":
        form = type(data["action_form"])({"action": "delete_selected", "select_across": "1"})
        form.fields["action"].choices = data["action_form"].fields["action"].choices
        data["action_form"] = form
    with translation.override("en" if variant == "english" else "fr"):
        django = DJANGO_ACTIONS.render(Context(dict(data)))
        ours = QUICK_ACTIONS.render(Context(dict(data)))
    assert ours == django
    assert 'value="1"' in ours  # the second block counts itself
    assert ("sélectionner tous les objets" in ours) == (variant == "more pages")


DJANGO_PAGINATION = Template("{% load admin_list %}{% pagination cl %}")
QUICK_PAGINATION = Template("{% load quick_admin %}{% quick_pagination cl %}")


@pytest.mark.parametrize("params", [{}, {"p": "2"}, {"p": "8"}, {"p": "15"}, {"all": ""}, "one"])
def test_the_pagination_is_djangos_markup(client, staff, listed, monkeypatch, params):  # noqa: F811
    from django.contrib import admin

    from enterprises.models import Enterprise
    from tests.factories import EnterpriseFactory

    one = params == "one"
    if one:
        Enterprise.objects.exclude(pk=Enterprise.objects.order_by("pk")[0].pk).delete()
        params = {}
    else:
        EnterpriseFactory.create_batch(12)  # 15 pages of one: an ellipsis on each side
        monkeypatch.setattr(admin.site._registry[Enterprise], "list_per_page", 1)
    data = _context_data(client, staff, "admin:enterprises_enterprise_changelist", params)
    with translation.override("fr"):
        django = DJANGO_PAGINATION.render(Context(dict(data)))
        ours = QUICK_PAGINATION.render(Context(dict(data)))
    assert ours == django
    assert ours.count("…") == (2 if params == {"p": "8"} else 0 if one or "all" in params else 1)
    assert ("this-page" in ours) == (not one and "all" not in params)


def _djangos_base():
    from pathlib import Path

    import django
    from django.template import engines

    path = Path(django.__file__).parent / "contrib/admin/templates/admin/base.html"
    return engines["django"].engine.from_string(path.read_text())


@pytest.mark.parametrize(
    "name, args",
    [
        ("admin:index", []),
        ("admin:enterprises_enterprise_changelist", []),
        ("admin:enterprises_activity_changelist", []),
        ("admin:password_change", []),
        ("admin:app_list", ["enterprises"]),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_admin_base_is_djangos_markup(client, staff, listed, name, args, language):  # noqa: F811
    """templates/admin/base.html with its chrome from {% quick_admin_chrome %} writes what
    Django's admin/base.html writes (the CSRF token differs on every rendering)."""
    import re

    from django.template import RequestContext
    from django.template.loader import get_template

    client.force_login(staff)
    with translation.override(language):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200
        rendered = []
        for template in (_djangos_base(), get_template("admin/base.html").template):
            context = RequestContext(response.wsgi_request, dict(response.context_data))
            html = template.render(context)
            rendered.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html))
    assert rendered[1] == rendered[0]
    assert "logout-form" in rendered[1] and 'class="theme-toggle"' in rendered[1]


DJANGO_TOOLS = Template("{% load admin_list %}{% change_list_object_tools %}")
QUICK_TOOLS = Template("{% load quick_admin %}{% quick_object_tools %}")


@pytest.mark.parametrize("variant", ["add", "filtered", "no add", "english"])
def test_the_object_tools_are_djangos_markup(client, staff, listed, variant):  # noqa: F811
    params = {"stage__exact": "reperee", "q": "a & b"} if variant == "filtered" else {}
    data = _context_data(client, staff, "admin:enterprises_enterprise_changelist", params)
    if variant == "no add":
        data["has_add_permission"] = False
    with translation.override("en" if variant == "english" else "fr"):
        django = DJANGO_TOOLS.render(Context(dict(data)))
        ours = QUICK_TOOLS.render(Context(dict(data)))
    assert ours == django
    assert ("addlink" in ours) == (variant != "no add")
    assert ("_changelist_filters" in ours) == (variant == "filtered")


def test_the_enterprises_changelist_keeps_its_import_button(client, staff, listed):  # noqa: F811
    client.force_login(staff)
    page = client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    tools = page.split('<ul class="object-tools">')[1].split("</ul>")[0]
    assert tools.index("Importer un fichier") < tools.index("Ajouter entreprise")
    assert tools.count("<li>") == 2
