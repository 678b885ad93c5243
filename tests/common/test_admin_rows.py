"""The changelists' rows read as values (common/admin_rows.py) are the rows Django reads."""

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.db import connection
from django.db.models import signals
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from common.admin_rows import read_rows
from enterprises.models import Activity, Enterprise
from tests.common.test_admin_lists import ACTIVITY_PARAMS, ENTERPRISE_PARAMS, listed  # noqa: F401

pytestmark = pytest.mark.django_db


def _changelist(model, user, params):
    request = RequestFactory().get("/admin/", params)
    request.user = user
    return admin.site._registry[model].get_changelist_instance(request)


def _djangos_rows(cl):
    """The page's rows as Django reads them: the changelist's queryset, `.only()`, sliced."""
    model_admin = cl.model_admin
    queryset = cl.queryset.only(*model_admin.list_only)
    return list(queryset[: cl.list_per_page])


@pytest.mark.parametrize(
    "model, params",
    [(Enterprise, p) for p in ENTERPRISE_PARAMS] + [(Activity, p) for p in ACTIVITY_PARAMS],
)
def test_the_rows_are_djangos_rows(listed, staff, model, params):  # noqa: F811
    with translation.override("fr"):
        cl = _changelist(model, staff, params)
        assert isinstance(cl.result_list, list)  # read as values
        django = _djangos_rows(cl)
        assert [row.pk for row in cl.result_list] == [row.pk for row in django]
        for ours, theirs in zip(cl.result_list, django, strict=True):
            assert ours.get_deferred_fields() == theirs.get_deferred_fields()
            assert str(ours) == str(theirs)
            assert list(items_for_result(cl, ours, None)) == list(
                items_for_result(cl, theirs, None)
            )
            assert ours._state.adding is False and ours._state.db == theirs._state.db


def test_the_related_objects_come_with_the_row(listed, staff):  # noqa: F811
    cl = _changelist(Enterprise, staff, {})
    with CaptureQueriesContext(connection) as queries:
        for row in cl.result_list:
            str(row.qpv), str(row.naf), str(row.referent)
    assert len(queries) == 0
    assert any(row.qpv is None for row in cl.result_list)


def test_a_column_not_read_loads_on_access(listed, staff):  # noqa: F811
    row = _changelist(Enterprise, staff, {}).result_list[0]
    expected = Enterprise.objects.get(pk=row.pk)
    assert row.commune == expected.commune
    assert row.qpv is None or row.qpv.polygon == expected.qpv.polygon


def test_models_with_init_receivers_are_read_by_django(listed):  # noqa: F811
    def receiver(**kwargs):
        pass

    signals.post_init.connect(receiver, sender=Enterprise)
    try:
        assert read_rows(Enterprise.objects.all(), ["name", "qpv__name"]) is None
    finally:
        signals.post_init.disconnect(receiver, sender=Enterprise)
    assert read_rows(Enterprise.objects.all(), ["name", "qpv__polygon__x"]) is None
    assert len(read_rows(Enterprise.objects.all(), ["name", "qpv__name"])) == 3
