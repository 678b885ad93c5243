"""Every URL of the project, walked as anonymous, as charlie and as bob.

The walk reads the URL configuration, so a view added by a later issue is covered as
soon as it exists: a URL that takes an object id must say here how to make alice's
object, or this test fails and says so."""

import datetime
import re
from dataclasses import dataclass

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from enterprises.models import AccessRequest, Job, JobKind, JobStatus, JoinRequest, Story
from grant.models import Report, ResearchJob, Study
from partners.enums import Role
from partners.models import Meeting, Membership

from .factories import (
    ActivityFactory,
    AssignmentFactory,
    BudgetLineFactory,
    ContactFactory,
    ConventionDocumentFactory,
    ConventionFactory,
    DisbursementFactory,
    EnterpriseFactory,
    ExpenseFactory,
    MembershipFactory,
    PairingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Views that say `login_not_required` on purpose: authentication pages and health.
PUBLIC = {
    "account_login",
    "account_signup",
    "account_inactive",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "account_logout",
    "mfa_authenticate",
    "partners:accept_invitation",
    "enterprises:pairing_agree",  # a signed link sent to an entrepreneur (no account)
    "enterprises:consent_withdraw",  # the same, to withdraw a consent
    "enterprises:story_consent",  # the same, to accept a story's text
    "enterprises:event_register",  # the same, to register for a community event
    # The showcase: published stories only (tests/enterprises/test_stories.py)
    "enterprises:showcase",
    "enterprises:showcase_story",
    "enterprises:showcase_photo",
    "enterprises:showcase_poster",
    "healthz",
    "grant:public_figures",
    "favicon",  # browsers fetch it by themselves, logged in or not
    "admin:login",  # wrapped by secure_admin_login: sends to account_login
    # The entrepreneurs' door and the pages a public body owes its visitors.
    "enterprises:join",
    "enterprises:join_done",
    "enterprises:survey",
    "accessibility",
    "legal_notice",
    "privacy",
}


@dataclass
class World:
    """Alice's organisation A and its objects; charlie is in B, bob reads A."""

    alice: object
    bob: object
    charlie: object
    org_admin: object
    organisation_a: object
    enterprise: object = None
    contact: object = None
    staff: object = None
    convention: object = None
    line: object = None
    expense: object = None
    disbursement: object = None
    document: object = None
    activity: object = None
    assignment: object = None
    meeting: object = None
    meeting_document: object = None
    report: object = None
    funder: object = None
    join_request: object = None
    pairing: object = None
    story: object = None
    job: object = None


@dataclass
class Spec:
    """How to reach alice's object, who owns it, and whether the URL writes."""

    kwargs: object  # World -> dict
    write: bool = False
    owner: str = "alice"  # the fixture allowed to use it
    bob_gets: int = 0  # what bob's write gets: 403, or 404 where the page is staff's only


def alices_access_request(w):
    """Alice asks for an enterprise she cannot see (created once per world)."""
    request, _ = AccessRequest.objects.get_or_create(
        requester=w.alice,
        organisation=w.organisation_a,
        siret="73282932000074",
        defaults={"reason": "Venue à la permanence."},
    )
    return request


# Every project URL that takes arguments, and the writing ones without arguments.
SPECS = {
    "enterprises:access_request_decide": Spec(
        lambda w: {"pk": alices_access_request(w).pk}, write=True, owner="staff"
    ),
    "partners:members": Spec(lambda w: {"pk": w.organisation_a.pk}),
    "grant:organisation_statistics": Spec(lambda w: {"pk": w.organisation_a.pk}, owner="org_admin"),
    "enterprises:detail": Spec(lambda w: {"pk": w.enterprise.pk}),
    "partners:meeting": Spec(lambda w: {"pk": w.meeting.pk}),
    "partners:meeting_ics": Spec(lambda w: {"pk": w.meeting.pk}),
    "partners:meeting_document": Spec(lambda w: {"pk": w.meeting_document.pk}),
    "enterprises:assign": Spec(
        lambda w: {"pk": w.enterprise.pk}, write=True, owner="staff", bob_gets=403
    ),
    "enterprises:assignment_take": Spec(lambda w: {"pk": w.assignment.pk}, write=True),
    "enterprises:assignment_close": Spec(lambda w: {"pk": w.assignment.pk}, write=True),
    "enterprises:assignment_decline": Spec(lambda w: {"pk": w.assignment.pk}, write=True),
    "enterprises:assignment_hand_over": Spec(
        lambda w: {"pk": w.assignment.pk}, write=True, owner="org_admin"
    ),
    "enterprises:log_session": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:assessment_create": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:close_autonomous": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:activity_detail": Spec(lambda w: {"pk": w.activity.pk}),
    "enterprises:activity_edit": Spec(lambda w: {"pk": w.activity.pk}, write=True),
    "enterprises:activity_delete": Spec(lambda w: {"pk": w.activity.pk}, write=True),
    # A background job is its requester's only: bob, same organisation, gets 404 too.
    "enterprises:job": Spec(lambda w: {"pk": w.job.pk}),
    "enterprises:job_status": Spec(lambda w: {"pk": w.job.pk}),
    "enterprises:job_file": Spec(lambda w: {"pk": w.job.pk}),
    # The grant is staff's: everyone else gets 404, alice included.
    "grant:convention": Spec(lambda w: {"pk": w.convention.pk}, owner="staff"),
    "grant:convention_edit": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:line_create": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:line_edit": Spec(
        lambda w: {"pk": w.convention.pk, "line_pk": w.line.pk}, write=True, owner="staff"
    ),
    "grant:expense_create": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:expense_edit": Spec(
        lambda w: {"pk": w.convention.pk, "expense_pk": w.expense.pk}, write=True, owner="staff"
    ),
    "grant:disbursement_create": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:disbursement_edit": Spec(
        lambda w: {"pk": w.convention.pk, "disbursement_pk": w.disbursement.pk},
        write=True,
        owner="staff",
    ),
    "grant:document_upload": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:statement": Spec(lambda w: {"pk": w.convention.pk, "fmt": "xlsx"}, owner="staff"),
    "grant:receipt": Spec(lambda w: {"pk": w.expense.pk}, owner="staff"),
    "grant:document": Spec(lambda w: {"pk": w.document.pk}, owner="staff"),
    "grant:dashboard_export": Spec(lambda w: {"name": "qpv", "fmt": "csv"}, owner="staff"),
    "grant:report_create": Spec(lambda w: {"pk": w.convention.pk}, write=True, owner="staff"),
    "grant:report": Spec(lambda w: {"pk": w.report.pk}, owner="staff"),
    "grant:report_status": Spec(lambda w: {"pk": w.report.pk}, owner="staff"),
    "grant:report_retry": Spec(lambda w: {"pk": w.report.pk}, write=True, owner="staff"),
    "grant:report_transmit": Spec(lambda w: {"pk": w.report.pk}, write=True, owner="staff"),
    "grant:report_file": Spec(lambda w: {"pk": w.report.pk, "fmt": "pdf"}, owner="staff"),
    "grant:research_job": Spec(lambda w: {"pk": research_job().pk}, owner="staff"),
    "grant:research_status": Spec(lambda w: {"pk": research_job().pk}, owner="staff"),
    "grant:research_file": Spec(lambda w: {"pk": research_job().pk}, owner="staff"),
    "grant:research_rotate": Spec(
        lambda w: {"pk": research_job().study.pk}, write=True, owner="staff"
    ),
    "grant:funder_report_file": Spec(lambda w: {"pk": w.report.pk, "fmt": "pdf"}, owner="funder"),
    "enterprises:edit": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:move": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:contact_create": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:contact_edit": Spec(
        lambda w: {"pk": w.enterprise.pk, "contact_pk": w.contact.pk}, write=True
    ),
    # The triage of requests to join is staff's.
    "enterprises:request_detail": Spec(lambda w: {"pk": w.join_request.pk}, owner="staff"),
    "enterprises:request_accept": Spec(
        lambda w: {"pk": w.join_request.pk}, write=True, owner="staff"
    ),
    "enterprises:request_merge": Spec(
        lambda w: {"pk": w.join_request.pk}, write=True, owner="staff"
    ),
    "enterprises:request_refuse": Spec(
        lambda w: {"pk": w.join_request.pk}, write=True, owner="staff"
    ),
    "partners:invite": Spec(lambda w: {"pk": w.organisation_a.pk}, write=True, owner="org_admin"),
    "partners:change_role": Spec(
        lambda w: {
            "pk": w.organisation_a.pk,
            "membership_pk": Membership.objects.get(user=w.bob).pk,
        },
        write=True,
        owner="org_admin",
    ),
    "partners:set_active": Spec(
        lambda w: {
            "pk": w.organisation_a.pk,
            "membership_pk": Membership.objects.get(user=w.bob).pk,
        },
        write=True,
        owner="org_admin",
    ),
    # Pair à pair: alice's enterprise is the beginner, paired with an autonomous one of A.
    "enterprises:pair_create": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:pairing_create": Spec(lambda w: {"pk": w.enterprise.pk}, write=True),
    "enterprises:pairing": Spec(lambda w: {"pk": w.pairing.pk}),
    "enterprises:pairing_record_agreement": Spec(lambda w: {"pk": w.pairing.pk}, write=True),
    "enterprises:pairing_end": Spec(lambda w: {"pk": w.pairing.pk}, write=True),
    "enterprises:pairing_session": Spec(lambda w: {"pk": w.pairing.pk}, write=True),
    "enterprises:story_create": Spec(lambda w: {"enterprise_pk": w.enterprise.pk}, write=True),
    "enterprises:story": Spec(lambda w: {"pk": w.story.pk}),
    "enterprises:story_edit": Spec(lambda w: {"pk": w.story.pk}, write=True),
    "enterprises:story_send": Spec(lambda w: {"pk": w.story.pk}, write=True),
    "enterprises:story_record_consent": Spec(lambda w: {"pk": w.story.pk}, write=True),
    "enterprises:story_validate": Spec(lambda w: {"pk": w.story.pk}, write=True, owner="staff"),
    "enterprises:event": Spec(lambda w: {"pk": community_event().pk}, owner="staff"),
    "enterprises:event_invite": Spec(
        lambda w: {"pk": community_event().pk}, write=True, owner="staff"
    ),
    "enterprises:event_attendance": Spec(
        lambda w: {"pk": community_event().pk}, write=True, owner="staff"
    ),
    # Last: alice's walk withdraws the pair, which ends the pairing.
    "enterprises:pair_withdraw": Spec(lambda w: {"pk": w.pairing.pair.enterprise_id}, write=True),
}


def community_event():
    """A past « rencontre d'entrepreneurs » (made when a spec first needs it)."""
    event, _ = Meeting.objects.get_or_create(
        title="Rencontre d'entrepreneurs",
        kind="rencontre",
        defaults={"starts_at": timezone.now() - datetime.timedelta(days=1)},
    )
    return event


def research_job():
    """A finished research export (made when a spec first needs it)."""
    study, _ = Study.objects.get_or_create(name="Étude du parcours")
    job = ResearchJob.objects.filter(study=study).first()
    return job or ResearchJob.objects.create(
        study=study,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 6, 30),
        status="done",
        archive=SimpleUploadedFile("e.zip", b"PK\x03\x04 archive"),
    )


def walk(patterns=None, namespace=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns and namespace and pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern.callback


def arguments(route):
    return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)


def dummy_url(name, route):
    """A URL for a route whose arguments need no real object (public pages, the admin)."""
    kwargs = {}
    for a, b in arguments(route):
        key = a or b
        kwargs[key] = "1" if key in ("object_id", "pk", "id") else "x"
    if "uidb36" in kwargs:
        kwargs["uidb36"], kwargs["key"] = "1", "x-y"
    if "content_type_id" in kwargs:
        kwargs["content_type_id"] = "1"
    if "app_label" in kwargs:
        kwargs["app_label"] = "partners"
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


def project_urls():
    for name, route, callback in walk():
        if name.startswith("admin:") or name.startswith("account_") or name.startswith("mfa_"):
            continue
        yield name, route, callback


@pytest.fixture
def world(alice, bob, charlie, org_admin, organisation_a, staff, funder):
    enterprise = EnterpriseFactory(name="ENTREPRISE D'ALICE")
    assignment = AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    contact = ContactFactory(enterprise=enterprise)
    convention = ConventionFactory()
    line = BudgetLineFactory(convention=convention)
    expense = ExpenseFactory(
        line=line, receipt=factory.django.FileField(filename="f.pdf", data=b"%PDF-1.4 x")
    )
    meeting = Meeting.objects.create(title="Groupe de travail", starts_at=timezone.now())
    meeting.invitations.create(organisation=organisation_a)
    activity = ActivityFactory(author=alice, organisation=organisation_a)
    activity.participations.create(enterprise=enterprise)
    pairing = PairingFactory(mentee=enterprise, status="en_cours", proposed_by=alice)
    AssignmentFactory(enterprise=pairing.pair.enterprise, organisation=organisation_a)
    # The convention is the funder's, and its report has been sent to them.
    convention.funder = funder.memberships.get().organisation
    convention.save(update_fields=["funder"])
    world = World(
        alice,
        bob,
        charlie,
        org_admin,
        organisation_a,
        enterprise,
        contact,
        staff,
        convention,
        line,
        expense,
        DisbursementFactory(convention=convention),
        ConventionDocumentFactory(convention=convention),
        activity,
        assignment,
        meeting,
        meeting.documents.create(
            title="Compte rendu",
            file=SimpleUploadedFile("cr.pdf", b"%PDF-1.4 compte rendu"),
        ),
        Report.objects.create(
            convention=convention,
            kind="annuel",
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 6, 30),
            status="done",
            pdf=SimpleUploadedFile("r.pdf", b"%PDF-1.4 rapport"),
            transmitted_at=timezone.now(),
        ),
        join_request=JoinRequest.objects.create(
            first_name="Nadia",
            last_name="Benali",
            business_name="Boulangerie du Petit Bard",
            commune="Montpellier",
            channel="phone",
            phone="06 12 34 56 78",
            consent_at=timezone.now(),
        ),
        pairing=pairing,
        story=Story.objects.create(
            enterprise=enterprise,
            business_name="Entreprise d'Alice",
            trade="Boulangerie",
            neighbourhood="Mosson",
            what_changed="Commandes en ligne.",
            quote="Je vends en ligne.",
        ),
    )
    world.funder = funder
    world.job = Job.objects.create(
        kind=JobKind.EXPORT_ENTERPRISES,
        status=JobStatus.DONE,
        requested_by=alice,
        filename="entreprises.csv",
        result=SimpleUploadedFile("entreprises.csv", b"SIRET\r\n"),
    )
    return world


def test_only_the_expected_views_are_public():
    public = {
        name
        for name, _route, callback in walk()
        if getattr(callback, "login_required", True) is False
    }
    assert public - PUBLIC == set(), (
        "a view skips login: add it to PUBLIC only if it must be public"
    )


def test_every_url_with_arguments_says_how_to_reach_its_object():
    missing = [
        name
        for name, route, _cb in project_urls()
        if arguments(route) and name not in SPECS and name not in PUBLIC
    ]
    assert missing == [], f"add these URL names to SPECS in {__file__}"


def test_anonymous_is_sent_to_login_everywhere(client, world):
    login = reverse("account_login")
    checked = 0
    for name, route, _callback in walk():
        if name in PUBLIC:
            continue
        url = (
            reverse(name, kwargs=SPECS[name].kwargs(world))
            if name in SPECS
            else dummy_url(name, route)
        )
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 302, (name, url, response.status_code)
        target = response["Location"]
        if name.startswith("admin:"):
            # The admin sends to its login, which secure_admin_login sends to ours.
            target = (
                client.get(target)["Location"] if target.startswith("/admin/login/") else target
            )
        assert target.startswith(login), (name, url, target)
        checked += 1
    assert checked > 40


def test_charlie_gets_404_on_alices_objects(client, world):
    client.force_login(world.charlie)
    for name, spec in SPECS.items():
        url = reverse(name, kwargs=spec.kwargs(world))
        assert client.get(url).status_code in (404, 405), (name, "GET")
        assert client.post(url, {}).status_code == 404, (name, "POST")


def test_bob_the_lecteur_cannot_write(client, world):
    client.force_login(world.bob)
    for name, spec in SPECS.items():
        if spec.write:
            url = reverse(name, kwargs=spec.kwargs(world))
            # Staff-only pages do not even admit they exist; elsewhere bob reads, not writes.
            expected = spec.bob_gets or (404 if spec.owner == "staff" else 403)
            data = {"role": Role.ADMIN, "active": "0", "email": "x@example.test"}
            assert client.post(url, data).status_code == expected, name
    assert Membership.objects.get(user=world.bob).role == Role.LECTEUR


def test_the_owner_is_allowed(client, world):
    for name, spec in SPECS.items():
        client.force_login(getattr(world, spec.owner))
        url = reverse(name, kwargs=spec.kwargs(world))
        response = (
            client.post(url, {"role": Role.LECTEUR, "active": "1"})
            if spec.write
            else client.get(url)
        )
        assert response.status_code in (200, 302), (name, response.status_code)


def test_non_staff_never_reach_the_admin(client, world):
    client.force_login(world.alice)
    for name, route, _cb in walk():
        if not name.startswith("admin:"):
            continue
        url = dummy_url(name, route)
        if url is None:
            continue
        assert client.get(url, follow=True).status_code in (403, 404), name


def test_the_funder_sees_no_enterprise_nor_anyone_elses_page(client, world):
    """The funder's crawl: every object page answers 404 but their own report; the lists
    they can open name no enterprise."""
    client.force_login(world.funder)
    for name, spec in SPECS.items():
        url = reverse(name, kwargs=spec.kwargs(world))
        expected = (200,) if spec.owner == "funder" else (404, 405)
        assert client.get(url).status_code in expected, name
    for name in ("enterprises:list", "enterprises:activity_home", "partners:workspace"):
        page = client.get(reverse(name))
        assert page.status_code in (200, 404), name
        assert world.enterprise.name not in page.content.decode(), name
    home = client.get(reverse("grant:funder"))
    assert home.status_code == 200
    assert world.enterprise.name not in home.content.decode()
    assert world.convention.title in home.content.decode()


def test_a_student_sees_only_the_enterprises_of_the_pairings_they_follow(client, world):
    """A student of alice's own organisation: the organisation's assignments show them
    nothing; following the pairing shows its two enterprises, and nothing to write."""
    student = UserFactory(email="etudiante@example.test")
    MembershipFactory(user=student, organisation=world.organisation_a, role=Role.ETUDIANT)
    client.force_login(student)
    enterprise_urls = {n: s for n, s in SPECS.items() if n.startswith("enterprises:")}
    for name, spec in enterprise_urls.items():
        url = reverse(name, kwargs=spec.kwargs(world))
        assert client.get(url).status_code in (404, 405), (name, "GET")
        assert client.post(url, {}).status_code == 404, (name, "POST")
    assert list(client.get(reverse("enterprises:list")).context["page"]) == []
    assert client.get(reverse("enterprises:inbox")).context["organisation"] is None

    world.pairing.students.add(student)
    listing = client.get(reverse("enterprises:list")).context["page"]
    assert {e.pk for e in listing} == {world.enterprise.pk, world.pairing.pair.enterprise_id}
    for pk in (world.enterprise.pk, world.pairing.pair.enterprise_id):
        assert client.get(reverse("enterprises:detail", args=[pk])).status_code == 200
    assert client.get(reverse("enterprises:pairing", args=[world.pairing.pk])).status_code == 200
    other = AssignmentFactory(organisation=world.organisation_a).enterprise
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    for name in ("enterprises:edit", "enterprises:log_session", "enterprises:pairing_end"):
        spec = SPECS[name]
        assert client.post(reverse(name, kwargs=spec.kwargs(world)), {}).status_code == 403, name
    # What a student writes: the sessions of the pairing they follow.
    url = reverse("enterprises:pairing_session", args=[world.pairing.pk])
    assert client.get(url).status_code == 200
