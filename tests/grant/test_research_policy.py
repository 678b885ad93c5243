"""The guard: every field of every model has a rule in the research export's policy, and no
field that may hold personal data is exported as it is."""

import re

from django.apps import apps

from grant.research.policy import DROP, EXPORT, FIELDS, NOT_READ, rule

APPS = ["common", "partners", "programme", "enterprises", "grant"]
# Names of fields that may hold personal data: identity, contact details, places, free
# text, people and their exact dates.
PERSONAL = re.compile(
    r"name|email|phone|address|postcode|commune|latitude|longitude|siret|siren|note|message|"
    r"comment|description|detail|ip_address|first|last|by$|author|referent|(^|_)contacts?($|_)|user|"
    r"subject|body|minutes|agenda|text|title|reason_text|supplier|consent|external_id"
)


def project_models():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # django-simple-history's twins: never read by the export
            yield model


def test_every_model_field_has_a_rule():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.get_fields()
        if field.concrete and rule(model._meta.label, field.name) is None
    ]
    assert missing == [], (
        "Ces champs n'ont pas de règle dans grant/research/policy.py (FIELDS ou NOT_READ) : "
        + ", ".join(missing)
    )


def test_no_personal_looking_field_is_exported_as_it_is():
    exported = [
        f"{label}.{name}"
        for label, fields in FIELDS.items()
        for name, (how, _why) in fields.items()
        if how == EXPORT and PERSONAL.search(name)
    ]
    assert exported == []


def test_text_and_exact_dates_are_never_exported_raw():
    for label, fields in FIELDS.items():
        model = apps.get_model(label)
        for name, (how, _why) in fields.items():
            field = model._meta.get_field(name)
            if field.get_internal_type() in ("TextField", "DateTimeField", "DateField"):
                assert how != EXPORT, f"{label}.{name}"


def test_the_policy_names_no_field_that_does_not_exist():
    for label, fields in FIELDS.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields() if f.concrete}
        assert set(fields) <= names, label
        assert set(fields) == names, f"{label}: {names - set(fields)}"
    for label in NOT_READ:
        apps.get_model(label)
    assert rule("partners.User", "email") == DROP
