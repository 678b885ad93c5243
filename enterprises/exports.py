"""The enterprise and activity exports: columns declared once, for CSV and XLSX, and the
tables built from a user and the page's query (in the request or in a worker)."""

from dataclasses import dataclass

from django.utils import timezone

from common.tabular import Column
from enterprises import perms
from enterprises.forms.registry import EnterpriseFilterForm
from enterprises.models import Activity, Enterprise, Participation

ENTERPRISE_COLUMNS = [
    Column("SIRET", lambda e: e.siret),
    Column("SIREN", lambda e: e.siren),
    Column("Raison sociale", lambda e: e.name),
    Column("Enseigne", lambda e: e.trade_name),
    Column("Forme juridique", lambda e: e.legal_form),
    Column("Code NAF", lambda e: e.naf.code if e.naf_id else ""),
    Column("Activité", lambda e: e.naf.label if e.naf_id else ""),
    Column("Section NAF", lambda e: e.naf.section if e.naf_id else ""),
    Column("Date de création", lambda e: e.created_on),
    Column("Tranche d'effectif", lambda e: e.get_headcount_band_display()),
    Column("Statut TPE", lambda e: e.get_tpe_status_display()),
    Column("Adresse", lambda e: e.address),
    Column("Code postal", lambda e: e.postcode),
    Column("Commune", lambda e: e.commune),
    Column("Latitude", lambda e: e.latitude),
    Column("Longitude", lambda e: e.longitude),
    Column("Code QPV", lambda e: e.qpv.code if e.qpv_id else ""),
    Column("QPV", lambda e: e.qpv.name if e.qpv_id else "hors QPV"),
    Column("Origine du QPV", lambda e: e.get_qpv_source_display()),
    Column("Étape du parcours", lambda e: e.get_stage_display()),
    Column("Depuis le", lambda e: timezone.localdate(e.stage_changed_at)),
    Column("Motif de sortie", lambda e: e.get_exit_reason_display()),
    Column("Source du repérage", lambda e: e.get_source_display()),
    Column(
        "Structures partenaires",
        lambda e: ", ".join(sorted({a.organisation.name for a in e.assignments.all()})),
    ),
]


def contact_column(allowed_ids):
    """Contacts, only for the enterprises whose contacts the user may see."""

    def contacts(enterprise):
        if enterprise.pk not in allowed_ids:
            return ""
        return " | ".join(
            ", ".join(filter(None, [str(c), c.role, c.email, c.phone]))
            for c in enterprise.contacts.all()
            if not c.anonymised_at
        )

    return Column("Contacts", contacts)


def enterprise_columns(contacts_for=None):
    """The export's columns; `contacts_for` is the set of ids whose contacts may be shown."""
    return ENTERPRISE_COLUMNS + ([contact_column(contacts_for)] if contacts_for else [])


@dataclass
class ExportTable:
    """What an export writes: columns, rows (a queryset), metadata lines, names."""

    columns: list
    rows: object
    metadata: list
    filename: str
    sheet_title: str

    def count(self):
        return self.rows.count()


def enterprise_export_table(user, query):
    """What `user` can see, filtered by the list page's `query` (a QueryDict or dict)."""
    form = EnterpriseFilterForm(query or None, user=user)
    queryset = Enterprise.objects.visible_to(user)
    if form.is_bound:
        queryset = form.filter(queryset, user)
    queryset = queryset.select_related("qpv", "naf").prefetch_related("assignments__organisation")
    contacts_for = None
    if query.get("contacts") == "1":
        allowed = perms.editable_enterprises(user, queryset)
        contacts_for = set(allowed.values_list("pk", flat=True))
        queryset = queryset.prefetch_related("contacts")
    metadata = [
        ("Export", "Entreprises du programme « Inclusion numérique des TPE »"),
        ("Exporté par", user.get_full_name() or user.email),
        ("Le", timezone.localtime()),
        ("Filtres", form.describe() if form.is_bound else "aucun"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportTable(
        enterprise_columns(contacts_for),
        queryset.order_by("name", "id"),
        metadata,
        f"entreprises-{stamp}",
        "Entreprises",
    )


def _themes(activity):
    return ", ".join(t.label for t in activity.themes.all())


# The Coop's columns, one row per participant (ARCHITECTURE.md §3, Activity).
COOP_COLUMNS = [
    Column("Date", lambda p: p.activity.date),
    Column("Type", lambda p: p.activity.get_kind_display()),
    Column("Durée (minutes)", lambda p: p.activity.duration),
    Column("Type de lieu", lambda p: p.activity.get_place_type_display()),
    Column(
        "Lieu", lambda p: p.activity.place.name if p.activity.place_id else p.activity.place_commune
    ),
    Column("Thématiques", lambda p: _themes(p.activity)),
    Column("Matériel", lambda p: ", ".join(t.label for t in p.activity.equipment.all())),
    Column("Autonomie", lambda p: p.activity.autonomy.label if p.activity.autonomy_id else ""),
    Column(
        "Orientation (structure)",
        lambda p: p.activity.referral_structure.label if p.activity.referral_structure_id else "",
    ),
    Column(
        "Orientation (réseau)",
        lambda p: (
            p.activity.referral_organisation.name if p.activity.referral_organisation_id else ""
        ),
    ),
    Column("Titre de l'atelier", lambda p: p.activity.title),
    Column("Niveau", lambda p: p.activity.level.label if p.activity.level_id else ""),
    Column("Participants anonymes", lambda p: p.activity.anonymous_count),
    Column("Action du programme", lambda p: p.activity.action.name if p.activity.action_id else ""),
    Column("Structure", lambda p: p.activity.organisation.name),
    Column("QPV", lambda p: p.enterprise.qpv.name if p.enterprise.qpv_id else "hors QPV"),
    Column("Section NAF", lambda p: p.enterprise.naf.section if p.enterprise.naf_id else ""),
    Column("Présence", lambda p: p.get_attendance_display()),
]
# Names and notes: only in a person's export of their own activities (the Coop's rule).
OWN_COLUMNS = [
    Column("SIRET", lambda p: p.enterprise.siret),
    Column("Entreprise", lambda p: str(p.enterprise)),
    Column("Notes", lambda p: p.activity.notes),
]


def activity_export_table(user, query):
    """Activities `user` can see, one row per participant; ?mine=1 for their own, with names."""
    mine = query.get("mine") == "1"
    activities = Activity.objects.visible_to(user)
    if mine:
        activities = activities.filter(author=user)
    participations = (
        Participation.objects.filter(activity__in=activities)
        .filter(enterprise__in=Enterprise.objects.visible_to(user))
        .select_related(
            "activity__place",
            "activity__autonomy",
            "activity__referral_structure",
            "activity__referral_organisation",
            "activity__level",
            "activity__action",
            "activity__organisation",
            "enterprise__qpv",
            "enterprise__naf",
        )
        .prefetch_related("activity__themes", "activity__equipment")
        .order_by("activity__date", "activity_id", "id")
    )
    metadata = [
        ("Export", "Mes activités" if mine else "Activités visibles (sans noms ni notes)"),
        ("Exporté par", user.get_full_name() or user.email),
        ("Le", timezone.localtime()),
    ]
    columns = COOP_COLUMNS + (OWN_COLUMNS if mine else [])
    return ExportTable(columns, participations, metadata, "activites", "Activités")
