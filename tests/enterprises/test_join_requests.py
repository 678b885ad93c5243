"""« Rejoindre le parcours »: the public form, its protection without a captcha, and
staff's triage (accept, merge, refuse), the reminder and the deletion after 3 months."""

import datetime
import io
import json
import re
import time

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises import join_requests
from enterprises.enums import JoinRequestStatus, Source, Stage
from enterprises.forms.requests import STARTED_SALT
from enterprises.join_requests import working_days_before
from enterprises.models import Assignment, Enterprise, JoinRequest, Survey
from partners.models import OutboundEmail

from ..factories import (
    ContactFactory,
    EnterpriseFactory,
    OrganisationFactory,
    QpvFactory,
    text,
    valid_siret,
)

pytestmark = pytest.mark.django_db

# The one answer every rule gives (honeypot, too fast, forged timestamp, rate limits).
REFUSED = (
    "Votre demande n'a pas pu être envoyée. Patientez une minute, relisez-la, puis "
    "envoyez-la à nouveau. Si le problème continue, écrivez-nous à parcours-tpe@montpellier3m.fr."
)


def alerts(response):
    """The texts of the page's alerts (what the visitor is told went wrong)."""
    return re.findall(r'role="alert"><p>(.*?)</p>', text(response), re.S)


def started(seconds_ago=60):
    return signing.dumps(int(time.time()) - seconds_ago, salt=STARTED_SALT)


def answers(**changes):
    data = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "role": "gérante",
        "business_name": "Boulangerie du Petit Bard",
        "siret": valid_siret(4242),
        "commune": "Montpellier",
        "qpv": "inconnu",
        "needs": ["visible", "vendre"],
        "channel": "phone",
        "phone": "06 12 34 56 78",
        "email": "nadia@exemple.test",
        "time_slots": ["matin"],
        "consent": "on",
        "website": "",
        "started": started(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def make_request(**fields):
    values = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "business_name": "Boulangerie du Petit Bard",
        "commune": "Montpellier",
        "channel": "phone",
        "phone": "06 12 34 56 78",
        "email": "nadia@exemple.test",
        "consent_at": timezone.now(),
    }
    values.update(fields)
    return JoinRequest.objects.create(**values)


def test_the_form_is_public_and_asks_everything(client):
    response = client.get(reverse("enterprises:join"))
    assert response.status_code == 200
    page = text(response)
    for words in (
        "Prénom",
        "Numéro SIRET",
        "Je n'ai pas mon SIRET sous la main",
        "Commune où se trouve l'entreprise",
        "Je ne sais pas",
        "vendre ou être payé en ligne",
        "par téléphone",
        "le samedi",
        "3 mois",
    ):
        assert words in page, words


def test_the_form_runs_no_query_that_grows_with_enterprises(client):
    QpvFactory()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("enterprises:join")).status_code == 200
        return len(captured)

    few = queries()
    EnterpriseFactory.create_batch(30)
    assert queries() == few


def test_a_request_is_recorded_and_acknowledged(client, django_capture_on_commit_callbacks):
    qpv = QpvFactory(name="Petit Bard Pergola")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:join"), answers(qpv=str(qpv.pk)))
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:join_done")
    request = JoinRequest.objects.get()
    assert request.status == JoinRequestStatus.NEW
    assert (request.siret, request.qpv, request.needs) == (
        valid_siret(4242),
        qpv,
        ["visible", "vendre"],
    )
    assert request.consent_at is not None
    email = OutboundEmail.objects.get(kind="join-received")
    assert email.to == "nadia@exemple.test"
    assert "5 jours ouvrés" in client.get(response["Location"]).content.decode()
    # Nothing personal in the URL of the acknowledgement.
    assert "Nadia" not in response["Location"]


def test_mistakes_are_told_next_to_the_field_and_nothing_typed_is_lost(client):
    response = client.post(
        reverse("enterprises:join"), answers(siret="123 456 789 00000", phone="", consent=None)
    )
    assert response.status_code == 200
    page = text(response)
    assert "SIRET invalide : la clé de contrôle ne correspond pas." in page
    assert "Indiquez le numéro où vous joindre." in page
    assert "Cochez cette case pour que nous puissions vous recontacter." in page
    assert 'value="Boulangerie du Petit Bard"' in page
    assert 'value="vendre"' in page and "checked" in page
    assert JoinRequest.objects.count() == 0


def test_without_siret_the_box_must_be_ticked(client):
    response = client.post(reverse("enterprises:join"), answers(siret=""))
    assert "ou cochez « Je n'ai pas mon SIRET sous la main »" in text(response)
    response = client.post(reverse("enterprises:join"), answers(siret="", no_siret="on"))
    assert response.status_code == 302
    assert JoinRequest.objects.get().siret == ""


@pytest.mark.parametrize(
    "trap",
    [
        lambda: {"website": "http://spam.example"},  # the honeypot
        lambda: {"started": started(seconds_ago=1)},  # faster than a person
        lambda: {"started": "forged"},  # a timestamp not signed by us
    ],
)
def test_bots_are_refused_without_saying_why(client, trap):
    response = client.post(reverse("enterprises:join"), answers(**trap()))
    assert response.status_code == 400
    assert alerts(response) == [REFUSED]
    assert JoinRequest.objects.count() == 0


def test_the_rate_limit_per_address_answers_the_same_words(client, settings):
    settings.JOIN_MAX_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert (
            client.post(reverse("enterprises:join"), answers(siret=valid_siret(n))).status_code
            == 302
        )
    response = client.post(reverse("enterprises:join"), answers(siret=valid_siret(9)))
    assert response.status_code == 400
    assert alerts(response) == [REFUSED]
    assert JoinRequest.objects.count() == 2


def test_at_most_two_requests_a_day_for_one_siret(client, settings):
    settings.JOIN_MAX_PER_IP_PER_HOUR = 50
    for _ in range(2):
        assert client.post(reverse("enterprises:join"), answers()).status_code == 302
    response = client.post(reverse("enterprises:join"), answers())
    assert response.status_code == 400
    assert alerts(response) == [REFUSED]
    assert JoinRequest.objects.count() == 2


def test_the_form_still_works_when_the_cache_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.post(reverse("enterprises:join"), answers())
    assert response.status_code == 302
    assert JoinRequest.objects.count() == 1
    assert "rate-limit cache unavailable" in caplog.text
    assert "Nadia" not in caplog.text


# --- Triage by staff -----------------------------------------------------------------


def test_staff_see_the_count_in_the_menu_and_the_queue(client, staff, alice):
    make_request()
    make_request(business_name="Garage Mosson", status=JoinRequestStatus.REFUSED)
    client.force_login(staff)
    page = text(client.get(reverse("enterprises:requests")))
    assert re.search(
        r'Demandes <span class="badge">1<span class="visually-hidden"> à traiter', page
    )
    assert "Boulangerie du Petit Bard" in page and "Garage Mosson" in page
    client.force_login(alice)
    assert client.get(reverse("enterprises:requests")).status_code == 404
    assert "Demandes" not in text(client.get(reverse("enterprises:list")))


def test_the_menus_count_follows_each_request_and_each_decision(client, staff):
    def badge():
        page = text(client.get(reverse("grant:pilotage")))
        found = re.search(r'Demandes <span class="badge">(\d+)<span', page)
        return int(found.group(1)) if found else 0

    client.force_login(staff)
    first = make_request()
    assert badge() == 1
    make_request(business_name="Garage Mosson")
    assert badge() == 2  # kept under the data's version, which the new request moved
    first.status = JoinRequestStatus.REFUSED
    first.save()
    assert badge() == 1


def test_accept_creates_the_enterprise_with_its_contact_and_orients_it(client, staff):
    partner = OrganisationFactory(name="Axents")
    request = make_request(siret="")
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:request_accept", args=[request.pk]),
        {
            "accept-siret": valid_siret(77),
            "accept-name": "BOULANGERIE DU PETIT BARD",
            "accept-organisation": partner.pk,
            "accept-message": "Souhaite vendre en ligne.",
        },
    )
    enterprise = Enterprise.objects.get(siret=valid_siret(77))
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert (enterprise.stage, enterprise.source, enterprise.commune) == (
        Stage.REPEREE,
        Source.EN_LIGNE,
        "Montpellier",
    )
    contact = enterprise.contacts.get()
    assert (contact.first_name, contact.consent_method) == ("Nadia", "en_ligne")
    assert contact.consent_date == timezone.localdate(request.consent_at)
    assignment = Assignment.objects.get(enterprise=enterprise)
    assert assignment.organisation == partner and assignment.assigned_by == staff
    request.refresh_from_db()
    assert (request.status, request.enterprise, request.handled_by) == (
        JoinRequestStatus.ACCEPTED,
        enterprise,
        staff,
    )


def test_accept_links_a_known_siret_instead_of_creating_one(client, staff):
    known = EnterpriseFactory()
    request = make_request(siret=known.siret)
    client.force_login(staff)
    page = text(client.get(reverse("enterprises:request_detail", args=[request.pk])))
    assert "Ce SIRET est déjà connu" in page
    client.post(
        reverse("enterprises:request_accept", args=[request.pk]),
        {"accept-siret": known.siret, "accept-name": "autre nom"},
    )
    assert Enterprise.objects.count() == 1
    assert known.contacts.count() == 1 and Assignment.objects.count() == 0


def test_accept_refuses_a_bad_siret_in_french(client, staff):
    request = make_request(siret="")
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:request_accept", args=[request.pk]),
        {"accept-siret": "12345678900000", "accept-name": "X"},
    )
    assert "SIRET invalide" in text(response)
    assert Enterprise.objects.count() == 0
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.NEW


def test_merge_adds_the_contact_to_the_known_enterprise(client, staff):
    known = EnterpriseFactory(name="BOULANGERIE BENALI")
    request = make_request(siret="")
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:request_merge", args=[request.pk]), {"merge-siret": known.siret}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.enterprise) == (JoinRequestStatus.MERGED, known)
    assert known.contacts.get().phone == "06 12 34 56 78"
    # A second decision on the same request changes nothing.
    client.post(reverse("enterprises:request_refuse", args=[request.pk]), {"refuse-reason": "x"})
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.MERGED


def test_refuse_needs_a_reason_and_tells_the_requester(
    client, staff, django_capture_on_commit_callbacks
):
    request = make_request()
    client.force_login(staff)
    response = client.post(reverse("enterprises:request_refuse", args=[request.pk]), {})
    assert "Indiquez le motif du refus" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:request_refuse", args=[request.pk]),
            {"refuse-reason": "Votre entreprise compte plus de 10 salariés."},
        )
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.REFUSED
    email = OutboundEmail.objects.get(kind="join-refused")
    assert email.to == "nadia@exemple.test"
    assert Enterprise.objects.count() == 0


# --- Reminder and deletion -----------------------------------------------------------


def test_five_working_days_skip_the_weekend():
    friday = timezone.make_aware(datetime.datetime(2026, 12, 4, 9, 0))
    assert working_days_before(friday, 5) == friday - datetime.timedelta(days=7)
    monday = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 0))
    assert working_days_before(monday, 1) == monday - datetime.timedelta(days=3)


def test_staff_are_reminded_once_after_five_working_days(staff):
    now = timezone.make_aware(datetime.datetime(2026, 12, 11, 8, 30))  # a Friday
    old = make_request(created_at=now - datetime.timedelta(days=7, hours=1))
    make_request(created_at=now - datetime.timedelta(days=6))  # 4 working days
    make_request(created_at=now - datetime.timedelta(days=30), status=JoinRequestStatus.REFUSED)
    assert join_requests.remind_staff(now) == 1
    assert join_requests.remind_staff(now) == 0
    email = OutboundEmail.objects.get(kind="join-reminder")
    assert email.to == staff.email
    assert f"/espace/demandes/{old.pk}/" in email.body_text
    assert "Benali" not in email.body_text


def test_refused_and_untouched_requests_are_deleted_after_three_months():
    long_ago = timezone.now() - datetime.timedelta(days=91)
    make_request(status=JoinRequestStatus.REFUSED, handled_at=long_ago, created_at=long_ago)
    make_request(created_at=long_ago)
    kept_accepted = make_request(
        status=JoinRequestStatus.ACCEPTED, handled_at=long_ago, created_at=long_ago
    )
    kept_recent = make_request(created_at=timezone.now() - datetime.timedelta(days=80))
    call_command("purge_join_requests", stdout=io.StringIO())
    assert set(JoinRequest.objects.values_list("pk", flat=True)) == {
        kept_accepted.pk,
        kept_recent.pk,
    }


def test_the_personal_data_export_includes_requests_and_answers():
    make_request(email="Nadia@exemple.test", message="Je vends du pain.")
    contact = ContactFactory(email="nadia@exemple.test")
    Survey.objects.create(
        enterprise=contact.enterprise,
        contact=contact,
        trigger="autonomous",
        usefulness=4,
        comment="Merci.",
        answered_at=timezone.now(),
    )
    out = io.StringIO()
    call_command("export_personal_data", "--email", "nadia@exemple.test", stdout=out)
    data = json.loads(out.getvalue())
    [request] = data["demandes « Rejoindre le parcours »"]
    assert request["précisions"] == "Je vends du pain." and request["statut"] == "à traiter"
    [answer] = data["avis"]
    assert (answer["utilité"], answer["commentaire"]) == (4, "Merci.")


def test_staff_find_the_queue_in_their_space(client, staff):
    make_request()
    client.force_login(staff)
    page = text(client.get(reverse("partners:workspace")))
    assert "Demandes des entrepreneurs (1 à traiter)" in page


def test_correcting_mistakes_does_not_count_against_the_limit(client, settings):
    settings.JOIN_MAX_PER_IP_PER_HOUR = 1
    for _ in range(3):
        client.post(reverse("enterprises:join"), answers(phone=""))
    assert client.post(reverse("enterprises:join"), answers()).status_code == 302


def test_a_form_left_open_too_long_can_still_be_sent(client):
    stale = answers(started=started(seconds_ago=2 * 86400))
    response = client.post(reverse("enterprises:join"), stale)
    assert alerts(response) == [REFUSED]
    assert 'value="Boulangerie du Petit Bard"' in text(response)
    fresh = re.search(r'name="started" value="([^"]+)"', text(response)).group(1)
    assert fresh != stale["started"]
    # The person reads the message and sends again a little later: it goes through.
    stale["started"] = signing.dumps(
        signing.loads(fresh, salt=STARTED_SALT) - 60, salt=STARTED_SALT
    )
    assert client.post(reverse("enterprises:join"), stale).status_code == 302
