"""The enterprise export: columns declared once, for CSV and XLSX."""

from django.utils import timezone

from common.tabular import TEXT, Column

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
