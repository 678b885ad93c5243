"""The enterprises admin, one module per sub-domain (imported here so the admin site finds them)."""

from enterprises.admin import (  # noqa: F401
    access,
    activities,
    assessments,
    jobs,
    orientations,
    pairs,
    registry,
    requests,
)
