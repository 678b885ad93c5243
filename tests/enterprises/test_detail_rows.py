"""The enterprise page's history written from plain values and its stage form drawn once
per stage (decision 012): the same lines as the model instances gave through the
template, in as many queries whatever the enterprise's history holds."""

import datetime
import re

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.compiled import in_one_round_trip
from enterprises.forms.registry import StageForm
from enterprises.models import Activity, StageChange
from partners.enums import Role
from programme.enums import TermFamily
from tests.factories import (
    ActivityFactory,
    AssessmentFactory,
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    MembershipFactory,
    OrganisationFactory,
    TermFactory,
    UserFactory,
)

# The history as detail.html wrote it from model instances before decision 012.
OLD_TIMELINE = """{% load contacts %}<ol class="timeline">
    {% for item in timeline %}
    <li>
      <time datetime="{{ item.at|date:'c' }}">{% if item.kind == "activity" or item.kind == "assessment" %}{{ item.at|date:"d/m/Y" }}{% else %}{{ item.at|date:"d/m/Y H:i" }}{% endif %}</time> —
      {% if item.kind == "stage" %}
        {% with change=item.object %}{% if change.from_stage %}{{ change.get_from_stage_display|capfirst }} → {% endif %}<strong>{{ change.get_to_stage_display }}</strong>{% if change.reason %} ({{ change.get_reason_display }}){% endif %}{% if change.note %} : {{ change.note }}{% endif %}{% if change.by %} <span class="muted">par {{ change.by }}</span>{% endif %}{% endwith %}
      {% elif item.kind == "activity" %}
        {% with activity=item.object %}<a href="{% url 'enterprises:activity_detail' activity.pk %}">{{ activity.get_kind_display|capfirst }}{% if activity.title %} « {{ activity.title }} »{% endif %}</a>, {{ activity.duration }} min — {{ activity.themes.all|join:", " }} <span class="muted">par {{ activity.author }}</span>{% endwith %}
      {% elif item.kind == "assessment" %}
        {% with assessment=item.object %}Diagnostic {{ assessment.get_kind_display }} ({{ assessment.get_source_display }}) : <strong>{{ assessment.overall }} %</strong>{% if assessment.contact %} — {{ assessment.contact|contact:may_see_contacts }}{% endif %}{% endwith %}
      {% elif item.kind == "decision" %}
        {% with assignment=item.object %}{% if assignment.closed_at %}Orientation clôturée par <strong>{{ assignment.organisation.name }}</strong> — {{ assignment.get_status_display }}{% if assignment.closing_note %} : {{ assignment.closing_note }}{% endif %}{% else %}Orientation déclinée par <strong>{{ assignment.organisation.name }}</strong> — {{ assignment.get_decline_reason_display }}{% if assignment.decline_note %} : {{ assignment.decline_note }}{% endif %}{% endif %}{% if assignment.decided_by %} <span class="muted">par {{ assignment.decided_by }}</span>{% endif %}{% endwith %}
      {% else %}
        {% with assignment=item.object %}Orientée vers <strong>{{ assignment.organisation.name }}</strong>{% if assignment.is_open %} — {{ assignment.get_status_display }}{% endif %}{% if assignment.assigned_by %} <span class="muted">par {{ assignment.assigned_by }}</span>{% endif %}{% endwith %}
      {% endif %}
    </li>
    {% empty %}<li>Rien pour l'instant.</li>
    {% endfor %}
  </ol>"""  # noqa: E501


def _midday(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def old_timeline(enterprise):
    """The history as the view built it from model instances before decision 012."""
    activities = list(
        Activity.objects.filter(participations__enterprise=enterprise)
        .select_related("author", "autonomy")
        .prefetch_related("themes")
        .order_by("-date", "-id")
    )
    assessments = list(enterprise.assessments.select_related("contact"))
    assignments = list(
        enterprise.assignments.select_related("organisation", "assigned_by", "decided_by")
    )
    timeline = (
        [{"at": c.at, "kind": "stage", "object": c} for c in enterprise.stage_changes.all()]
        + [{"at": a.created_at, "kind": "assignment", "object": a} for a in assignments]
        + [
            {"at": a.closed_at or a.declined_at, "kind": "decision", "object": a}
            for a in assignments
            if a.closed_at or a.declined_at
        ]
        + [{"at": _midday(a.date), "kind": "activity", "object": a} for a in activities]
        + [{"at": _midday(a.date), "kind": "assessment", "object": a} for a in assessments]
    )
    timeline.sort(key=lambda item: item["at"], reverse=True)
    return timeline


def _ol(html):
    return re.search(r'<ol class="timeline">.*?</ol>', html, re.S).group(0)


def _squeeze(html):
    return re.sub(r"\n\s*\n", "\n", html)


@pytest.fixture
def history(alice, bob, organisation_a):
    """An enterprise alice follows (bob, lecteur of her organisation, sees it too) with
    every kind of line: stage changes with and without a reason, a note, a signer;
    orientations open, closed and declined; activities with themes, a title, authors
    with and without a name; diagnostics with a contact, an anonymised one, none."""
    enterprise = EnterpriseFactory(name="ATELIER & CO", referent=alice, stage="accompagnee")
    now = timezone.now()
    StageChange.objects.create(enterprise=enterprise, from_stage="", to_stage="reperee", by=alice)
    StageChange.objects.create(
        enterprise=enterprise,
        from_stage="reperee",
        to_stage="sortie",
        reason="cessation",
        note="Fermeture <temporaire>",
    )
    StageChange.objects.create(
        enterprise=enterprise, from_stage="sortie", to_stage="accompagnee", by=bob
    )
    other = OrganisationFactory(name="L'Atelier « B » & Cie")
    staff_member = UserFactory(email="metropole@example.test", first_name="Mé", last_name="Tropole")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a, assigned_by=staff_member)
    AssignmentFactory(
        enterprise=enterprise,
        organisation=other,
        status="done",
        closed_at=now - datetime.timedelta(days=2),
        closing_note="Site livré",
        decided_by=bob,
        created_at=now - datetime.timedelta(days=20),
    )
    AssignmentFactory(
        enterprise=enterprise,
        organisation=OrganisationFactory(name="Structure C"),
        status="not_for_me",
        declined_at=now - datetime.timedelta(days=5),
        decline_reason="autre",
        decline_note="Trop loin",
        created_at=now - datetime.timedelta(days=9),
    )
    nameless = UserFactory(email="sans.nom@example.test", first_name="", last_name="")
    themes = [
        TermFactory(label="Sécurité", position=2),
        TermFactory(label="Réseaux sociaux", position=1),
        TermFactory(label="Bureautique", position=1),
    ]
    autonome = TermFactory(family=TermFamily.AUTONOMIE, code="autonome", label="Autonome")
    for days, kind, title, author, autonomy in [
        (30, "collectif", "Atelier <Canva>", alice, None),
        (10, "individuel", "", nameless, None),
        (3, "individuel", "", alice, autonome),
    ]:
        activity = ActivityFactory(
            kind=kind,
            title=title,
            author=author,
            autonomy=autonomy,
            date=timezone.localdate() - datetime.timedelta(days=days),
        )
        activity.themes.set(themes[: 1 + days % 3])
        activity.participations.create(enterprise=enterprise)
    contact = ContactFactory(enterprise=enterprise, first_name="Zoé", last_name="Durand")
    gone = ContactFactory(enterprise=enterprise, anonymised_at=now)
    AssessmentFactory(enterprise=enterprise, contact=contact, date=datetime.date(2026, 1, 5))
    AssessmentFactory(enterprise=enterprise, contact=gone, kind="final", source="pix")
    AssessmentFactory(enterprise=enterprise, kind="intermediaire", overall="55.5")
    return enterprise


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["alice", "bob"])
def test_the_history_shows_what_the_instances_showed(client, history, reader, request):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    html = client.get(reverse("enterprises:detail", args=[history.pk])).text
    old = (
        engines["django"]
        .from_string(OLD_TIMELINE)
        .render({"timeline": old_timeline(history), "may_see_contacts": reader == "alice"})
    )
    assert _ol(html) == old
    assert ("Zoé Durand" in html) == (reader == "alice")
    assert html.count("<li>") > 10 and "Rien pour l'instant" not in _ol(html)


@pytest.mark.django_db
def test_an_empty_history_says_so_as_before(client, alice):
    enterprise = EnterpriseFactory(referent=alice)
    client.force_login(alice)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).text
    old = engines["django"].from_string(OLD_TIMELINE).render({"timeline": []})
    assert _ol(html) == old


@pytest.mark.django_db
def test_the_stage_form_is_the_form_drawn_by_django(client, alice, history):
    client.force_login(alice)
    html = client.get(reverse("enterprises:detail", args=[history.pk])).text
    form = StageForm(enterprise=history)
    for name in ("to_stage", "reason"):  # Django's own Select, option by option
        form.fields[name].widget = forms.Select(choices=form.fields[name].choices)
    old = render_to_string("includes/form_fields.html", {"form": form})
    assert _squeeze(old) in _squeeze(html)
    assert "Clore le parcours : autonome" in html  # the last session reached autonomy


def _count(client, user, enterprise):
    client.force_login(user)
    url = reverse("enterprises:detail", args=[enterprise.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    if in_one_round_trip(connection):
        assert queries[-1]["sql"].count(";\nSELECT ") == 7  # eight statements
    return len(queries)


def _grow(enterprise, n, author, themes):
    for _ in range(n):
        activity = ActivityFactory(
            author=author, organisation=author.memberships.first().organisation
        )
        activity.themes.set(themes)
        activity.participations.create(enterprise=enterprise)
        AssessmentFactory(enterprise=enterprise, contact=ContactFactory(enterprise=enterprise))
        StageChange.objects.create(enterprise=enterprise, to_stage="reperee", by=author)
        AssignmentFactory(
            enterprise=enterprise,
            organisation=OrganisationFactory(),
            status="done",
            closed_at=timezone.now(),
            decided_by=author,
            assigned_by=author,
        )


@pytest.mark.django_db
def test_the_page_runs_as_many_queries_for_10_or_200_lines(client, alice, bob, organisation_a):
    enterprise = EnterpriseFactory(referent=alice)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    writer = UserFactory()
    MembershipFactory(user=writer, organisation=organisation_a, role=Role.CONSEILLER)
    themes = [TermFactory(), TermFactory()]
    _grow(enterprise, 10, writer, themes)
    few = [_count(client, user, enterprise) for user in (alice, bob)]
    _grow(enterprise, 190, writer, themes)
    many = [_count(client, user, enterprise) for user in (alice, bob)]
    # Session, user, then the page's eight statements in one round trip on PostgreSQL
    # (common.compiled.run_together): the enterprise (with its pair), contacts,
    # answers, the user's writing organisations, activities with their themes,
    # orientations, stage changes, diagnostics.
    assert few == many == ([3, 3] if in_one_round_trip(connection) else [10, 10])
