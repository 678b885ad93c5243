"""The migration adding « one open orientation per structure » keeps existing duplicates
safe: the most advanced open one stays, the others are marked « expirée », none deleted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enterprises", "0004_activity_author_covering")]
AFTER = [("enterprises", "0005_iss14b_one_open_orientation")]


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_duplicates_are_expired_before_the_constraint(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organisation = apps.get_model("partners", "Organisation")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Assignment = apps.get_model("enterprises", "Assignment")
    organisation = Organisation.objects.create(name="Structure M", kind="operateur")
    enterprise = Enterprise.objects.create(siret="73282932000074", name="DOUBLE")
    waiting = Assignment.objects.create(enterprise=enterprise, organisation=organisation)
    working = Assignment.objects.create(
        enterprise=enterprise, organisation=organisation, status="taking_care", message="b"
    )
    done = Assignment.objects.create(
        enterprise=enterprise, organisation=organisation, status="done", message="c"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Assignment = apps.get_model("enterprises", "Assignment")
    statuses = dict(Assignment.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "expired", working.pk: "taking_care", done.pk: "done"}
