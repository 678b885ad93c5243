"""« Demander l'accès » (issue 14 item 4) and one SIRET, one enterprise (issue 17 item 3)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises.enums import AccessRequestStatus, AssignmentStatus
from enterprises.models import AccessRequest, Enterprise
from enterprises.validators import normalise_siret
from partners.models import OutboundEmail

from ..factories import EnterpriseFactory, text, valid_siret

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def create_data(siret, **data):
    return {"siret": siret, "name": "NOUVELLE", "source": "terrain"} | data


def test_full_width_digits_and_odd_spaces_give_the_same_siret():
    siret = valid_siret(7)
    assert normalise_siret(siret.translate(FULL_WIDTH)) == siret
    spaced = f"{siret[:3]}\u00a0{siret[3:6]}\u202f{siret[6:9]}.{siret[9:]}"
    assert normalise_siret(spaced) == siret
    assert normalise_siret(siret[:9].translate(FULL_WIDTH)) == siret[:9]  # a SIREN too


def test_a_full_width_siret_does_not_make_a_second_enterprise(client, alice, reference_data):
    siret = valid_siret(11)
    client.force_login(alice)
    first = client.post(reverse("enterprises:create"), create_data(siret))
    assert first.status_code == 302
    again = client.post(reverse("enterprises:create"), create_data(siret.translate(FULL_WIDTH)))
    assert again.status_code == 200
    assert "Une de vos entreprises a déjà ce SIRET" in text(again)
    assert Enterprise.objects.filter(siret=siret).count() == 1


def test_the_model_stores_the_normalised_siret(db):
    siret = valid_siret(12)
    enterprise = EnterpriseFactory(siret=siret.translate(FULL_WIDTH))
    enterprise.refresh_from_db()
    assert enterprise.siret == siret


def test_creating_an_invisible_enterprise_reveals_nothing_and_offers_the_request(
    client, alice, reference_data
):
    hidden = EnterpriseFactory(name="IMPORTÉE PAR LA MÉTROPOLE")
    client.force_login(alice)
    response = client.post(reverse("enterprises:create"), create_data(hidden.siret))
    page = text(response)
    assert response.status_code == 200
    assert "existe" not in page and "IMPORTÉE" not in page
    assert "Demander l'accès à une entreprise" in page
    assert response.context["form"]["siret"].value() == hidden.siret  # kept, not in a URL
    assert Enterprise.objects.count() == 1


def test_the_request_answers_the_same_whether_the_siret_exists(client, alice, staff):
    hidden = EnterpriseFactory(name="IMPORTÉE")
    unknown = valid_siret(99)
    client.force_login(alice)
    answers = []
    for siret in (hidden.siret, unknown):
        response = client.post(
            reverse("enterprises:access_request"),
            {"siret": siret, "reason": "Venue à ma permanence."},
            follow=True,
        )
        answers.append((response.redirect_chain, [str(m) for m in response.context["messages"]]))
        assert "IMPORTÉE" not in text(response)
    assert answers[0] == answers[1]
    assert "Demande transmise à la Métropole" in answers[0][1][0]
    assert AccessRequest.objects.count() == 2


def test_a_bad_siret_is_refused_with_a_french_message(client, alice):
    client.force_login(alice)
    response = client.post(reverse("enterprises:access_request"), {"siret": "123", "reason": "x"})
    assert "SIRET invalide" in text(response)
    assert not AccessRequest.objects.exists()


def test_staff_accept_by_orientation_and_the_requester_then_sees_it(
    client, alice, staff, organisation_a, django_capture_on_commit_callbacks
):
    hidden = EnterpriseFactory(name="IMPORTÉE")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:access_request"),
            {"siret": hidden.siret, "reason": "Elle m'a appelée."},
        )
    access_request = AccessRequest.objects.get()
    assert OutboundEmail.objects.filter(to=staff.email, kind="access-request-new").exists()
    assert client.get(reverse("enterprises:detail", args=[hidden.pk])).status_code == 404
    client.force_login(staff)
    listing = text(client.get(reverse("enterprises:access_requests")))
    assert "IMPORTÉE" in listing and "Elle m'a appelée." in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:access_request_decide", args=[access_request.pk]),
            {"decision": "orientation"},
        )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert (access_request.status, access_request.enterprise) == ("accepted", hidden)
    assignment = hidden.assignments.get()
    assert (assignment.organisation, assignment.handled_by, assignment.status) == (
        organisation_a,
        alice,
        AssignmentStatus.TAKING_CARE,
    )
    assert OutboundEmail.objects.filter(to=alice.email, kind="access-request-decided").exists()
    told = [m for m in mail.outbox if m.to == [alice.email] and "demande d" in m.subject]
    assert len(told) == 1 and "a accepté votre demande" in told[0].body
    assert f"/entreprises/{hidden.pk}/" in told[0].body
    client.force_login(alice)
    assert client.get(reverse("enterprises:detail", args=[hidden.pk])).status_code == 200
    assert "IMPORTÉE" in text(client.get(reverse("enterprises:list") + "?referent=moi"))


def test_staff_make_the_requester_referent(client, alice, staff):
    hidden = EnterpriseFactory()
    access_request = AccessRequest.objects.create(
        requester=alice,
        organisation=alice.memberships.get().organisation,
        siret=hidden.siret,
        reason="x",
    )
    client.force_login(staff)
    client.post(
        reverse("enterprises:access_request_decide", args=[access_request.pk]),
        {"decision": "referent"},
    )
    hidden.refresh_from_db()
    assert hidden.referent == alice
    assert Enterprise.objects.visible_to(alice).filter(pk=hidden.pk).exists()


def test_staff_refuse_with_a_reason_that_the_requester_reads(
    client, alice, staff, django_capture_on_commit_callbacks
):
    access_request = AccessRequest.objects.create(
        requester=alice,
        organisation=alice.memberships.get().organisation,
        siret=valid_siret(5),
        reason="x",
    )
    url = reverse("enterprises:access_request_decide", args=[access_request.pk])
    client.force_login(staff)
    client.post(url, {"decision": "refuse"})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.PENDING  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "refuse", "refusal_reason": "Inconnue : créez la fiche."})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.REFUSED
    told = [m for m in mail.outbox if m.to == [alice.email] and "demande d" in m.subject]
    assert len(told) == 1 and "Motif : Inconnue : créez la fiche." in told[0].body
    client.force_login(alice)
    assert "Inconnue : créez la fiche." in text(client.get(reverse("enterprises:access_requests")))


def test_others_cannot_decide_nor_see_others_requests(client, alice, charlie, bob):
    access_request = AccessRequest.objects.create(
        requester=alice,
        organisation=alice.memberships.get().organisation,
        siret=valid_siret(6),
        reason="Confidentiel",
    )
    url = reverse("enterprises:access_request_decide", args=[access_request.pk])
    for user in (alice, charlie):
        client.force_login(user)
        assert client.post(url, {"decision": "referent"}).status_code == 404
    client.force_login(charlie)
    assert "Confidentiel" not in text(client.get(reverse("enterprises:access_requests")))
    client.force_login(bob)  # a lecteur writes nothing, not even a request
    assert client.get(reverse("enterprises:access_request")).status_code == 403


def test_the_model_refuses_a_full_width_duplicate_as_the_admin_does(db):
    siret = valid_siret(13)
    EnterpriseFactory(siret=siret)
    duplicate = Enterprise(siret=siret.translate(FULL_WIDTH), name="DOUBLON", source="terrain")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "siret" in error.value.message_dict


def test_a_request_is_decided_once(client, alice, staff):
    hidden = EnterpriseFactory()
    access_request = AccessRequest.objects.create(
        requester=alice,
        organisation=alice.memberships.get().organisation,
        siret=hidden.siret,
        reason="x",
    )
    url = reverse("enterprises:access_request_decide", args=[access_request.pk])
    client.force_login(staff)
    client.post(url, {"decision": "referent"})
    response = client.post(url, {"decision": "refuse", "refusal_reason": "Non"}, follow=True)
    assert "Cette demande a déjà été traitée." in text(response)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.ACCEPTED
