"""The « Pilotage » figures come from the cache until the data they read changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.imports.tables import apply_import, prepare_import
from grant.figures_cache import cached_programme_figures
from grant.models import Convention

from ..factories import ActivityFactory, ConventionFactory, EnterpriseFactory, ExpenseFactory

pytestmark = pytest.mark.django_db
START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def activity_count(client):
    response = client.get(reverse("grant:pilotage"), {"start": START, "end": END})
    assert response.status_code == 200
    return response.context["figures"]["activities"]["count"]


def test_a_second_visit_reads_the_cache(client, staff, reference_data):
    ConventionFactory()
    ActivityFactory(date=datetime.date(2023, 3, 1))
    client.force_login(staff)
    with CaptureQueriesContext(connection) as first:
        assert activity_count(client) == 1
    with CaptureQueriesContext(connection) as second:
        assert activity_count(client) == 1
    aggregates = [q for q in second.captured_queries if "enterprises_activity" in q["sql"]]
    assert len(second) < len(first) and not aggregates


def test_a_saved_activity_shows_at_the_next_visit(client, staff, reference_data):
    client.force_login(staff)
    assert activity_count(client) == 0
    activity = ActivityFactory(date=datetime.date(2023, 3, 1))
    assert activity_count(client) == 1
    activity.delete()
    assert activity_count(client) == 0


def test_a_bulk_import_shows_at_the_next_visit(client, staff, reference_data):
    client.force_login(staff)
    before = client.get(reverse("grant:pilotage")).context["figures"]["enterprises"]["total"]
    content = b"SIRET;Raison sociale\n73282932000074;Boulangerie du Mail\n"
    apply_import(prepare_import(content, "liste.csv"))
    after = client.get(reverse("grant:pilotage")).context["figures"]["enterprises"]["total"]
    assert after == before + 1


def test_an_expense_moves_the_grant_figures(staff, reference_data):
    convention = ConventionFactory(signed_on=START)
    first = cached_programme_figures(START, END, convention)
    assert cached_programme_figures(START, END, convention)["computed_at"] == first["computed_at"]
    ExpenseFactory(line__convention=convention, grant_amount=1000, amount=1000)
    again = cached_programme_figures(START, END, convention)
    assert again["grant"]["total"]["charged"] == first["grant"]["total"]["charged"] + 1000


def test_recalculer_computes_afresh_and_the_page_says_when(client, staff, reference_data):
    client.force_login(staff)
    page = client.get(reverse("grant:pilotage"), {"qpv": ""})
    computed = page.context["figures"]["computed_at"]
    assert "Chiffres calculés le" in page.content.decode()
    assert "recalculer=1" in page.content.decode()
    again = client.get(reverse("grant:pilotage"), {"qpv": ""})
    assert again.context["figures"]["computed_at"] == computed
    fresh = client.get(reverse("grant:pilotage"), {"qpv": "", "recalculer": "1"})
    assert fresh.context["figures"]["computed_at"] > computed
    assert "recalculer" not in fresh.context["query"]


def test_filters_are_cached_apart(client, staff, reference_data):
    from programme.models import Qpv

    mosson = Qpv.objects.get(code="QP034005")
    EnterpriseFactory(qpv=mosson)
    EnterpriseFactory(qpv=None)
    client.force_login(staff)
    everything = client.get(reverse("grant:pilotage")).context["figures"]["enterprises"]["total"]
    only = client.get(reverse("grant:pilotage"), {"qpv": mosson.pk})
    assert (everything, only.context["figures"]["enterprises"]["total"]) == (2, 1)


def test_the_dashboard_runs_as_many_queries_for_three_conventions_as_for_one(
    client, staff, reference_data
):
    client.force_login(staff)
    ConventionFactory(signed_on=START)

    def queries():
        client.get(reverse("grant:pilotage"))  # figures cached by the first visit
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("grant:pilotage")).status_code == 200
        return len(captured)

    one = queries()
    ConventionFactory.create_batch(2, signed_on=START)
    page = client.get(reverse("grant:pilotage"))
    assert len(page.context["executions"]) == Convention.objects.count() >= 3
    assert queries() == one


@pytest.mark.redis
def test_the_version_moves_on_redis_from_nothing(reference_data):
    """Redis increments integers only: the version must start as one."""
    from django.conf import settings
    from django.core.cache import cache

    from grant.figures_cache import VERSION_KEY, data_changed

    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.delete(VERSION_KEY)
    first = cached_programme_figures(START, END)
    data_changed()
    data_changed()
    version = cache.get(VERSION_KEY)
    assert isinstance(version, int)
    assert cached_programme_figures(START, END)["computed_at"] > first["computed_at"]


@pytest.mark.redis
def test_a_version_that_is_not_a_counter_is_replaced(reference_data):
    from django.core.cache import cache

    from grant.figures_cache import VERSION_KEY, data_changed

    cache.set(VERSION_KEY, 1.5, None)  # what a float timestamp left behind
    data_changed()
    assert isinstance(cache.get(VERSION_KEY), int)


def test_a_cache_that_does_not_answer_breaks_neither_writes_nor_the_figures(
    reference_data, monkeypatch
):
    """A real Redis client towards a port where nothing listens."""
    from django.core.cache.backends.redis import RedisCache

    from grant import figures_cache

    down = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(figures_cache, "cache", down)
    ActivityFactory(date=datetime.date(2023, 3, 1))  # the save signal bumps: no error
    figures_cache.data_changed()
    assert cached_programme_figures(START, END)["activities"]["count"] == 1


def test_the_tables_and_charts_are_rendered_once_per_computation(client, staff, reference_data):
    client.force_login(staff)

    def fragment_rendered(**params):
        response = client.get(reverse("grant:pilotage"), params)
        assert "L'essentiel" in response.content.decode() and "<svg" in response.content.decode()
        return "grant/pilotage_figures.html" in [t.name for t in response.templates]

    assert fragment_rendered()
    assert not fragment_rendered()  # same figures, same links: from the cache
    assert fragment_rendered(qpv="")  # other links (the filters in the export URLs)
    ActivityFactory(date=datetime.date(2023, 3, 1))
    assert fragment_rendered()  # new figures
