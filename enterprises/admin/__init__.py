"""The enterprises admin, one module per sub-domain (imported here so the admin site finds them)."""

from enterprises.admin import access, activities, assessments, orientations, registry  # noqa: F401
