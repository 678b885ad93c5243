"""The TPE and what happens to them, one module per sub-domain."""

from .activities import Activity, ActivityQuerySet, Participation
from .assessments import Assessment, PixProposal, percent_field
from .jobs import Job, JobKind, JobStatus
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

__all__ = [
    "STAGE_ORDER",
    "TPE_MAX_AMOUNT",
    "TRANSITIONS",
    "Activity",
    "ActivityQuerySet",
    "Assessment",
    "Assignment",
    "Contact",
    "Enterprise",
    "EnterpriseQuerySet",
    "Job",
    "JobKind",
    "JobStatus",
    "Participation",
    "PixProposal",
    "StageChange",
    "StageChangeQuerySet",
    "assigned_organisations",
    "new_pix_external_id",
    "percent_field",
    "visible_ids",
]
