"""The triage queue written from plain values (decision 012): the same rows as the
template wrote from the models, the same queries whatever the number of requests, and a
count of handled requests that follows every decision."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import JoinRequestStatus
from enterprises.models import JoinRequest

from ..factories import EnterpriseFactory, QpvFactory, UserFactory

pytestmark = pytest.mark.django_db

# The rows as templates/enterprises/request_list.html wrote them before decision 012.
OLD_ROWS = (Path(__file__).parent / "request_rows_before_012.html").read_text()


def make_request(**fields):
    values = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "business_name": "Boulangerie du Petit Bard",
        "commune": "Montpellier",
        "channel": "phone",
        "consent_at": timezone.now(),
    }
    return JoinRequest.objects.create(**{**values, **fields})


def _normal(html):
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _old(page_number=1):
    pending = JoinRequest.objects.pending().select_related("qpv")
    handled = (
        JoinRequest.objects.exclude(status=JoinRequestStatus.NEW)
        .select_related("handled_by", "enterprise")
        .order_by("-handled_at", "-id")
    )
    page = Paginator(handled, 25).get_page(page_number)
    return _normal(Template(OLD_ROWS).render(Context({"pending": pending, "page": page})))


def _new(client, page_number=1):
    html = client.get(reverse("enterprises:requests"), {"page": page_number}).content.decode()
    heading = re.search(r"<h2>À traiter \(\d+\)</h2>", html).group(0)
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return _normal(heading + "".join(bodies))


def test_the_queue_shows_the_rows_the_template_showed(client, staff):
    qpv = QpvFactory(name="Petit Bard <Pergola> & co")
    someone = UserFactory(first_name="", last_name="", email="sans-nom@example.test")
    now = timezone.now()
    make_request(needs=["site", "demarches", "inconnu"], qpv=qpv, siret="")
    make_request(business_name="", channel="email", needs=[], siret="12345678901234")
    make_request(business_name="L'atelier <b>gras</b> & cie", commune="Saint-Jean-de-Védas")
    for i, (status, enterprise, by) in enumerate(
        [
            (JoinRequestStatus.ACCEPTED, EnterpriseFactory(name="BOULANGERIE"), staff),
            (
                JoinRequestStatus.MERGED,
                EnterpriseFactory(trade_name="Chez « Zoé » & fils"),
                someone,
            ),
            (JoinRequestStatus.REFUSED, None, staff),
            (JoinRequestStatus.REFUSED, None, None),
        ]
    ):
        make_request(
            status=status,
            enterprise=enterprise,
            handled_by=by,
            handled_at=now - datetime.timedelta(days=i) if by else None,
            business_name=f"Demande <{i}>",
        )
    client.force_login(staff)
    old = _old()
    assert _new(client) == old
    for part in (
        "sans SIRET",
        "(sans nom)",
        "Montpellier, Petit Bard &lt;Pergola&gt; &amp; co",
        "avoir ou mettre à jour un site internet ; faire mes démarches",
        "par e-mail",
        "L&#x27;atelier &lt;b&gt;gras",
        'acceptée — <a href="/entreprises/',
        "Chez « Zoé » &amp; fils",
        "<td>sans-nom@example.test</td>",
        "<td>—</td>",
    ):
        assert part in old, part


def test_the_pages_of_handled_requests_are_the_templates(client, staff):
    for i in range(60):
        make_request(
            status=JoinRequestStatus.REFUSED,
            handled_by=staff,
            handled_at=timezone.now() - datetime.timedelta(hours=i % 7),
            business_name=f"Demande {i}",
        )
    client.force_login(staff)
    for number in (1, 2, 3, 4, "x"):
        assert _new(client, number) == _old(number), number
    page = client.get(reverse("enterprises:requests"), {"page": 2}).content.decode()
    assert "Page 2 sur 3" in page


def test_the_queue_runs_the_same_queries_for_10_or_200_requests(client, staff):
    def queries():
        client.get(reverse("enterprises:requests"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("enterprises:requests")).status_code == 200
        return len(captured)

    client.force_login(staff)
    counts = []
    for total in (10, 200):
        for i in range(JoinRequest.objects.count(), total):
            make_request(
                status=JoinRequestStatus.NEW if i % 5 == 0 else JoinRequestStatus.ACCEPTED,
                enterprise=EnterpriseFactory() if i % 5 else None,
                handled_by=staff if i % 5 else None,
                handled_at=timezone.now() if i % 5 else None,
            )
        counts.append(queries())
    # session, user, staff's second factor, waiting requests, a page of handled ones: the
    # menu's badge and the number of pages need no query of their own.
    assert counts == [5, 5]


def test_the_number_of_pages_follows_each_decision(client, staff):
    for _ in range(25):
        make_request(status=JoinRequestStatus.REFUSED, handled_by=staff, handled_at=timezone.now())
    waiting = make_request()
    client.force_login(staff)
    assert "Page 1 sur" not in client.get(reverse("enterprises:requests")).content.decode()
    waiting.status, waiting.handled_by, waiting.handled_at = (
        JoinRequestStatus.REFUSED,
        staff,
        timezone.now(),
    )
    waiting.save()
    assert "Page 1 sur 2" in client.get(reverse("enterprises:requests")).content.decode()
    JoinRequest.objects.filter(pk=waiting.pk).delete()
    assert "Page 1 sur" not in client.get(reverse("enterprises:requests")).content.decode()
