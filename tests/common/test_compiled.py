"""CompiledQuery answers what the queryset it was compiled from answers (decision 012)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.compiled import CompiledQuery, in_one_round_trip, run_together
from enterprises.models import Job
from partners.models import User
from tests.factories import UserFactory


def _jobs(user_id):
    return (
        Job.objects.filter(requested_by_id=user_id, status="done")
        .order_by("-id")
        .values_list("id", "kind", "params", "errors", "requested_by__email", "created_at")
    )


@pytest.mark.django_db
def test_the_rows_are_those_of_the_queryset_for_every_value():
    compiled = CompiledQuery(_jobs, user_id=-9)
    users = [UserFactory(), UserFactory(), UserFactory()]
    for index, user in enumerate(users[:2]):
        for kind in ("export_enterprises", "import_enterprises"):
            Job.objects.create(
                kind=kind,
                status="done",
                requested_by=user,
                params={"format": "xlsx", "n": index},  # a JSON column: its conversion applies
                errors=[f"ligne {index}"],
            )
        Job.objects.create(kind="export_enterprises", status="failed", requested_by=user)
    for user in users:
        assert compiled(user_id=user.pk) == list(_jobs(user.pk))
    assert compiled(user_id=users[0].pk)[0][2] == {"format": "xlsx", "n": 0}
    assert compiled(user_id=users[2].pk) == []


@pytest.mark.django_db
def test_it_is_one_query_and_compiles_once():
    compiled = CompiledQuery(_jobs, user_id=-9)
    user = UserFactory()
    compiled(user_id=user.pk)
    sql = compiled.compiled["default"][0]
    with CaptureQueriesContext(connection) as queries:
        compiled(user_id=user.pk)
    assert len(queries) == 1 and compiled.compiled["default"][0] is sql


@pytest.mark.django_db
def test_a_sample_that_is_no_parameter_is_refused():
    with pytest.raises(ValueError):
        CompiledQuery(lambda user_id: _jobs(1), user_id=-9)(user_id=3)


@pytest.mark.django_db
def test_queries_run_together_answer_as_each_alone():
    jobs = CompiledQuery(_jobs, user_id=-9)
    users = CompiledQuery(
        lambda user_id: User.objects.filter(pk=user_id).values_list("email", "date_joined"),
        user_id=-9,
    )
    first, second = UserFactory(), UserFactory()
    Job.objects.create(kind="export_enterprises", status="done", requested_by=first, params={})
    calls = [
        (jobs, {"user_id": first.pk}),
        (users, {"user_id": second.pk}),
        (jobs, {"user_id": second.pk}),
        (users, {"user_id": -1}),
    ]
    with CaptureQueriesContext(connection) as queries:
        together = run_together(calls)
    assert together == [query(**values) for query, values in calls]
    assert together[0][0][2] == {} and together[1][0][0] == second.email
    assert together[2] == together[3] == []
    # One round trip on PostgreSQL (the statements in one message), else one each.
    assert len(queries) == (1 if in_one_round_trip(connection) else len(calls))
