"""The TPE and what happens to them, one module per sub-domain."""

from .activities import Activity, ActivityQuerySet, Participation
from .assessments import Assessment, PixProposal, percent_field
from .events import EventActivity, EventRegistration
from .orientations import Assignment, assigned_organisations
from .pairs import Consent, Pair, Pairing, PairSession
from .registry import (
    STAGE_ORDER,
    TPE_MAX_AMOUNT,
    TRANSITIONS,
    Contact,
    Enterprise,
    EnterpriseQuerySet,
    StageChange,
    StageChangeQuerySet,
    new_pix_external_id,
    visible_ids,
)
from .stories import Story

__all__ = [
    "STAGE_ORDER",
    "TPE_MAX_AMOUNT",
    "TRANSITIONS",
    "Activity",
    "ActivityQuerySet",
    "Assessment",
    "Assignment",
    "Consent",
    "Contact",
    "Enterprise",
    "EnterpriseQuerySet",
    "EventActivity",
    "EventRegistration",
    "Pair",
    "PairSession",
    "Pairing",
    "Participation",
    "PixProposal",
    "StageChange",
    "StageChangeQuerySet",
    "Story",
    "assigned_organisations",
    "new_pix_external_id",
    "percent_field",
    "visible_ids",
]
