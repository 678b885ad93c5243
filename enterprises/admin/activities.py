"""Activities and participations in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin_filters import VersionedRelatedFieldListFilter
from common.admin_lists import QuickChangeListMixin
from common.paging import EstimatedCountPaginator
from enterprises.admin.base import ThroughEnterpriseMixin
from enterprises.models import (
    Activity,
    Participation,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "contact", "attendance"]
    raw_id_fields = ["contact"]


@admin.register(Activity)
class ActivityAdmin(QuickChangeListMixin, SimpleHistoryAdmin):
    list_display = ["date", "kind", "title", "duration", "place_type", "author", "organisation"]
    # What the rows read: list_display, and what the __str__ of the row (the checkbox's
    # label), its author and organisation read (common/admin_lists.py).
    list_only = [
        "date",
        "kind",
        "title",
        "duration",
        "place_type",
        "author__first_name",
        "author__last_name",
        "author__email",
        "organisation__name",
    ]
    list_filter = [
        "kind",
        "place_type",
        # Choices under the data's version (decision 012): a query each on every visit.
        ("organisation", VersionedRelatedFieldListFilter),
        ("action", VersionedRelatedFieldListFilter),
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = [
        "title",
        "notes",
        "participations__enterprise__name",
        "participations__enterprise__siret",
    ]
    list_select_related = ["author", "organisation"]
    # 200 000 activities at national scale: 25 a page (50 kept the page above ×5 of a
    # trivial page, decision 012), one COUNT, and the date filter of the sidebar instead
    # of a date hierarchy, whose list of months read the whole table.
    list_per_page = 25
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole table (decision 011)
    autocomplete_fields = ["author", "organisation", "place", "referral_organisation"]
    filter_horizontal = ["themes", "equipment"]
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Participation)
class ParticipationAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    list_display = ["activity", "enterprise", "attendance"]
    list_filter = ["attendance", "activity__kind"]
    search_fields = ["enterprise__name", "enterprise__siret", "activity__title"]
    list_select_related = ["activity", "enterprise"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["activity", "contact"]
