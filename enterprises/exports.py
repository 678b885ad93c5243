"""The enterprise and activity exports: columns declared once, for CSV and XLSX, and the
tables built from a user and the page's query (in the request or in a worker)."""

from dataclasses import dataclass

from django.utils import timezone

from common.tabular import TEXT, Column
from enterprises import coop_export, perms
from enterprises.forms.registry import EnterpriseFilterForm
from enterprises.models import Activity, Enterprise

ENTERPRISE_COLUMNS = [
    Column("SIRET", lambda e: e.siret, kind=TEXT),
    Column("SIREN", lambda e: e.siren, kind=TEXT),
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
    Column("Code postal", lambda e: e.postcode, kind=TEXT),
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
            c.shown(may_see=True, details=True)
            for c in enterprise.contacts.all()
            if not c.anonymised_at
        )

    return Column("Contacts", contacts)


def enterprise_columns(contacts_for=None):
    """The export's columns; `contacts_for` is the set of ids whose contacts may be shown."""
    return ENTERPRISE_COLUMNS + ([contact_column(contacts_for)] if contacts_for else [])


@dataclass
class ExportTable:
    """What an export writes: columns, rows (a queryset or a list), metadata lines, names."""

    columns: list
    rows: object
    metadata: list
    filename: str
    sheet_title: str

    def count(self):
        return len(self.rows) if isinstance(self.rows, list) else self.rows.count()


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


def activity_export_table(user, query):
    """Activities `user` can see, in the Coop's layout (enterprises.coop_export): one row
    per person present, anonymous participants included; ?mine=1 for their own, with names
    and notes."""
    mine = query.get("mine") == "1"
    activities = Activity.objects.visible_to(user)
    if mine:
        activities = activities.filter(author=user)
    visible_ids = set(
        Enterprise.objects.visible_to(user)
        .filter(participations__activity__in=activities)
        .values_list("id", flat=True)
    )
    rows = list(coop_export.rows(activities, visible_ids))
    now = timezone.localtime()
    metadata = [
        (
            "Informations export",
            "Mes activités" if mine else "Activités visibles (sans noms ni notes)",
        ),
        ("Nom", user.last_name or user.email),
        ("Prénom", user.first_name),
        ("Total", len(rows)),
        ("Date d'export", now.date()),
        ("Heure d'export", f"{now:%H:%M}"),
    ]
    return ExportTable(
        coop_export.columns(mine), rows, metadata, coop_export.file_name(now.date()), "Activités"
    )
