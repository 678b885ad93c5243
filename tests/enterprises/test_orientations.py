"""One way to orient an enterprise (page, admin inline, admin add form, bulk action), one
open orientation per structure enforced by the database, and the truth about who is told."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from enterprises.enums import AssignmentStatus
from enterprises.models import Assignment
from partners.enums import OrganisationKind
from partners.models import Organisation

from ..factories import AssignmentFactory, EnterpriseFactory, OrganisationFactory, text

pytestmark = pytest.mark.django_db


def form_data(response):
    """What the browser would post back from an admin change form, as shown."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, datetime.datetime):  # the admin's split date and time
                data[f"{bound.html_name}_0"] = f"{value:%d/%m/%Y}"
                data[f"{bound.html_name}_1"] = f"{value:%H:%M:%S}"
                continue
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def test_the_database_refuses_a_second_open_orientation(organisation_a):
    open_one = AssignmentFactory(organisation=organisation_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(enterprise=open_one.enterprise, organisation=organisation_a)
    # Even with a programme action (the old constraint let empty actions through twice).
    open_one.status = AssignmentStatus.DONE
    open_one.save()
    again = AssignmentFactory(enterprise=open_one.enterprise, organisation=organisation_a)
    assert again.is_open and Assignment.objects.open().count() == 1


def test_a_closed_orientation_may_be_renewed_from_the_page(client, staff, organisation_a, alice):
    enterprise = EnterpriseFactory()
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a, status="done")
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:assign", args=[enterprise.pk]),
        {"organisations": [organisation_a.pk]},
        follow=True,
    )
    assert "Les membres sont prévenus." in text(response)
    assert Assignment.objects.open_for(enterprise, organisation_a).count() == 1


def test_a_structure_without_members_is_not_said_to_be_told(client, staff):
    empty = OrganisationFactory(name="Structure vide")
    enterprise = EnterpriseFactory()
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:assign", args=[enterprise.pk]),
        {"organisations": [empty.pk]},
        follow=True,
    )
    page = text(response)
    assert "Les membres sont prévenus" not in page
    assert "Aucun membre actif dans cette structure : personne n'a été prévenu." in page
    assert Assignment.objects.filter(organisation=empty).count() == 1 and not mail.outbox


def test_the_orientation_list_offers_partners_only(client, staff, organisation_a):
    funder = OrganisationFactory(name="Caisse", kind=OrganisationKind.FINANCEUR)
    university = OrganisationFactory(name="Université", kind=OrganisationKind.UNIVERSITE)
    metropole = staff.memberships.get().organisation
    choices = set(Organisation.objects.orientable())
    assert organisation_a in choices
    assert not {funder, university, metropole} & choices
    client.force_login(staff)
    response = client.get(reverse("enterprises:assign", args=[EnterpriseFactory().pk]))
    offered = [label for _, label in response.context["form"].fields["organisations"].choices]
    assert offered == ["Structure A"]


def test_the_admin_add_form_goes_through_the_one_way(
    client, staff, alice, organisation_a, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU LEZ")
    client.force_login(staff)
    url = reverse("admin:enterprises_assignment_add")
    data = form_data(client.get(url))
    data.update({"enterprise": enterprise.pk, "organisation": organisation_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assignment = Assignment.objects.get()
    assert assignment.assigned_by == staff
    assert [m.to for m in mail.outbox] == [["alice@example.test"]]
    # The same again is refused, in French, and nothing is sent.
    response = client.post(url, data)
    assert "déjà orientée vers cette structure" in text(response)
    assert Assignment.objects.count() == 1 and len(mail.outbox) == 1


def test_the_enterprise_page_inline_goes_through_the_one_way(
    client, staff, alice, organisation_a, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU LEZ")
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = form_data(client.get(url))
    prefix = "assignments"
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-organisation": organisation_a.pk, f"{prefix}-0-status": "quo"})
    data[f"{prefix}-0-enterprise"] = enterprise.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    assert Assignment.objects.get().assigned_by == staff
    assert [m.to for m in mail.outbox] == [["alice@example.test"]]
    data = form_data(client.get(url))
    data[f"{prefix}-TOTAL_FORMS"] = "2"
    data.update({f"{prefix}-1-organisation": organisation_a.pk, f"{prefix}-1-status": "quo"})
    data[f"{prefix}-1-enterprise"] = enterprise.pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert "est déjà orientée vers « Structure A »" in text(response)
    assert Assignment.objects.count() == 1 and len(mail.outbox) == 1


def test_a_conseiller_orienting_to_an_empty_structure_warns_the_metropole(
    client, settings, staff, alice, organisation_a, django_capture_on_commit_callbacks
):
    settings.ASSIGNMENTS_BY_CONSEILLERS = True
    empty = OrganisationFactory(name="Structure vide")
    enterprise = EnterpriseFactory(referent=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:assign", args=[enterprise.pk]),
            {"organisations": [empty.pk]},
            follow=True,
        )
    assert "personne n'a été prévenu" in text(response)
    [warning] = mail.outbox
    assert warning.to == ["staff@example.test"]
    assert "« Structure vide » n'a aucun membre actif" in warning.subject
