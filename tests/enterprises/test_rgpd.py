import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from enterprises.enums import Stage
from enterprises.models import Contact, Enterprise

from ..factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_export_everything_held_about_a_person(alice):
    contact = ContactFactory(email="samira@exemple.test", first_name="Samira", last_name="Ziani")
    out = io.StringIO()
    call_command("export_personal_data", "--email", "SAMIRA@exemple.test", stdout=out)
    data = json.loads(out.getvalue())
    [held] = data["contacts"]
    assert held["prénom"] == "Samira" and held["entreprise"]["SIRET"] == contact.enterprise.siret
    assert held["consentement"]["recueil"] == "accord oral, noté par le conseiller"
    assert len(held["historique"]) == 1 and held["historique"][0]["le"]
    out = io.StringIO()
    call_command("export_personal_data", "--email", "alice@example.test", stdout=out)
    assert json.loads(out.getvalue())["compte"]["structures"][0]["structure"] == "Structure A"


def test_export_for_an_unknown_address_says_so():
    with pytest.raises(CommandError, match=r"Aucune donnée pour personne@exemple\.test"):
        call_command(
            "export_personal_data", "--email", "personne@exemple.test", stdout=io.StringIO()
        )


def test_anonymise_contacts_of_enterprises_that_left_before_a_date():
    long_ago = timezone.now() - datetime.timedelta(days=800)
    gone = EnterpriseFactory(stage=Stage.SORTIE, exit_reason="cessation", stage_changed_at=long_ago)
    recent = EnterpriseFactory(stage=Stage.SORTIE, exit_reason="autre")
    still_here = EnterpriseFactory(stage=Stage.ACCOMPAGNEE, stage_changed_at=long_ago)
    old = ContactFactory(
        enterprise=gone, first_name="Samira", email="s@exemple.test", phone="0600000000"
    )
    ContactFactory(enterprise=recent)
    ContactFactory(enterprise=still_here)
    before = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    out = io.StringIO()
    call_command("anonymise_contacts", "--before", before, stdout=out)
    assert "1 contact(s) anonymisé(s)" in out.getvalue()
    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone) == ("", "", "", "")
    assert old.anonymised_at is not None and str(old).startswith("contact anonymisé")
    assert not old.history.filter(first_name="Samira").exists()
    assert Contact.objects.filter(anonymised_at__isnull=True).count() == 2
    assert Enterprise.objects.count() == 3  # statistics kept


def test_anonymise_refuses_a_bad_date():
    with pytest.raises(CommandError, match="Date « 31/02/2020 » illisible"):
        call_command("anonymise_contacts", "--before", "31/02/2020", stdout=io.StringIO())
