import pytest
from django.urls import reverse

from enterprises.enums import Stage
from enterprises.models import Enterprise

from ..factories import ContactFactory, EnterpriseFactory, text

pytestmark = pytest.mark.django_db


def test_search_by_contact_and_filters(client, staff):
    enterprise = EnterpriseFactory(name="GARAGE DU MAIL", tpe_status="tpe")
    ContactFactory(enterprise=enterprise, last_name="Ziani")
    EnterpriseFactory(name="AUTRE")
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_changelist")
    page = text(client.get(url, {"q": "ziani"}))
    assert "GARAGE DU MAIL" in page and "AUTRE" not in page
    assert (
        client.get(url, {"tpe_status__exact": "inconnu", "stage__exact": "reperee"}).status_code
        == 200
    )


def test_change_referent_action(client, staff, alice):
    enterprises = EnterpriseFactory.create_batch(2)
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_changelist")
    data = {"action": "change_referent", "_selected_action": [e.pk for e in enterprises]}
    form = client.post(url, data)
    assert "Nouveau référent" in text(form)
    client.post(url, {**data, "apply": "1", "referent": alice.pk})
    assert set(Enterprise.objects.values_list("referent", flat=True)) == {alice.pk}
    history = Enterprise.objects.first().history.first()
    assert history.history_user == staff and history.referent_id == alice.pk


def test_move_stage_action_reports_what_it_refused(client, staff):
    movable = EnterpriseFactory(stage=Stage.REPEREE)
    stuck = EnterpriseFactory(stage=Stage.SORTIE, exit_reason="autre")
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_changelist")
    response = client.post(
        url,
        {
            "action": "move_stage",
            "_selected_action": [movable.pk, stuck.pk],
            "apply": "1",
            "to_stage": "diagnostiquee",
        },
        follow=True,
    )
    page = text(response)
    assert "1 entreprise(s) déplacée(s)." in page and "Passage impossible de « sortie »" in page
    assert Enterprise.objects.get(pk=movable.pk).stage == Stage.DIAGNOSTIQUEE
    assert movable.stage_changes.get().by == staff


def test_export_selection_action(client, staff):
    enterprise = EnterpriseFactory(name="+33 COIFFURE")
    client.force_login(staff)
    response = client.post(
        reverse("admin:enterprises_enterprise_changelist"),
        {"action": "export_xlsx", "_selected_action": [enterprise.pk]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="entreprises-selection.xlsx"'


def test_the_history_page_shows_who_changed_what(client, staff):
    enterprise = EnterpriseFactory(name="AVANT")
    client.force_login(staff)
    change_url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    history = client.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk]))
    assert history.status_code == 200


def test_the_quick_action_checkbox_is_djangos_markup(staff):
    """The changelists write their action checkbox directly: the HTML must be Django's."""
    from django.contrib import admin as django_admin
    from django.contrib.admin import ModelAdmin
    from django.utils import translation

    from enterprises.admin.registry import EnterpriseAdmin

    enterprise = EnterpriseFactory(name="L'Atelier <du> Mail & Cie")
    ours = EnterpriseAdmin(Enterprise, django_admin.site)
    django = ModelAdmin(Enterprise, django_admin.site)
    with translation.override("fr"):
        assert str(ours.action_checkbox(enterprise)) == str(django.action_checkbox(enterprise))


def test_changelists_show_25_rows_with_their_checkboxes(client, staff):
    """25 a page (decision 012: 50 rows kept the page above ×5 of a trivial page)."""
    EnterpriseFactory.create_batch(30)
    client.force_login(staff)
    page = client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert page.count('class="action-select"') == 25
    page = client.get(reverse("admin:enterprises_enterprise_changelist") + "?p=2").content
    assert page.decode().count('class="action-select"') == 5
