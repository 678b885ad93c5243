"""A declined or expired orientation stops giving access: contacts and editing at once,
the enterprise after ORIENTATION_GRACE_DAYS, unless another path gives it (issue 17,
item 8; decision 007)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import AssignmentStatus
from enterprises.models import Enterprise, Participation

from ..factories import (
    ActivityFactory,
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def declined(client, alice, organisation_a):
    """Structure A was handed the enterprise, and alice declined it just now."""
    enterprise = EnterpriseFactory(name="FLEURISTE DES ARCEAUX")
    ContactFactory(enterprise=enterprise, last_name="Vaugrenard", email="v@exemple.test")
    assignment = AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    client.force_login(alice)
    client.post(
        reverse("enterprises:assignment_decline", args=[assignment.pk]),
        {"reason": "pas_de_capacite"},
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.NOT_FOR_ME
    return assignment


def _age(assignment, days, field="declined_at"):
    setattr(assignment, field, timezone.now() - datetime.timedelta(days=days))
    assignment.save()


def test_declining_hides_contacts_and_stops_editing_at_once(client, alice, declined):
    enterprise = declined.enterprise
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert page.status_code == 200  # still visible during the grace period
    assert "Vaugrenard" not in text(page) and "v@exemple.test" not in text(page)
    edit = client.post(reverse("enterprises:edit", args=[enterprise.pk]), {"name": "X"})
    assert edit.status_code == 403
    export = client.get(reverse("enterprises:export") + "?format=csv&contacts=1")
    assert "FLEURISTE DES ARCEAUX" in export.content.decode("utf-8-sig")
    assert "Vaugrenard" not in export.content.decode("utf-8-sig")


def test_after_the_grace_period_the_enterprise_is_gone(client, alice, bob, declined, settings):
    settings.ORIENTATION_GRACE_DAYS = 30
    enterprise = declined.enterprise
    _age(declined, 29)
    assert Enterprise.objects.visible_to(bob).filter(pk=enterprise.pk).exists()
    _age(declined, 31)
    assert not Enterprise.objects.visible_to(alice).exists()
    assert not Enterprise.objects.visible_to(bob).exists()
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 404
    assert "FLEURISTE" not in text(client.get(reverse("enterprises:list")))
    inbox = text(client.get(reverse("enterprises:inbox") + "?onglet=refuses"))
    assert 'FLEURISTE DES ARCEAUX <span class="muted">(fiche plus accessible)' in inbox
    assert reverse("enterprises:detail", args=[enterprise.pk]) not in inbox


def test_an_expired_orientation_ends_the_same_way(alice, organisation_a):
    enterprise = EnterpriseFactory()
    assignment = AssignmentFactory(
        enterprise=enterprise,
        organisation=organisation_a,
        status=AssignmentStatus.EXPIRED,
        expired_at=timezone.now() - datetime.timedelta(days=2),
    )
    assert Enterprise.objects.visible_to(alice).get() == enterprise
    _age(assignment, 31, field="expired_at")
    assert not Enterprise.objects.visible_to(alice).exists()


def test_another_path_keeps_the_access(client, alice, declined, organisation_a):
    enterprise = declined.enterprise
    _age(declined, 31)
    activity = ActivityFactory(author=alice, organisation=organisation_a)
    Participation.objects.create(activity=activity, enterprise=enterprise)
    assert Enterprise.objects.visible_to(alice).get() == enterprise  # met in an activity
    enterprise.referent = alice
    enterprise.save()
    page = text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    assert "Vaugrenard" in page  # the referent works with it: contacts shown


def test_visibility_is_still_one_query_with_one_union(alice, declined):
    with CaptureQueriesContext(connection) as queries:
        list(Enterprise.objects.visible_to(alice))
    [query] = queries.captured_queries
    # assigned ∪ followed ∪ met ∪ as a student (the beginner, the pair): decision 009
    assert query["sql"].count("UNION") == 4
