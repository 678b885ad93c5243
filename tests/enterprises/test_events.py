"""Community events: consenting contacts invited, registration by signed link, attendance
recorded, the event counted as a collective activity."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Activity, EventRegistration
from partners.models import Meeting

from ..factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_a_community_event_from_invitation_to_attendance(
    client, staff, alice, django_capture_on_commit_callbacks
):
    meeting = Meeting.objects.create(
        title="Rencontre : vendre en ligne",
        kind="rencontre",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Tiers-lieu Gisèle-Halimi",
    )
    came = EnterpriseFactory(name="FLEURS", stage="accompagnee")
    ContactFactory(enterprise=came, email="fleurs@exemple.test")
    ContactFactory(enterprise=came, email="associe@exemple.test")  # one invitation a firm
    stayed = EnterpriseFactory(name="BOULANGERIE", stage="autonome")
    ContactFactory(enterprise=stayed, email="pain@exemple.test")
    no_consent = EnterpriseFactory(stage="accompagnee")
    ContactFactory(enterprise=no_consent, consent_date=None)
    gone = EnterpriseFactory(stage="sortie", exit_reason="cessation")
    ContactFactory(enterprise=gone)

    client.force_login(alice)
    assert client.get(reverse("enterprises:event", args=[meeting.pk])).status_code == 404
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:event_invite", args=[meeting.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == ["fleurs@exemple.test", "pain@exemple.test"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:event_invite", args=[meeting.pk]))
    assert len(mail.outbox) == 2  # nobody invited twice

    client.logout()
    message = next(m for m in mail.outbox if m.to == ["fleurs@exemple.test"])
    url = (
        "/"
        + re.search(r"http://\S+/rencontres/inscription/\S+/", message.body)
        .group(0)
        .split("/", 3)[3]
    )
    assert "Je m'inscris" in client.get(url).content.decode()
    assert "Vous êtes inscrit·e" in client.post(url).content.decode()
    assert EventRegistration.objects.get(enterprise=came).registered_at is not None

    client.force_login(staff)
    response = client.post(reverse("enterprises:event_attendance", args=[meeting.pk]))
    assert not Activity.objects.exists()  # not before it happened
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=3)
    meeting.save()
    present = EventRegistration.objects.get(enterprise=came)
    response = client.post(
        reverse("enterprises:event_attendance", args=[meeting.pk]), {"present": [present.pk]}
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.title, activity.duration) == (
        "collectif",
        "Rencontre : vendre en ligne",
        120,
    )
    assert {(p.enterprise, p.attendance) for p in activity.participations.all()} == {
        (came, "present")
    }
    # Recording again updates the same activity.
    client.post(reverse("enterprises:event_attendance", args=[meeting.pk]), {"present": []})
    assert Activity.objects.count() == 1
    assert {(p.enterprise, p.attendance) for p in Activity.objects.get().participations.all()} == {
        (came, "absent")
    }
