"""The TPE and what happens to them, one module per sub-domain."""

from .access import AccessRequest
from .activities import Activity, ActivityQuerySet, Participation
from .assessments import Assessment, PixCampaign, PixProposal, percent_field
from .orientations import Assignment, assigned_organisations
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
    "Contact",
    "Enterprise",
    "EnterpriseQuerySet",
    "JoinRequest",
    "Participation",
    "PixCampaign",
    "PixProposal",
    "StageChange",
    "StageChangeQuerySet",
    "Survey",
    "assigned_organisations",
    "new_pix_external_id",
    "percent_field",
    "visible_ids",
]
