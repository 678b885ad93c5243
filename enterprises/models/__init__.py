"""The TPE and what happens to them, one module per sub-domain."""

from .access import AccessRequest
from .activities import Activity, ActivityQuerySet, Participation
from .assessments import Assessment, PixCampaign, PixProposal, percent_field
from .events import EventActivity, EventRegistration
from .jobs import Job, JobKind, JobStatus
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
from .requests import JoinRequest
from .stories import Story
from .surveys import Survey

__all__ = [
    "STAGE_ORDER",
    "TPE_MAX_AMOUNT",
    "TRANSITIONS",
    "AccessRequest",
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
    "Job",
    "JobKind",
    "JobStatus",
    "JoinRequest",
    "Pair",
    "PairSession",
    "Pairing",
    "Participation",
    "PixCampaign",
    "PixProposal",
    "StageChange",
    "StageChangeQuerySet",
    "Story",
    "Survey",
    "assigned_organisations",
    "new_pix_external_id",
    "percent_field",
    "visible_ids",
]
