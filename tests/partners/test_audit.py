import pytest
from django.urls import reverse

from partners import audit
from partners.enums import AuthEventKind
from partners.models import AuthEvent

pytestmark = pytest.mark.django_db


def test_the_journal_is_append_only(alice):
    event = audit.record(AuthEventKind.LOGIN, user=alice)
    event.detail = "modifié"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.update(detail="x")
    assert AuthEvent.objects.get(pk=event.pk).detail == ""


def test_login_failure_and_logout_are_journaled_with_the_ip(client, alice):
    url = reverse("account_login")
    client.post(url, {"login": "alice@example.test", "password": "faux"}, REMOTE_ADDR="192.0.2.10")
    client.post(
        url,
        {"login": "alice@example.test", "password": "mot-de-passe-de-test"},
        REMOTE_ADDR="192.0.2.10",
    )
    client.post(reverse("account_logout"), REMOTE_ADDR="192.0.2.10")
    events = list(
        AuthEvent.objects.exclude(kind=AuthEventKind.MEMBERSHIP_ADDED)
        .order_by("id")
        .values_list("kind", "user__email", "ip_address")
    )
    assert events == [
        (AuthEventKind.LOGIN_FAILED, "alice@example.test", "192.0.2.10"),
        (AuthEventKind.LOGIN, "alice@example.test", "192.0.2.10"),
        (AuthEventKind.LOGOUT, "alice@example.test", "192.0.2.10"),
    ]


def test_staff_read_the_journal_in_the_admin_but_cannot_change_it(client, staff, alice):
    audit.record(AuthEventKind.LOGIN, user=alice)
    client.force_login(staff)
    page = client.get(reverse("admin:partners_authevent_changelist"))
    assert page.status_code == 200 and "alice@example.test" in page.content.decode()
    event = AuthEvent.objects.filter(user=alice, kind=AuthEventKind.LOGIN).get()
    change = client.post(
        reverse("admin:partners_authevent_change", args=[event.pk]), {"detail": "x"}
    )
    assert change.status_code == 403
    assert (
        client.get(reverse("admin:partners_authevent_delete", args=[event.pk])).status_code == 403
    )


def test_a_role_change_in_the_admin_is_attributed(client, staff, bob):
    from partners.models import Membership

    membership = Membership.objects.get(user=bob)
    client.force_login(staff)
    response = client.post(
        reverse("admin:partners_membership_change", args=[membership.pk]),
        {
            "user": bob.pk,
            "organisation": membership.organisation_id,
            "role": "admin",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuthEvent.objects.get(kind=AuthEventKind.ROLE_CHANGED)
    assert event.actor == staff and event.user == bob
