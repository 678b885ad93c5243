"""The widgets written in Python (common.widgets) write exactly what Django's templates
write: alone, choice by choice (`{{ choice.tag }}`), through includes/field.html, with
errors, `required`, `aria-*`, ids, labels and what the user typed; and `{% quick_field %}`
writes exactly what includes/field.html writes."""

import re

import pytest
from django import forms
from django.forms.widgets import ChoiceWidget
from django.template.loader import render_to_string

from common import widgets as quick
from common.templatetags.quick_fields import quick_field
from enterprises.forms.requests import JoinRequestForm, SurveyForm

CHOICES = [("a", "A & B"), ("b", '<b>"Zéro"</b>'), ("c", "l'autre")]
GROUPED = [("Sud", [("1", "Montpellier"), ("2", "Sète")]), ("3", "Ailleurs")]


def _with_djangos_widgets(form):
    """The same form with Django's own widget classes (same attrs, same choices)."""
    for field in form.fields.values():
        field.widget.__class__ = next(
            cls for cls in type(field.widget).__mro__ if cls.__module__ == "django.forms.widgets"
        )
    return form


def _renderings(form):
    """Everything a template can ask of each field."""
    out = {}
    for name in form.fields:
        bound = form[name]
        included = render_to_string("includes/field.html", {"field": bound})
        assert quick_field(bound) == included, name  # to the byte, whatever the widget
        out[name] = [str(bound), included]
        if isinstance(bound.field.widget, ChoiceWidget):
            out[name] += [choice.tag() for choice in bound]
            out[name] += [choice.tag(wrap_label=True) for choice in bound]
    out["as_div"] = form.as_div()
    return out


def _assert_same(make):
    """`make()` builds the form: once with its widgets, once with Django's."""
    form = make()
    assert all(type(f.widget).__module__ == "common.widgets" for f in form.fields.values())
    mine = _renderings(form)
    theirs = _renderings(_with_djangos_widgets(make()))
    assert mine.keys() == theirs.keys()
    for key in mine:
        if key in form.fields and isinstance(form.fields[key].widget, quick.QuickSelect):
            # QuickSelect leaves out the blank lines Django's option includes write.
            assert _squeeze(mine[key]) == _squeeze(theirs[key]), key
        elif key != "as_div" or not any(
            isinstance(f.widget, quick.QuickSelect) for f in form.fields.values()
        ):
            assert mine[key] == theirs[key], key  # to the byte
        else:
            assert _squeeze(mine[key]) == _squeeze(theirs[key]), key


def _squeeze(html):
    if isinstance(html, list):
        return [_squeeze(part) for part in html]
    return re.sub(r"\n\s*\n", "\n", html)


class Sample(forms.Form):
    text = forms.CharField(
        label="Texte <b>", help_text="Aide & conseil", max_length=10, widget=quick.QuickTextInput
    )
    optional = forms.CharField(
        required=False,
        widget=quick.QuickTextInput(attrs={"placeholder": 'a "b"', "disabled": False, "x": None}),
    )
    email = forms.EmailField(widget=quick.QuickEmailInput(attrs={"autocomplete": "email"}))
    hidden = forms.CharField(required=False, widget=quick.QuickHiddenInput)
    box = forms.BooleanField(label="Case", help_text="Cochez", widget=quick.QuickCheckboxInput)
    area = forms.CharField(
        required=False, widget=quick.QuickTextarea(attrs={"rows": 3, "class": "big"})
    )
    radio = forms.ChoiceField(
        choices=CHOICES,
        help_text="Une seule",
        widget=quick.QuickRadioSelect(attrs={"class": "c"}),
        error_messages={"required": "Choisissez <bien>."},
    )
    grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=quick.QuickRadioSelect)
    many = forms.MultipleChoiceField(
        choices=CHOICES, widget=quick.QuickCheckboxSelectMultiple, help_text="Plusieurs"
    )
    number = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 4)], coerce=int, widget=quick.QuickRadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound
        {},  # every required field in error
        {
            "text": "beaucoup trop long <script>",
            "optional": '" onclick="x',
            "email": "pas une adresse",
            "hidden": "<h>",
            "box": "on",
            "area": "ligne 1\n<ligne 2> & 3",
            "radio": "z",
            "grouped": "2",
            "many": ["a", "zz"],
            "number": "9",
        },
        {
            "text": "court",
            "email": "a@b.fr",
            "box": "on",
            "area": " ",
            "radio": "b",
            "many": ["a", "c"],
            "number": "2",
        },
    ],
)
def test_quick_widgets_write_djangos_markup(data):
    _assert_same(lambda: Sample(data, initial={"radio": "c", "many": ["b"], "area": "déjà"}))


def test_quick_widgets_without_ids_or_labels():
    _assert_same(lambda: Sample({"radio": "a"}, auto_id=False))
    _assert_same(lambda: Sample(auto_id="champ_%s", prefix="p"))


def test_quick_widgets_alone_and_other_templates_left_to_django():
    widget = quick.QuickRadioSelect(choices=GROUPED, attrs={"id": "x", "class": "c"})
    django = forms.RadioSelect(choices=GROUPED, attrs={"id": "x", "class": "c"})
    assert widget.render("n", "2") == django.render("n", "2")
    multiple = quick.QuickCheckboxSelectMultiple(choices=CHOICES)
    assert multiple.render("m", ["a", "b"]) == forms.CheckboxSelectMultiple(choices=CHOICES).render(
        "m", ["a", "b"]
    )

    class Custom(quick.QuickTextInput):
        template_name = "django/forms/widgets/select.html"

    assert Custom().render("c", "v") == forms.Select().render("c", "v")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"started": "x"},
        {
            "first_name": "Zoé <b>",
            "needs": ["visible", "zz"],
            "channel": "email",
            "message": "a\n<b>",
            "no_siret": "on",
            "time_slots": ["matin"],
            "qpv": "inconnu",
            "commune": "zz",
            "phone": "12",
            "email": "pas-une-adresse",
            "consent": "on",
        },
    ],
)
def test_the_public_form_renders_as_with_djangos_widgets(data, monkeypatch):
    monkeypatch.setattr("enterprises.forms.requests.started_token", lambda: "signé")
    _assert_same(lambda: JoinRequestForm(data))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"usefulness": "9", "recontacted": "zz", "allowed": ["visible", "b"], "comment": "é<i>"},
        {"usefulness": "4", "recontacted": "oui", "comment_shareable": "on"},
    ],
)
def test_the_survey_renders_as_with_djangos_widgets(data):
    _assert_same(lambda: SurveyForm(data, initial={"usefulness": 3, "recontacted": None}))
