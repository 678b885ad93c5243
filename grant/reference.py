"""The convention's legal facts, from reference_data/programme.json."""

import datetime
from decimal import Decimal

from partners.models import Organisation
from programme.models import Programme

from .models import Convention


def load_convention(data):
    """Create the convention of the délibération if missing; return (created, kept)."""
    spec = data.programme["convention"]
    if Convention.objects.filter(deliberation_number=spec["deliberation_number"]).exists():
        return 0, 1
    organisations = {o.reference_name: o for o in Organisation.objects.exclude(reference_name="")}
    Convention.objects.create(
        programme=Programme.objects.get(code=data.programme["programme"]["code"]),
        title=spec["title"],
        funder=organisations[spec["funder"]],
        beneficiary=organisations[spec["beneficiary"]],
        deliberation_number=spec["deliberation_number"],
        deliberation_date=datetime.date.fromisoformat(spec["deliberation_date"]),
        vote_for=spec.get("vote_for", 0),
        vote_against=spec.get("vote_against", 0),
        vote_abstention=spec.get("vote_abstention", 0),
        vote_not_taking_part=spec.get("vote_not_taking_part", 0),
        prefecture_act_id=spec["prefecture_act_id"],
        published_on=datetime.date.fromisoformat(spec["published_on"]),
        max_amount=Decimal(spec["max_amount"]),
        duration_months=spec.get("duration_months", 12),
    )
    return 1, 0
