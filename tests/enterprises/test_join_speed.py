"""« Rejoindre le parcours » and the survey after decision 012: the quarters kept under the
data's version, the widgets written in Python; the same page for the visitor."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.enums import Need
from enterprises.surveys import survey_token

from ..factories import QpvFactory
from .test_surveys import open_survey

pytestmark = pytest.mark.django_db

QPV_OPTION = re.compile(r'<option value="(\d+)">([^<]*)</option>')


def _visit(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("enterprises:join"))
    assert response.status_code == 200
    return response.content.decode(), len(captured)


@pytest.mark.parametrize("quarters", [10, 200])
def test_the_quarters_cost_one_query_then_none_whatever_their_number(client, quarters):
    made = QpvFactory.create_batch(quarters)
    page, first = _visit(client)
    again, second = _visit(client)
    assert (first, second) == (1, 0)  # anonymous: no session, no user
    expected = sorted((q.name, f"{q.name} ({q.commune})", str(q.pk)) for q in made)
    shown = QPV_OPTION.findall(page)
    assert [(pk, label) for _name, label, pk in expected] == shown
    assert QPV_OPTION.findall(again) == shown


def test_a_new_quarter_is_offered_at_once_and_a_renamed_one_renamed(client):
    quarter = QpvFactory(name="Mosson")
    _visit(client)
    QpvFactory(name="Cévennes")
    quarter.name = "La Mosson"
    quarter.save()
    page, queries = _visit(client)
    assert queries == 1
    assert [label.split(" (")[0] for _pk, label in QPV_OPTION.findall(page)] == [
        "Cévennes",
        "La Mosson",
    ]


def test_each_visit_has_its_own_csrf_token_and_timestamp(client):
    tokens = set()
    for _ in range(2):
        client.cookies.clear()
        page, _queries = _visit(client)
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
        assert 'name="started"' in page
    assert len(tokens) == 2


def test_the_form_keeps_its_labels_fieldsets_and_linked_errors(client):
    response = client.post(
        reverse("enterprises:join"),
        {"first_name": "Zoé <b>", "needs": ["visible"], "message": "a\n<b>", "channel": "sms"},
    )
    page = response.content.decode()
    assert '<label for="id_first_name">Prénom <span class="required">' in page
    assert 'value="Zoé &lt;b&gt;"' in page
    assert ">\na\n&lt;b&gt;</textarea>" in page
    assert re.search(
        r'<fieldset class="field choices has-error" aria-describedby="\s*id_channel_error">\s*'
        r"<legend>Comment préférez-vous être recontacté·e \? "
        r'<span class="required">\(obligatoire\)</span></legend>',
        page,
    )
    assert '<p class="field-error" id="id_channel_error">' in page
    assert re.search(r'name="needs" value="visible" id="id_needs_0"[^>]* checked>', page)
    assert '<label class="choice" for="id_needs_0"><input type="checkbox"' in page
    assert 'aria-invalid="true" aria-describedby="id_last_name_error"' in page


def test_the_survey_shows_its_questions_with_djangos_markup(client):
    url = reverse("enterprises:survey", args=[survey_token(open_survey())])
    page = client.get(url + "?utile=4").content.decode()
    assert re.search(r'<input type="radio" name="usefulness" value="4"[^>]* checked>', page)
    for need in Need:
        assert f'name="allowed" value="{need.value}"' in page
    assert '<textarea name="comment" cols="40" rows="3" maxlength="2000"' in page
