import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import Stage
from enterprises.models import Activity, Assessment, Participation
from programme.models import Place, Term

from ..factories import ActivityFactory, AssignmentFactory, EnterpriseFactory, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(organisation_a, reference_data):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU MAIL")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    return enterprise


def theme(code):
    return Term.objects.get(family__in=["thematique", "thematique_tpe"], code=code)


def autonomy(code):
    return Term.objects.get(family="autonomie", code=code)


def session(client, enterprise, **data):
    values = {
        "date": timezone.localdate().isoformat(),
        "duration_preset": "45",
        "place_type": "domicile",
        "themes": [theme("site_internet").pk],
        "autonomy": autonomy("partiellement_autonome").pk,
    } | data
    return client.post(reverse("enterprises:log_session", args=[enterprise.pk]), values)


def test_a_session_is_logged_and_the_first_one_moves_the_parcours(client, alice, mine):
    client.force_login(alice)
    response = session(client, mine, notes="Fiche Google créée")
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.duration, activity.author, activity.organisation.name) == (
        "individuel",
        45,
        alice,
        "Structure A",
    )
    assert list(activity.participations.values_list("enterprise", "attendance")) == [
        (mine.pk, "present")
    ]
    mine.refresh_from_db()
    assert mine.stage == Stage.ACCOMPAGNEE
    change = mine.stage_changes.get()
    assert (change.from_stage, change.by, change.note) == ("reperee", alice, "première activité")
    session(client, mine)
    assert mine.stage_changes.count() == 1  # only the first activity moves it


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration_preset": "autre", "duration_other": "0"}, "supérieure ou égale à 1"),
        ({"duration_preset": "autre", "duration_other": "1200"}, "inférieure ou égale à 480"),
        ({"duration_preset": "autre"}, "Indiquez la durée en minutes"),
        (
            {"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "dans le futur",
        ),
        ({"place_type": "lieu_activite"}, "Choisissez le lieu."),
        ({"place_type": "autre"}, "Indiquez la commune du lieu."),
        ({"themes": []}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_and_nothing_written(client, alice, mine, data, message):
    client.force_login(alice)
    response = session(client, mine, **data)
    assert response.status_code == 200 and message in text(response)
    assert not Activity.objects.exists()
    assert mine.stage_changes.count() == 0


def test_defaults_come_from_my_last_session(client, alice, mine):
    client.force_login(alice)
    place = Place.objects.get(name="Tiers-lieu Gisèle-Halimi")
    session(client, mine, duration_preset="90", place_type="lieu_activite", place=place.pk)
    form = client.get(reverse("enterprises:log_session", args=[mine.pk])).context["form"]
    assert form.initial["duration_preset"] == "90" and form.initial["place"] == place.pk
    assert [t.code for t in form.initial["themes"]] == ["site_internet"]


def test_a_workshop_needs_participants_and_records_attendance(client, alice, mine, organisation_a):
    other = EnterpriseFactory(name="GARAGE")
    AssignmentFactory(enterprise=other, organisation=organisation_a)
    client.force_login(alice)
    url = reverse("enterprises:log_workshop")
    base = {
        "date": timezone.localdate().isoformat(),
        "duration_preset": "120",
        "place_type": "a_distance",
        "themes": [theme("facturation_electronique").pk],
        "title": "Facturation électronique",
    }
    empty = client.post(url, base)
    assert "Un atelier a au moins un participant" in text(empty)
    response = client.post(
        url,
        base
        | {
            "participants": [mine.pk, other.pk],
            f"attendance-{other.pk}": "excuse",
            "anonymous_count": 2,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert dict(activity.participations.values_list("enterprise__name", "attendance")) == {
        "BOULANGERIE DU MAIL": "present",
        "GARAGE": "excuse",
    }
    assert activity.anonymous_count == 2
    other.refresh_from_db()
    assert other.stage == Stage.REPEREE  # excused: not met yet


def test_an_autonomous_session_offers_to_close_the_parcours(client, alice, mine):
    client.force_login(alice)
    session(client, mine, autonomy=autonomy("autonome").pk)
    page = text(client.get(reverse("enterprises:detail", args=[mine.pk])))
    assert "Clore le parcours : autonome" in page
    client.post(reverse("enterprises:close_autonomous", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.stage == Stage.AUTONOME
    assert "Clore le parcours" not in text(
        client.get(reverse("enterprises:detail", args=[mine.pk]))
    )


def test_authors_edit_for_30_days_staff_always(client, alice, staff, mine):
    activity = ActivityFactory(author=alice, organisation=alice.memberships.get().organisation)
    Participation.objects.create(activity=activity, enterprise=mine)
    client.force_login(alice)
    url = reverse("enterprises:activity_edit", args=[activity.pk])
    assert client.get(url).status_code == 200
    Activity.objects.filter(pk=activity.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert client.get(url).status_code == 403
    assert (
        client.post(reverse("enterprises:activity_delete", args=[activity.pk])).status_code == 403
    )
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert (
        client.post(reverse("enterprises:activity_delete", args=[activity.pk])).status_code == 302
    )
    assert not Activity.objects.exists()


def test_nobody_sees_an_activity_about_an_enterprise_they_cannot_see(client, alice, charlie, mine):
    activity = ActivityFactory(author=alice, organisation=alice.memberships.get().organisation)
    Participation.objects.create(activity=activity, enterprise=mine)
    client.force_login(charlie)
    assert client.get(reverse("enterprises:activity_detail", args=[activity.pk])).status_code == 404
    assert not Activity.objects.visible_to(charlie).exists()
    assert Activity.objects.visible_to(alice).get() == activity


def test_logging_an_activity_makes_the_enterprise_visible_to_its_author(charlie, mine):
    from enterprises.models import Enterprise

    activity = ActivityFactory(author=charlie)
    Participation.objects.create(activity=activity, enterprise=mine)
    assert Enterprise.objects.visible_to(charlie).get() == mine


def test_export_names_and_notes_only_in_my_own(client, alice, bob, mine):
    activity = ActivityFactory(
        author=alice, organisation=alice.memberships.get().organisation, notes="=secret"
    )
    Participation.objects.create(activity=activity, enterprise=mine)
    client.force_login(alice)
    own = client.get(reverse("enterprises:activity_export"), {"mine": "1"}).content.decode(
        "utf-8-sig"
    )
    assert "BOULANGERIE DU MAIL" in own and "'=secret" in own
    assert "Thématique(s) d’accompagnement" in own
    client.force_login(bob)
    seen = client.get(reverse("enterprises:activity_export")).content.decode("utf-8-sig")
    assert "Accompagnement individuel" in seen
    assert "BOULANGERIE" not in seen and "secret" not in seen


def test_a_diagnostic_by_hand_moves_a_reperee_to_diagnostiquee(client, alice, mine):
    client.force_login(alice)
    url = reverse("enterprises:assessment_create", args=[mine.pk])
    bad = client.post(
        url, {"kind": "initial", "date": timezone.localdate().isoformat(), "overall": "120"}
    )
    assert "inférieure ou égale à 100" in text(bad)
    client.post(
        url,
        {
            "kind": "initial",
            "date": timezone.localdate().isoformat(),
            "overall": "35",
            "score_security": "20",
        },
    )
    mine.refresh_from_db()
    assert mine.stage == Stage.DIAGNOSTIQUEE
    assert Assessment.objects.get().source == "conseiller"


def test_statistics_page_renders_figures_and_charts(client, alice, mine):
    client.force_login(alice)
    session(client, mine)
    page = text(client.get(reverse("grant:my_statistics")))
    assert "Mes statistiques" in page and "<svg" in page and "Site Internet" in page
