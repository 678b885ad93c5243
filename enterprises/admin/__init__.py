"""The enterprises admin, one module per sub-domain (imported here so the admin site finds them)."""

from enterprises.admin import activities, assessments, orientations, pairs, registry  # noqa: F401
