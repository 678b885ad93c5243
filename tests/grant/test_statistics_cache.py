"""« Mes statistiques » and « Pilotage » read what they keep under the data's version:
the same page, fewer queries, a query count that does not grow with the data, and every
change of the data shown at the next visit."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.data_version import versioned_many
from grant.dashboard import DashboardFilters

from ..factories import (
    ActionFactory,
    ActivityFactory,
    AssignmentFactory,
    EnterpriseFactory,
    OrganisationFactory,
    QpvFactory,
    text,
)

pytestmark = pytest.mark.django_db


def log(author, enterprises=(), **fields):
    activity = ActivityFactory(author=author, date=timezone.localdate(), **fields)
    for enterprise in enterprises:
        activity.participations.create(enterprise=enterprise)
    return activity


def visit(client, name="grant:my_statistics", **params):
    """The page as read (its CSRF token, new at each response, left out) and its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text(response)), queries


def test_my_statistics_show_my_figures_and_not_another_conseillers(client, alice, charlie):
    quartier = QpvFactory(name="Quartier du Test")
    log(alice, [EnterpriseFactory(qpv=quartier), EnterpriseFactory(qpv=None)], kind="collectif")
    log(alice, duration=90, anonymous_count=2, kind="collectif")
    log(charlie, [EnterpriseFactory()], duration=600)
    client.force_login(alice)
    page, _ = visit(client)
    for figure in (
        "<dt>Activités</dt><dd>2</dd>",
        "<dt>Entreprises rencontrées</dt><dd>2</dd>",
        "<dt>Heures</dt><dd>2,3</dd>",
        "<dt>Ateliers collectifs</dt><dd>2</dd>",
        "<dt>Participants aux ateliers</dt><dd>2 + 2 anonymes</dd>",
        "Quartier du Test : 1",
        "hors QPV : 1",
    ):
        assert figure in page
    client.force_login(charlie)
    page, _ = visit(client)
    assert "<dt>Activités</dt><dd>1</dd>" in page and "<dt>Heures</dt><dd>10,0</dd>" in page


def test_my_statistics_come_from_the_cache_until_an_activity_is_saved(client, alice):
    log(alice, [EnterpriseFactory()])
    client.force_login(alice)
    first, computed = visit(client)
    again, cached = visit(client)
    assert again == first
    assert len(cached) < len(computed)
    assert not [q for q in cached.captured_queries if "enterprises_activity" in q["sql"]]
    log(alice)
    page, _ = visit(client)
    assert "<dt>Activités</dt><dd>2</dd>" in page
    other_period, _ = visit(client, start="2020-01-01", end="2020-12-31")
    assert "<dt>Activités</dt><dd>0</dd>" in other_period


def test_my_statistics_run_as_many_queries_for_200_activities_as_for_10(client, alice):
    client.force_login(alice)

    def queries(n):
        enterprise = EnterpriseFactory()
        for _ in range(n):
            log(alice, [enterprise])
        computed = len(visit(client)[1])
        return computed, len(visit(client)[1])

    assert queries(10) == queries(190)


def test_an_organisations_statistics_are_kept_apart_from_its_members(client, org_admin, alice):
    log(alice, [EnterpriseFactory()], organisation=alice.memberships.get().organisation)
    client.force_login(org_admin)
    mine, _ = visit(client)
    organisation = org_admin.memberships.get().organisation
    theirs = text(client.get(reverse("grant:organisation_statistics", args=[organisation.pk])))
    assert "<dt>Activités</dt><dd>0</dd>" in mine
    assert "<dt>Activités</dt><dd>1</dd>" in theirs


def test_pilotage_filters_are_written_as_the_form_writes_them(client, staff, reference_data):
    """The options from the cache, and the fields' HTML kept: the same markup as the
    form writes with its fields' own choices read from the database."""
    AssignmentFactory(organisation=OrganisationFactory(name="Partenaire <&> « test »"))
    action = ActionFactory(name="Action « une »")
    client.force_login(staff)
    for params in ({}, {"action": action.pk, "start": "2024-01-01"}, {"qpv": "999999"}):
        for _ in range(2):  # rendered, then from the cache
            page = client.get(reverse("grant:pilotage"), params).content.decode()
            form = DashboardFilters({k: str(v) for k, v in params.items()} or None)
            for field in form.fields.values():
                if hasattr(field, "queryset"):
                    field.widget.choices = field.choices  # read from the database
            expected = render_to_string("grant/pilotage_filters.html", {"form": form})
            assert f'<div class="filter-grid">{expected}</div>' in page
            if "action" in params:
                assert f'<option value="{action.pk}" selected>' in page


def test_pilotage_shows_a_new_option_at_the_next_visit_without_reading_them_meanwhile(
    client, staff, reference_data
):
    client.force_login(staff)
    client.get(reverse("grant:pilotage"))
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("grant:pilotage"))
    tables = ("programme_qpv", "programme_action", "partners_organisation", "grant_convention")
    assert not [q for q in cached.captured_queries if any(t in q["sql"] for t in tables)]
    AssignmentFactory(organisation=OrganisationFactory(name="Nouvelle structure"))
    assert "Nouvelle structure</option>" in client.get(reverse("grant:pilotage")).content.decode()


def test_pilotage_runs_as_many_queries_for_200_activities_as_for_10(client, staff, reference_data):
    client.force_login(staff)

    def queries(n):
        for _ in range(n):
            ActivityFactory(date=datetime.date(2023, 3, 1))
        client.get(reverse("grant:pilotage"))  # computes the figures
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("grant:pilotage")).status_code == 200
        return len(captured)

    assert queries(10) == queries(190)


def test_versioned_many_computes_once_and_survives_a_cache_that_fails(monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return "valeur"

    assert versioned_many({"test:a": compute})[1] == {"test:a": "valeur"}
    assert versioned_many({"test:a": compute})[1] == {"test:a": "valeur"}
    assert len(calls) == 1

    from common import data_version

    class Down:
        def get_many(self, keys):
            raise ConnectionError

        set_many = get_many

    monkeypatch.setattr(data_version, "cache", Down())
    assert versioned_many({"test:a": compute})[1] == {"test:a": "valeur"}
    assert len(calls) == 2

    def no_version():
        raise ConnectionError

    monkeypatch.setattr(data_version, "current_version", no_version)
    assert versioned_many({"test:a": compute}) == (None, {"test:a": "valeur"})
    assert len(calls) == 3


def test_pilotage_without_a_cache_that_answers_computes_everything(
    client, staff, reference_data, monkeypatch
):
    from common import data_version

    def no_version():
        raise ConnectionError

    monkeypatch.setattr(data_version, "current_version", no_version)
    ActivityFactory(date=timezone.localdate())
    client.force_login(staff)
    for _ in range(2):
        response = client.get(reverse("grant:pilotage"))
        assert response.status_code == 200 and "L'essentiel" in response.content.decode()
        assert response.context["figures"]["activities"]["count"] == 1


def test_the_statistics_links_are_the_manageable_organisations_among_the_users_own(
    alice, bob, charlie, org_admin, staff, organisation_b
):
    from grant.perms import statistics_organisations
    from partners.enums import Role
    from partners.models import Membership, Organisation
    from partners.perms import manageable_organisations

    Membership.objects.create(user=staff, organisation=organisation_b, role=Role.CONSEILLER)
    Membership.objects.create(user=alice, organisation=organisation_b, role=Role.ADMIN)
    OrganisationFactory(is_active=False).memberships.create(user=alice, role=Role.ADMIN)
    for user in (alice, bob, charlie, org_admin, staff):
        expected = manageable_organisations(user).filter(pk__in=Organisation.objects.of(user))
        assert list(statistics_organisations(user)) == list(expected)
    assert list(statistics_organisations(alice)) == [organisation_b]
    assert organisation_b in statistics_organisations(staff)  # as a conseiller
