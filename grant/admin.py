from django.contrib import admin

from .models import Convention


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "deliberation_number",
        "funder",
        "max_amount",
        "signed_on",
        "ends_on",
        "status",
    ]
    list_filter = ["status", "funder"]
    search_fields = ["title", "deliberation_number", "prefecture_act_id"]
    list_select_related = ["funder", "beneficiary", "programme"]
    autocomplete_fields = ["funder", "beneficiary", "programme"]
    readonly_fields = ["ends_on"]
    fieldsets = [
        (None, {"fields": ["title", "programme", "funder", "beneficiary", "status"]}),
        (
            "Délibération",
            {
                "fields": [
                    "deliberation_number",
                    "deliberation_date",
                    ("vote_for", "vote_against", "vote_abstention", "vote_not_taking_part"),
                    "prefecture_act_id",
                    "published_on",
                ]
            },
        ),
        ("Montant et durée", {"fields": ["max_amount", "signed_on", "duration_months", "ends_on"]}),
    ]

    @admin.display(description="fin de la convention")
    def ends_on(self, obj):
        return obj.ends_on
