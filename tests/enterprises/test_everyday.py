"""A conseiller's everyday forms (issue 14, items 1, 2, 3 and 5)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import DeclineReason
from enterprises.models import Activity, Enterprise
from programme.models import Place, Term

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(organisation_a, reference_data):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU MAIL")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    return enterprise


def term(family, code):
    return Term.objects.get(family__startswith=family, code=code)


def session_data(**data):
    return {
        "date": timezone.localdate().isoformat(),
        "duration_preset": "45",
        "place_type": "lieu_activite",
        "place": Place.objects.get(name="Tiers-lieu Gisèle-Halimi").pk,
        "themes": [term("thematique", "site_internet").pk],
        "autonomy": term("autonomie", "partiellement_autonome").pk,
    } | data


def test_the_place_is_a_real_select_and_the_usual_place_saves(client, alice, mine):
    client.force_login(alice)
    url = reverse("enterprises:log_session", args=[mine.pk])
    assert client.post(url, session_data()).status_code == 302
    page = client.get(url)
    body = page.content.decode()
    # One select named « place », with the usual place selected; no loose <option> outside.
    assert body.count('name="place"') == 1
    assert '<select name="place"' in body
    place = Place.objects.get(name="Tiers-lieu Gisèle-Halimi")
    assert f'<option value="{place.pk}" selected>' in body
    # Saving the prefilled form as it comes (the browser sends the selected place).
    form = page.context["form"]
    data = {
        name: form[name].value() for name in ("duration_preset", "place_type", "place", "themes")
    }
    data["date"] = timezone.localdate().isoformat()
    data["autonomy"] = term("autonomie", "autonome").pk  # the one thing typed
    response = client.post(url, data)
    assert response.status_code == 302, text(response)
    assert Activity.objects.filter(place=place, place_type="lieu_activite").count() == 2


def test_an_activity_at_the_tiers_lieu_can_be_edited(client, alice, mine):
    client.force_login(alice)
    client.post(reverse("enterprises:log_session", args=[mine.pk]), session_data())
    activity = Activity.objects.get()
    url = reverse("enterprises:activity_edit", args=[activity.pk])
    response = client.post(url, session_data(notes="Note corrigée"))
    assert response.status_code == 302, text(response)
    activity.refresh_from_db()
    assert (activity.notes, activity.place_type, activity.place.name) == (
        "Note corrigée",
        "lieu_activite",
        "Tiers-lieu Gisèle-Halimi",
    )


def test_a_place_left_selected_under_another_type_is_dropped(client, alice, mine):
    client.force_login(alice)
    response = client.post(
        reverse("enterprises:log_session", args=[mine.pk]), session_data(place_type="a_distance")
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.place_type, activity.place) == ("a_distance", None)


def test_the_workshop_lists_each_enterprise_once(client, staff, mine, reference_data):
    for n in range(30):
        EnterpriseFactory(name=f"ENTREPRISE {n:02d}")
    client.force_login(staff)
    body = client.get(reverse("enterprises:log_workshop")).content.decode()
    assert body.count(f'name="participants" value="{mine.pk}"') == 1
    assert body.count(f'name="attendance-{mine.pk}"') == 1
    assert body.count('name="participants"') == Enterprise.objects.count()
    assert "data-participant-search" in body and "js/participant-search.js" in body


def test_the_workshop_keeps_attendance_when_the_form_comes_back(client, alice, mine):
    client.force_login(alice)
    response = client.post(
        reverse("enterprises:log_workshop"),
        {
            "participants": [mine.pk],
            f"attendance-{mine.pk}": "excuse",
            "duration_preset": "120",
            "place_type": "a_distance",
        },
    )
    assert response.status_code == 200  # title missing
    body = response.content.decode()
    assert f'id="participant-{mine.pk}" checked' in body
    assert '<option value="excuse" selected>' in body


def test_the_diagnostic_form_names_the_enterprise(client, alice, mine):
    client.force_login(alice)
    page = text(client.get(reverse("enterprises:assessment_create", args=[mine.pk])))
    assert "Pour l'entreprise BOULANGERIE DU MAIL" in page


def test_contacts_can_be_called_and_mailed(client, alice, mine):
    ContactFactory(enterprise=mine, email="nadia@example.test", phone="06 12 34 56 78")
    client.force_login(alice)
    body = client.get(reverse("enterprises:detail", args=[mine.pk])).content.decode()
    assert 'href="tel:+33612345678"' in body
    assert 'href="mailto:nadia@example.test"' in body


def test_the_list_shows_the_search_first_and_the_filters_folded(client, alice, mine):
    client.force_login(alice)
    body = client.get(reverse("enterprises:list")).content.decode()
    assert '<details class="more-filters">' in body
    body = client.get(reverse("enterprises:list") + "?stage=reperee").content.decode()
    assert '<details class="more-filters" open>' in body
    assert 'data-label="Étape"' in body and 'data-label="Suivi"' in body


def test_an_orientation_taken_or_handed_over_is_followed(client, organisation_a, reference_data):
    conseiller = UserFactory(email="nina@example.test")
    MembershipFactory(user=conseiller, organisation=organisation_a)
    taken = AssignmentFactory(
        enterprise=EnterpriseFactory(name="PRISE"), organisation=organisation_a
    )
    handed = AssignmentFactory(
        enterprise=EnterpriseFactory(name="CONFIÉE"), organisation=organisation_a
    )
    declined = AssignmentFactory(
        enterprise=EnterpriseFactory(name="DÉCLINÉE"), organisation=organisation_a
    )
    AssignmentFactory(
        enterprise=EnterpriseFactory(name="À LA STRUCTURE"), organisation=organisation_a
    )
    taken.take_in_charge(by=conseiller)
    handed.hand_over(conseiller, by=conseiller)
    declined.decline(DeclineReason.PAS_DE_CAPACITE, by=conseiller)
    assert declined.handled_by == conseiller
    followed = set(Enterprise.objects.followed_by(conseiller).values_list("name", flat=True))
    assert followed == {"PRISE", "CONFIÉE"}
    client.force_login(conseiller)
    listed = text(client.get(reverse("enterprises:list") + "?referent=moi"))
    assert "PRISE" in listed and "CONFIÉE" in listed and "À LA STRUCTURE" not in listed
    space = text(client.get(reverse("partners:workspace")))
    assert "PRISE" in space and "CONFIÉE" in space and "DÉCLINÉE" not in space


def test_referent_and_activities_are_followed_too(alice, mine, organisation_a):
    referent_of = EnterpriseFactory(name="RÉFÉRENT", referent=alice)
    assert set(Enterprise.objects.followed_by(alice)) == {referent_of}
    activity = Activity.objects.create(
        kind="individuel",
        date=timezone.localdate(),
        duration=30,
        place_type="a_distance",
        author=alice,
        organisation=organisation_a,
    )
    activity.participations.create(enterprise=mine)
    assert set(Enterprise.objects.followed_by(alice)) == {referent_of, mine}
