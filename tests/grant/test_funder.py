"""The funder's own access: their conventions and the reports sent to them, nothing else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from grant.models import Report
from partners.enums import OrganisationKind, Role
from partners.forms import InvitationForm

from ..factories import AssignmentFactory, ConventionFactory, EnterpriseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def report(convention, sent):
    # A new version of the same report each time (versions are unique per period).
    version = Report.objects.filter(convention=convention).count() + 1
    return Report.objects.create(
        convention=convention,
        kind="annuel",
        version=version,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 12, 31),
        status="done",
        pdf=SimpleUploadedFile("r.pdf", b"%PDF-1.4 rapport"),
        transmitted_at=timezone.now() if sent else None,
    )


@pytest.fixture
def convention(funder):
    return ConventionFactory(funder=funder.memberships.get().organisation)


def test_the_funder_lands_on_their_page_and_reads_sent_reports_only(client, funder, convention):
    sent, draft = report(convention, True), report(convention, False)
    client.force_login(funder)
    assert client.get(reverse("home"))["Location"] == reverse("grant:funder")
    page = client.get(reverse("grant:funder")).content.decode()
    assert convention.title in page and "Rapports transmis" in page
    # Their menu leads to their page, not to lists that would be empty for them.
    assert 'href="/financeur/">Espace financeur' in page
    assert f'href="{reverse("enterprises:list")}"' not in page
    assert client.get(reverse("grant:funder_report_file", args=[sent.pk, "pdf"])).status_code == 200
    assert (
        client.get(reverse("grant:funder_report_file", args=[draft.pk, "pdf"])).status_code == 404
    )


def test_another_funders_report_is_404(client, funder):
    other = ConventionFactory(funder=OrganisationFactory(kind=OrganisationKind.FINANCEUR))
    client.force_login(funder)
    url = reverse("grant:funder_report_file", args=[report(other, True).pk, "pdf"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("grant:convention", args=[other.pk])).status_code == 404
    assert client.get(reverse("grant:pilotage")).status_code == 404


def test_an_orientation_to_the_funder_shows_them_no_enterprise(funder):
    enterprise = EnterpriseFactory()
    AssignmentFactory(enterprise=enterprise, organisation=funder.memberships.get().organisation)
    assert not Enterprise.objects.visible_to(funder).exists()


def test_others_do_not_reach_the_funder_page(client, alice, staff):
    for user in (alice, staff):
        client.force_login(user)
        assert client.get(reverse("grant:funder")).status_code == 404


def test_the_funder_role_exists_only_in_the_funders_organisation(organisation_a):
    form = InvitationForm(
        {"email": "x@example.test", "role": Role.FINANCEUR}, organisation=organisation_a
    )
    assert not form.is_valid()
    assert "n'existe que dans la structure du financeur" in form.errors["role"][0]
