import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["partners", "programme", "enterprises", "grant"]


def project_models():
    """Our models, without the history tables django-simple-history derives from them."""
    return [
        m
        for label in PROJECT_APPS
        for m in apps.get_app_config(label).get_models()
        if not m._meta.model_name.startswith("historical")
    ]


def test_every_model_is_in_the_admin():
    missing = [m.__name__ for m in project_models() if m not in admin.site._registry]
    assert missing == []


def test_staff_sees_every_changelist_in_french(client, staff, reference_data):
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Administration du programme" in index and "Déconnexion" in index
    for model in project_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "a"})
        assert response.status_code == 200, url


def test_staff_sees_the_reference_data(client, staff, reference_data):
    client.force_login(staff)
    qpv_url = reverse("admin:programme_qpv_changelist")
    assert "12 QPV" in client.get(qpv_url, {"generation__exact": 2015}).content.decode()
    assert "10 QPV" in client.get(qpv_url, {"generation__exact": 2024}).content.decode()
    assert (
        "27 structures"
        in client.get(reverse("admin:partners_organisation_changelist")).content.decode()
    )
    assert (
        "732 codes NAF"
        in client.get(reverse("admin:programme_nafcode_changelist")).content.decode()
    )
    assert "5 actions" in client.get(reverse("admin:programme_action_changelist")).content.decode()
    convention = client.get(reverse("admin:grant_convention_changelist")).content.decode()
    assert "40000,00" in convention.replace("\u202f", "").replace("\xa0", "").replace(" ", "")


def test_staff_can_open_each_reference_record(client, staff, reference_data):
    client.force_login(staff)
    for model in project_models():
        obj = model.objects.first()
        if obj is None:
            continue
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        assert client.get(url).status_code == 200, url


def test_a_non_staff_member_is_refused_the_admin(client, alice):
    client.force_login(alice)
    # The admin sends them to its login, which allauth's secure_admin_login refuses.
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
