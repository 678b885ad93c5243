"""What decision 012 changed in the admin must show what Django's own code shows."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    items_for_result,
    result_list,
)
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import Permission
from django.db import connection
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from common.admin_filters import quick_filter
from common.admin_lists import QuickActionForm, quick_rows
from common.templatetags.quick_admin import quick_result_list
from enterprises.models import Activity, Enterprise
from partners.models import User
from tests.factories import (
    ActionFactory,
    ActivityFactory,
    AssignmentFactory,
    EnterpriseFactory,
    NafCodeFactory,
    OrganisationFactory,
    QpvFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TRICKY = 'L\'Atelier <du> "Mail" & Cie'


def _squeeze(html):
    return re.sub(r"\n\s*\n", "\n", html)


def _changelist(model, user, params=None):
    request = RequestFactory().get("/admin/", params or {})
    request.user = user
    return admin.site._registry[model].get_changelist_instance(request)


@pytest.fixture
def listed(alice):
    """Enterprises and activities with every kind of cell: empty, escaped, linked, dated."""
    qpv = QpvFactory(name="Mosson & <Paillade>")
    naf = NafCodeFactory()
    EnterpriseFactory(name=TRICKY, trade_name="", stage="reperee")
    EnterpriseFactory(name="GARAGE", trade_name="  ", qpv=qpv, naf=naf, referent=alice)
    EnterpriseFactory(name="ZÉBRE", trade_name="Zèbre & fils", tpe_status="tpe", stage="sortie")
    organisation = OrganisationFactory(name="Structure <B>")
    AssignmentFactory(enterprise=Enterprise.objects.get(name="GARAGE"), organisation=organisation)
    ActivityFactory(title=TRICKY, author=alice, organisation=organisation, duration=1500)
    ActivityFactory(kind="collectif", date=datetime.date(2024, 2, 29), action=ActionFactory())
    ActivityFactory(title="", place_type="autre")


ENTERPRISE_PARAMS = [
    {},
    {"o": "-2.3"},
    {"stage__exact": "reperee"},
    {"q": "garage", "qpv__isnull": "True"},
    {"_facets": "True"},
    {"naf__section": "G", "tpe_status__exact": "tpe"},
]
ACTIVITY_PARAMS = [{}, {"o": "3.-1"}, {"kind__exact": "collectif"}, {"_facets": "True"}]


@pytest.mark.parametrize(
    "model, params",
    [(Enterprise, p) for p in ENTERPRISE_PARAMS] + [(Activity, p) for p in ACTIVITY_PARAMS],
)
def test_rows_and_filters_are_djangos_markup(listed, staff, model, params):
    with translation.override("fr"):
        cl = _changelist(model, staff, params)
        django_rows = ["".join(items_for_result(cl, row, None)) for row in cl.result_list]
        assert quick_rows(cl) == django_rows
        for spec in cl.filter_specs:
            assert quick_filter(cl, spec) == admin_list_filter(cl, spec)


@pytest.mark.parametrize(
    "model, params",
    [(Enterprise, {"o": "2.-4"}), (Enterprise, {}), (Activity, {"o": "-3"}), (Activity, {})],
)
def test_the_whole_table_is_djangos_markup(listed, staff, model, params):
    """Header cells (sorted by one or two columns) and rows, through both templates."""
    with translation.override("fr"):
        cl = _changelist(model, staff, params)
        cl.formset = None  # as changelist_view sets it
        django = get_template("admin/change_list_results.html").render(result_list(cl))
        ours = get_template("admin/quick_change_list_results.html").render(quick_result_list(cl))
        assert ours == django and "sortoptions" in ours


def test_rows_are_written_by_django_for_popups(listed, staff):
    cl = _changelist(Enterprise, staff, {"_popup": "1", "_to_field": "id"})
    assert quick_rows(cl) is None


def test_query_strings_are_djangos(staff):
    cl = _changelist(Enterprise, staff, {"stage__exact": "reperee", "q": "a b", "o": "1"})
    for new, remove in [
        ({}, None),
        ({"qpv__id__exact": 12}, ["qpv__isnull"]),
        ({"stage__exact": None}, None),
        ({"q": "é & ?"}, ["stage"]),
        ({"naf__section": ["A", "B/C"]}, []),
        ({"flag": True}, None),  # not text: Django's own code
    ]:
        assert cl.get_query_string(new, remove) == ChangeList.get_query_string(cl, new, remove)


def test_the_action_form_is_djangos_markup():
    for choices in (
        [("", "---------"), ("export", "Exporter <la> sélection & plus")],
        [("", "---------"), ("export", "Exporter <la> sélection & plus")],  # remembered
        [("", "---------"), ("delete", "Supprimer")],
    ):
        ours, django = QuickActionForm(auto_id=None), ActionForm(auto_id=None)
        ours.fields["action"].choices = django.fields["action"].choices = choices
        for name in ("action", "select_across"):
            assert _squeeze(str(ours[name])) == _squeeze(str(django[name]))
        assert choices[1][0] in str(ours["action"])


def _djangos_sidebar(context):
    source = Path(admin.__file__).parent / "templates" / "admin" / "nav_sidebar.html"
    return Template(source.read_text()).render(context)


@pytest.mark.parametrize("path", ["/admin/", "/admin/enterprises/activity/", "/admin/partners/"])
def test_the_sidebar_is_djangos_markup(staff, alice, path):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_activity"))
    for user in (staff, User.objects.get(pk=viewer.pk)):
        request = RequestFactory().get(path)
        request.user = user
        apps = admin.site.get_app_list(request)
        context = Context({"available_apps": apps, "request": request})
        ours = Template("{% include 'admin/nav_sidebar.html' %}").render(context)
        assert ours == _djangos_sidebar(context)
        assert ("current-model" in ours) == (path == "/admin/enterprises/activity/")


def test_the_model_list_follows_permissions(alice):
    def models(user):
        request = RequestFactory().get("/admin/")
        request.user = User.objects.get(pk=user.pk)  # each request reads the user again
        return {
            m["object_name"]: m for app in admin.site.get_app_list(request) for m in app["models"]
        }

    viewer = UserFactory(is_staff=True)
    assert "Activity" not in models(viewer)
    viewer.user_permissions.add(Permission.objects.get(codename="view_activity"))
    activity = models(viewer)["Activity"]
    assert activity["view_only"] and activity["add_url"] is None
    viewer.user_permissions.add(Permission.objects.get(codename="add_activity"))
    assert models(viewer)["Activity"]["add_url"] == reverse("admin:enterprises_activity_add")


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_changelists_query_count_does_not_grow_with_the_rows(client, staff, alice):
    author, organisation = UserFactory(), OrganisationFactory()
    qpv, naf = QpvFactory(), NafCodeFactory()
    client.force_login(staff)
    enterprises = reverse("admin:enterprises_enterprise_changelist")
    activities = reverse("admin:enterprises_activity_changelist")
    counts = []
    for total in (10, 200):
        for n in range(Enterprise.objects.count(), total):
            EnterpriseFactory(qpv=qpv, naf=naf, referent=alice if n % 2 else author)
        Activity.objects.bulk_create(
            Activity(
                kind="individuel",
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 40),
                duration=30,
                place_type="domicile",
                author=alice if n % 2 else author,
                organisation=organisation,
            )
            for n in range(Activity.objects.count(), total)
        )
        counts.append((_queries(client, enterprises), _queries(client, activities)))
    assert counts[0] == counts[1]


def test_filter_choices_follow_the_data(client, staff, listed):
    client.force_login(staff)
    enterprises = reverse("admin:enterprises_enterprise_changelist")
    activities = reverse("admin:enterprises_activity_changelist")
    client.get(enterprises), client.get(activities)
    newcomer = OrganisationFactory(name="Structure toute neuve")
    assert "Structure toute neuve" in client.get(activities).content.decode()
    assert "Structure toute neuve" not in client.get(enterprises).content.decode()
    AssignmentFactory(organisation=newcomer)  # an assignment moves the version
    assert "Structure toute neuve" in client.get(enterprises).content.decode()
