"""What decision 011 changed for speed must show the same thing as before."""

import re

import pytest
from django import forms
from django.urls import reverse

from common.paging import CountedPaginator
from common.widgets import QuickSelect
from enterprises.models import Enterprise
from tests.factories import AssignmentFactory, EnterpriseFactory, OrganisationFactory


def _squeeze(html):
    return re.sub(r"\n\s*\n", "\n", html)


@pytest.mark.parametrize("value", ["", "2", "x"])
def test_quick_select_writes_djangos_markup(value):
    choices = [("", "Tous"), ("1", "A & B"), ("2", '<b>"Zéro"</b>'), ("x", "l'autre")]

    class Form(forms.Form):
        django = forms.ChoiceField(choices=choices, required=False)
        quick = forms.ChoiceField(choices=choices, required=False, widget=QuickSelect)

    form = Form({"django": value, "quick": value})
    django_html = _squeeze(str(form["django"])).replace("django", "quick")
    assert _squeeze(str(form["quick"])) == django_html
    assert "selected" in str(form["quick"]) or value == ""


def test_quick_select_keeps_groups_and_boolean_attributes():
    choices = [("Sud", [("1", "Montpellier")]), ("2", "Ailleurs")]
    django_widget = forms.Select(choices=choices, attrs={"required": True, "disabled": False})
    quick = QuickSelect(choices=choices, attrs={"required": True, "disabled": False})
    assert _squeeze(quick.render("q", "1")) == _squeeze(django_widget.render("q", "1"))


def test_counted_paginator_counts_only_when_not_told():
    numbers = list(range(120))
    assert CountedPaginator(numbers, 50, count=120).num_pages == 3
    assert CountedPaginator(numbers, 50).count == 120


@pytest.mark.django_db
def test_the_list_counts_what_the_user_sees_with_and_without_filters(
    client, alice, organisation_a, reference_data
):
    mine = EnterpriseFactory.create_batch(3, stage="reperee")
    mine.append(EnterpriseFactory(stage="accompagnee"))
    for enterprise in mine:
        AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    EnterpriseFactory.create_batch(2)  # not visible to alice
    client.force_login(alice)
    page = client.get(reverse("enterprises:list")).context["page"]
    assert page.paginator.count == 4 == Enterprise.objects.visible_to(alice).count()
    page = client.get(reverse("enterprises:list"), {"stage": "reperee"}).context["page"]
    assert page.paginator.count == 3
    assert {e.pk for e in page.object_list} == {e.pk for e in mine[:3]}


@pytest.mark.django_db
def test_filter_choices_follow_the_data(client, alice, organisation_a, reference_data):
    client.force_login(alice)
    other = OrganisationFactory(name="Structure toute neuve")
    assert "Structure toute neuve" not in client.get(reverse("enterprises:list")).text
    AssignmentFactory(enterprise=EnterpriseFactory(), organisation=other)  # moves the version
    assert "Structure toute neuve" in client.get(reverse("enterprises:list")).text


@pytest.mark.django_db
def test_a_large_tables_estimate_is_read_once_a_minute(monkeypatch):
    """common.paging.EstimatedCountPaginator keeps an estimate above BOUND 60 s; a small
    table's estimate is read (and the table counted) on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common.paging import EstimatedCountPaginator

    EstimatedCountPaginator._kept.clear()
    EnterpriseFactory.create_batch(2)
    reads = []
    estimate = 20_040

    def read(queryset):
        reads.append(1)
        return estimate

    monkeypatch.setattr(EstimatedCountPaginator, "_read_estimate", staticmethod(read))
    for _ in range(3):
        assert EstimatedCountPaginator(Enterprise.objects.order_by("pk"), 25).count == 20_040
    assert len(reads) == 1
    clock = [1000.0]
    monkeypatch.setattr("common.paging.time.monotonic", lambda: clock[0])
    EstimatedCountPaginator._kept.clear()
    assert EstimatedCountPaginator(Enterprise.objects.order_by("pk"), 25).count == 20_040
    clock[0] += 61
    estimate = 5  # ANALYZE ran on a smaller table: counted exactly, nothing kept
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Enterprise.objects.order_by("pk"), 25).count == 2
    assert len(queries) == 1 and len(reads) == 3
    assert not EstimatedCountPaginator._kept
