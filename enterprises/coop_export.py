"""The activity export in the layout of « La Coop de la médiation numérique ».

Read from the Coop's own code (inclusion-numerique/coop-mediation-numerique,
``buildAccompagnementsWorksheet.ts`` and the ``cra/fields`` enums): one row per person
present (*accompagnement*), anonymous participants included (one row each,
« Bénéficiaire anonyme »), the Coop's headers in the Coop's order and spelling, its labels,
autonomy and workshop level as ``n/3``, multi-valued cells joined by line breaks. Excused
and absent enterprises are not rows. The project's own columns follow the Coop's, so a
file appends to a Coop export with nothing to fix by hand.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from common.tabular import TEXT, Column
from enterprises.enums import ActivityKind, Attendance
from enterprises.models import Activity, Enterprise, Participation
from programme.enums import TermFamily

ANONYMOUS = "Bénéficiaire anonyme"
KINDS = {
    ActivityKind.INDIVIDUEL: "Accompagnement individuel",
    ActivityKind.COLLECTIF: "Atelier collectif",
}
# Coop TypeLieu labels. A session in the enterprise is the Coop's visit to the person.
CHANNELS = {
    "lieu_activite": "Lieu d’activité",
    "domicile": "À domicile",
    "a_distance": "À distance",
    "autre": "Autre lieu",
}
STARS = {
    "entierement_accompagne": 1,
    "partiellement_autonome": 2,
    "autonome": 3,
    "debutant": 1,
    "intermediaire": 2,
    "avance": 3,
}
COOP_THEMES = (TermFamily.THEMATIQUE, TermFamily.THEMATIQUE_ADMINISTRATIVE)


def file_name(today):
    """The Coop's file name, dated (``coop-numerique_accompagnements_2026-06-30``)."""
    return f"coop-numerique_accompagnements_{today:%Y-%m-%d}"


@dataclass
class Row:
    """One accompaniment: a person present at an activity (``enterprise`` None when
    anonymous, or when the reader may not see the enterprise)."""

    activity: Activity
    enterprise: Enterprise | None
    index: int
    total: int


def rows(activities, visible_ids):
    """The rows of ``activities`` (a queryset), newest first as the Coop sorts them."""
    present = Participation.objects.filter(attendance=Attendance.PRESENT).select_related(
        "enterprise__qpv", "enterprise__naf"
    )
    activities = (
        activities.select_related(
            "author",
            "place",
            "autonomy",
            "level",
            "referral_structure",
            "referral_organisation",
            "action",
            "organisation",
        )
        .prefetch_related(
            "themes", "equipment", Prefetch("participations", present, to_attr="present")
        )
        .order_by("-date", "-id")
    )
    for activity in activities:
        people = [
            p.enterprise if p.enterprise_id in visible_ids else None for p in activity.present
        ]
        people += [None] * activity.anonymous_count
        for index, enterprise in enumerate(people, start=1):
            yield Row(activity, enterprise, index, len(people))


def _modified(activity):
    # The Coop leaves the cell empty for a record never modified after its creation.
    if activity.updated_at - activity.created_at < datetime.timedelta(seconds=1):
        return None
    return activity.updated_at


def _lines(terms):
    return "\n".join(term.label for term in terms)


def _themes(activity):
    return _lines(t for t in activity.themes.all() if t.family in COOP_THEMES)


def _tags(activity):
    return _lines(t for t in activity.themes.all() if t.family == TermFamily.THEMATIQUE_TPE)


def _stars(activity):
    term = activity.autonomy or activity.level
    return f"{STARS[term.code]}/3" if term and term.code in STARS else ""


def _referred(activity):
    if activity.kind != ActivityKind.INDIVIDUEL:
        return ""
    return "Oui" if activity.referral_structure_id or activity.referral_organisation_id else "Non"


def _place(activity, field):
    return getattr(activity.place, field) if activity.place_id else ""


def _where(row, field):
    """Where the activity took place: its place, else the commune typed, else, for a
    session in the enterprise, the enterprise (the Coop's commune of a home visit)."""
    activity = row.activity
    if activity.place_id:
        return getattr(activity.place, field)
    if field == "commune" and activity.place_commune:
        return activity.place_commune
    if activity.place_type == "domicile" and row.enterprise:
        return getattr(row.enterprise, field)
    return ""


def _enterprise(field):
    return lambda r: getattr(r.enterprise, field) if r.enterprise else ""


MEDIATOR_COLUMNS = [
    Column("Prénom du médiateur", lambda r: r.activity.author.first_name),
    Column("Nom du médiateur", lambda r: r.activity.author.last_name),
    Column("Rôle", lambda r: "Médiateur"),
    Column("ID - Conum", lambda r: ""),
]


def columns(mine):
    """The Coop's columns, then ours. ``mine``: a person's export of their own
    activities, which the Coop calls a self-export (names and notes, no mediator)."""
    head = [
        Column("Date", lambda r: r.activity.date),
        Column("Enregistré le", lambda r: r.activity.created_at),
        Column("Dernière modification le", lambda r: _modified(r.activity)),
        *([] if mine else MEDIATOR_COLUMNS),
        Column("Type", lambda r: KINDS[r.activity.kind]),
        Column("Participants", lambda r: 1 if r.total == 1 else f"{r.index}/{r.total}"),
        *(
            [Column("Bénéficiaire", lambda r: str(r.enterprise) if r.enterprise else ANONYMOUS)]
            if mine
            else []
        ),
        Column("Canaux d’accompagnement", lambda r: CHANNELS.get(r.activity.place_type, "")),
        Column("Nom du lieu", lambda r: _place(r.activity, "name")),
        Column("Adresse", lambda r: _place(r.activity, "address")),
        Column("Commune", lambda r: _where(r, "commune")),
        Column("Code postal", lambda r: _where(r, "postcode"), kind=TEXT),
        Column("Code Insee", lambda r: "", kind=TEXT),
        Column("Durée (min)", lambda r: r.activity.duration),
        Column("Nom de l’atelier", lambda r: r.activity.title),
        Column("Matériel numérique utilisé", lambda r: _lines(r.activity.equipment.all())),
        Column("Thématique(s) d’accompagnement", lambda r: _themes(r.activity)),
        Column("Tags", lambda r: _tags(r.activity)),
        Column("Nom de la démarche administrative", lambda r: ""),
        Column("Niveau d’autonomie (ou de l’atelier)", lambda r: _stars(r.activity)),
        Column("Bénéficiaire réorienté", lambda r: _referred(r.activity)),
        Column(
            "Structure de redirection",
            lambda r: (
                r.activity.referral_structure.label if r.activity.referral_structure_id else ""
            ),
        ),
        Column("Commune du bénéficiaire", _enterprise("commune")),
        Column("Code postal du bénéficiaire", _enterprise("postcode"), kind=TEXT),
        Column("Code Insee du bénéficiaire", lambda r: "", kind=TEXT),
        Column("Genre du bénéficiaire", lambda r: "Non communiqué"),
        Column("Tranche d’âge du bénéficiaire", lambda r: "Non communiqué"),
        Column("Statut du bénéficiaire", lambda r: "Non communiqué ou hétérogène"),
        *(
            [Column("Notes supplémentaires", lambda r: r.activity.notes if r.index == 1 else "")]
            if mine
            else []
        ),
        Column("ID CRA", lambda r: r.activity.pk),
    ]
    own = [
        Column("Canal (Parcours TPE)", lambda r: r.activity.get_place_type_display()),
        Column(
            "Orientation vers une structure du réseau",
            lambda r: (
                r.activity.referral_organisation.name if r.activity.referral_organisation_id else ""
            ),
        ),
        Column(
            "Action du programme", lambda r: r.activity.action.name if r.activity.action_id else ""
        ),
        Column("Structure", lambda r: r.activity.organisation.name),
        Column(
            "QPV",
            lambda r: (
                (r.enterprise.qpv.name if r.enterprise.qpv_id else "hors QPV")
                if r.enterprise
                else ""
            ),
        ),
        Column(
            "Section NAF",
            lambda r: r.enterprise.naf.section if r.enterprise and r.enterprise.naf_id else "",
        ),
    ]
    if mine:
        own.append(Column("SIRET", _enterprise("siret"), kind=TEXT))
    return head + own
