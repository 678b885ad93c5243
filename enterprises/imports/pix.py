"""Importing PIX Orga campaign results (assessment campaigns) into diagnostics.

The export is the one PIX Orga writes: ``;`` separated, UTF-8 with BOM, decimal comma,
dates ``JJ/MM/AAAA HH:MM`` in Paris time, ``NA`` where the participant has not shared.

`prepare_pix` reads and checks a file and says, row by row, what would happen (nothing is
written); `apply_pix` writes a prepared import in one transaction, everything or nothing.
A participant is matched by the campaign's external id (`Contact.pix_external_id`); failing
that, a contact with the same name is only *proposed* (`PixProposal`) and staff confirm it
with `confirm_proposal`.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.tabular import TableError, match_headers, normalise_header, read_table
from enterprises.enums import PIX_DOMAINS, AssessmentKind, AssessmentSource
from enterprises.imports.pix_format import (
    COLUMNS,
    DEFAULT_EXTERNAL_ID_LABEL,
    DOMAIN_HEADER,
    LABELS,
    PARIS,
    SCORE_FIELDS,
    find_external_id,
    normalise_name,
    parse_rate,
    parse_shared,
    parse_shared_at,
    scores_from_json,
    scores_to_json,
    unescape,
)
from enterprises.imports.tables import CellError
from enterprises.models import Assessment, Contact, Enterprise, PixCampaign, PixProposal

__all__ = ["apply_pix", "confirm_proposal", "parse_rate", "prepare_pix"]

REQUIRED = ["last_name", "first_name", "shared", "shared_at", "overall"]
# Headers of a profile-collection export (« Envoi (O/N) » is how PIX Orga names sharing there).
PROFILE_COLLECTION = {normalise_header(h) for h in ("Envoi (O/N)", "Nombre de pix total")}
MAX_CAMPAIGN = PixProposal._meta.get_field("campaign").max_length
MAX_EXTERNAL_ID = PixProposal._meta.get_field("external_id").max_length
MAX_PARTICIPANT = PixProposal._meta.get_field("participant_name").max_length

# Row statuses.
MATCHED = "matched"
TO_CONFIRM = "to_confirm"
UNSHARED = "unshared"
ALREADY = "already"
REFUSED = "refused"


@dataclass
class PixRow:
    """What the import does with one line of the export."""

    line: int
    participant: str = ""  # « Prénom Nom » as PIX writes it
    external_id: str = ""
    campaign: str = ""
    shared: bool = False
    shared_at: datetime.datetime | None = None
    scores: dict = field(default_factory=dict)  # "overall" and score_* → Decimal or None
    contact: Contact | None = None  # matched, or proposed by name
    status: str = ""  # MATCHED, TO_CONFIRM, UNSHARED, ALREADY or REFUSED
    errors: list = field(default_factory=list)  # (column header, reason)


@dataclass
class PixImport:
    """A checked PIX export: what would be written, and every problem found."""

    filename: str = ""
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    external_id_label: str = DEFAULT_EXTERNAL_ID_LABEL  # the label read (kept per campaign)

    def _with(self, status):
        return [row for row in self.rows if row.status == status]

    @property
    def matched(self):
        """Rows matched by external id: one diagnostic each."""
        return self._with(MATCHED)

    @property
    def to_confirm(self):
        """Rows matched by name only: one proposal each, for staff to confirm."""
        return self._with(TO_CONFIRM)

    @property
    def unshared(self):
        return self._with(UNSHARED)

    @property
    def already(self):
        return self._with(ALREADY)

    @property
    def refused(self):
        return self._with(REFUSED)

    @property
    def ok(self):
        return not self.file_errors and not self.refused and bool(self.rows)

    def counts(self):
        return {
            "rows": len(self.rows),
            "matched": len(self.matched),
            "to_confirm": len(self.to_confirm),
            "unshared": len(self.unshared),
            "already": len(self.already),
            "refused": len(self.refused),
        }

    def summary(self):
        """The counts in French, one line each."""
        counts = self.counts()
        return [
            f"Lignes : {counts['rows']}",
            f"Rapprochées : {counts['matched']}",
            f"À confirmer par l'équipe : {counts['to_confirm']}",
            f"Non partagées : {counts['unshared']}",
            f"Déjà importées : {counts['already']}",
            f"Refusées : {counts['refused']}",
        ]

    def messages(self):
        """Every problem in plain French, one line each."""
        lines = list(self.file_errors)
        for row in self.refused:
            for column, reason in row.errors:
                lines.append(f"Ligne {row.line}, colonne « {column} » : {reason}")
        return lines


# --- Preparing -----------------------------------------------------------------------------


def prepare_pix(content, filename, external_id_label=None):
    """Read and check a PIX Orga export; nothing is written. Returns a PixImport.

    ``external_id_label`` is the label the campaign asks participants for; by default the
    one kept for the file's campaign (`PixCampaign`), else « Identifiant TPE »."""
    prepared = PixImport(filename=filename)
    try:
        table = read_table(content, filename)
        mapping, _unknown, missing = match_headers(table.headers, COLUMNS)
    except TableError as error:
        prepared.file_errors.append(str(error))
        return prepared
    normalised = {normalise_header(h) for h in table.headers}
    if "overall" in missing and ("shared" not in missing or normalised & PROFILE_COLLECTION):
        prepared.file_errors.append(
            "Ce fichier est l'export d'une campagne de collecte de profils, pas une campagne "
            "d'évaluation : exportez les résultats d'une campagne d'évaluation depuis PIX Orga."
        )
        return prepared
    absent = [LABELS[key] for key in missing if key in REQUIRED]
    if "code" in missing and "campaign_id" in missing:
        absent.append(LABELS["code"])
    if absent:
        prepared.file_errors.append(
            "Colonne(s) obligatoire(s) absente(s) : " + ", ".join(f"« {a} »" for a in absent) + "."
        )
        return prepared
    headers = {key: header for header, key in mapping.items()}
    if not external_id_label:
        external_id_label = _campaign_label(table, headers)
    prepared.external_id_label = external_id_label
    try:
        headers["external_id"], warning = find_external_id(
            table.headers, mapping, external_id_label
        )
    except CellError as error:
        prepared.file_errors.append(f"Fichier illisible : {error}.")
        return prepared
    if warning:
        prepared.warnings.append(warning)
    if "code" not in headers:
        # Exports before mid-2023 have no campaign code: PIX's campaign number stands in.
        headers["code"] = headers["campaign_id"]
        prepared.warnings.append(
            "Export sans colonne « Code » (avant 2023) : la campagne est désignée par son "
            "« ID Campagne »."
        )
    for name, label in PIX_DOMAINS:
        if name not in headers:
            prepared.warnings.append(
                f"Colonne « {DOMAIN_HEADER.format(label)} » absente : pas de score « {label} »."
            )
    for line, raw in table.rows:
        prepared.rows.append(_read_row(line, raw, headers))
    _match(prepared, headers)
    return prepared


def _campaign_label(table, headers):
    """The label kept for the file's (first) campaign, else the default."""
    key = headers.get("code") or headers.get("campaign_id")
    codes = [unescape(raw.get(key, "").strip()) for _, raw in table.rows[:1]]
    label = (
        PixCampaign.objects.filter(code__in=codes)
        .values_list("external_id_label", flat=True)
        .first()
    )
    return label or DEFAULT_EXTERNAL_ID_LABEL


def _read_row(line, raw, headers):
    def cell(key):
        return " ".join(raw.get(headers[key], "").split())

    row = PixRow(line=line)
    row.participant = unescape(f"{unescape(cell('first_name'))} {unescape(cell('last_name'))}")
    row.participant = row.participant.strip()
    # Exact, only stripped and without the apostrophe PIX adds before + - = @.
    row.external_id = unescape(raw.get(headers["external_id"], "").strip())
    row.campaign = unescape(cell("code"))
    try:
        row.shared = parse_shared(cell("shared"))
    except CellError as error:
        row.errors.append((headers["shared"], str(error)))
        row.status = REFUSED
        return row
    if not row.shared:
        row.status = UNSHARED
        return row
    if not row.campaign:
        row.errors.append((headers["code"], "code de campagne manquant"))
    elif len(row.campaign) > MAX_CAMPAIGN:
        row.errors.append((headers["code"], f"code de campagne trop long ({row.campaign})"))
    if len(row.external_id) > MAX_EXTERNAL_ID:
        row.errors.append(
            (headers["external_id"], f"identifiant externe trop long ({MAX_EXTERNAL_ID} max.)")
        )
    if len(row.participant) > MAX_PARTICIPANT:
        row.errors.append((headers["last_name"], "nom du participant trop long"))
    try:
        row.shared_at = parse_shared_at(cell("shared_at"))
    except CellError as error:
        row.errors.append((headers["shared_at"], str(error)))
    for key in SCORE_FIELDS:
        if key not in headers:
            row.scores[key] = None
            continue
        try:
            row.scores[key] = parse_rate(cell(key))
        except CellError as error:
            row.errors.append((headers[key], str(error)))
            continue
        if key == "overall" and row.scores[key] is None:
            row.errors.append((headers[key], "maîtrise globale manquante (NA) alors que partagée"))
    return row


def _match(prepared, headers):
    """Find each shared row's contact, and mark what is already imported."""
    rows = [row for row in prepared.rows if row.shared and not row.errors]
    ids = {row.external_id for row in rows if row.external_id}
    by_id = {
        c.pix_external_id: c
        for c in Contact.objects.filter(pix_external_id__in=ids).select_related("enterprise")
    }
    by_name = None
    for row in rows:
        contact = by_id.get(row.external_id) if row.external_id else None
        if contact is not None:
            if contact.anonymised_at:
                row.errors.append(
                    (
                        headers["external_id"],
                        f"l'identifiant externe « {row.external_id} » désigne un contact "
                        "anonymisé : retirez cette ligne du fichier",
                    )
                )
                continue
            row.contact, row.status = contact, MATCHED
            continue
        if by_name is None:
            by_name = _contacts_by_name()
        candidates = by_name.get(normalise_name(row.participant), []) if row.participant else []
        if len(candidates) == 1:
            row.contact, row.status = candidates[0], TO_CONFIRM
        elif candidates:
            row.errors.append((headers["last_name"], "plusieurs contacts portent ce nom"))
        elif row.external_id:
            row.errors.append(
                (
                    headers["external_id"],
                    f"participant inconnu : identifiant externe « {row.external_id} » sans contact",
                )
            )
        else:
            row.errors.append(
                (
                    headers["external_id"],
                    "participant inconnu : pas d'identifiant externe et aucun contact à ce nom",
                )
            )
    _mark_already(prepared, headers)
    for row in prepared.rows:
        if row.errors:
            row.status = REFUSED


def _contacts_by_name():
    """Contacts that may be proposed (never an anonymised one), by normalised full name."""
    found = {}
    contacts = Contact.objects.filter(anonymised_at__isnull=True).select_related("enterprise")
    for contact in contacts:
        key = normalise_name(f"{contact.first_name} {contact.last_name}")
        if key:
            found.setdefault(key, []).append(contact)
    return found


def _key(contact_id, campaign, shared_at):
    return contact_id, campaign, shared_at.astimezone(datetime.UTC)


def _mark_already(prepared, headers):
    rows = [row for row in prepared.rows if row.status in (MATCHED, TO_CONFIRM)]
    contact_ids = {row.contact.pk for row in rows}
    campaigns = {row.campaign for row in rows}
    done = {
        _key(*values)
        for values in Assessment.objects.filter(
            source=AssessmentSource.PIX,
            contact_id__in=contact_ids,
            pix_campaign__in=campaigns,
            pix_shared_at__isnull=False,
        ).values_list("contact_id", "pix_campaign", "pix_shared_at")
    }
    done |= {
        _key(*values)
        for values in PixProposal.objects.filter(
            contact_id__in=contact_ids, campaign__in=campaigns
        ).values_list("contact_id", "campaign", "shared_at")
    }
    seen = {}
    for row in rows:
        key = _key(row.contact.pk, row.campaign, row.shared_at)
        if key in done:
            row.status = ALREADY
        elif key in seen:
            row.errors.append(
                (headers["external_id"], f"doublon dans le fichier (déjà ligne {seen[key]})")
            )
        else:
            seen[key] = row.line


# --- Writing -------------------------------------------------------------------------------


class _Recorder:
    """Creates diagnostics, deciding initial/final and moving enterprises along."""

    def __init__(self, user):
        self.user = user
        self.assessed = set()  # contact ids known to have a diagnostic
        self.checked = set()
        self.enterprises = {}

    def prefetch(self, contacts):
        ids = {c.pk for c in contacts} - self.checked
        self.assessed |= set(
            Assessment.objects.filter(contact_id__in=ids).values_list("contact_id", flat=True)
        )
        self.checked |= ids
        missing = {c.enterprise_id for c in contacts} - set(self.enterprises)
        self.enterprises |= Enterprise.objects.in_bulk(missing)

    def record(self, contact, campaign, shared_at, scores):
        self.prefetch([contact])
        enterprise = self.enterprises[contact.enterprise_id]
        initial = contact.pk not in self.assessed
        assessment = Assessment(
            enterprise=enterprise,
            contact=contact,
            source=AssessmentSource.PIX,
            kind=AssessmentKind.INITIAL if initial else AssessmentKind.FINAL,
            date=shared_at.astimezone(PARIS).date(),
            pix_campaign=campaign,
            pix_shared_at=shared_at,
            created_by=self.user,
            **{key: scores.get(key) for key in SCORE_FIELDS},
        )
        assessment._history_user = enterprise._history_user = self.user
        assessment.record(by=self.user, note="diagnostic PIX")  # moves a « repérée » along
        self.assessed.add(contact.pk)
        return assessment


RACE_MESSAGE = (
    "Une partie de ces résultats vient d'être importée par ailleurs : relancez l'import "
    "pour voir ce qu'il reste à faire."
)


def apply_pix(prepared, user=None):
    """Write a prepared import, everything or nothing.

    Returns (diagnostics created, proposals created)."""
    if not prepared.ok:
        raise ValueError("Import PIX refusé : corrigez le fichier d'abord.")
    try:
        with transaction.atomic():
            recorder = _Recorder(user)
            recorder.prefetch([row.contact for row in prepared.matched])
            assessments = 0
            proposals = []
            for row in prepared.rows:
                if row.status == MATCHED:
                    recorder.record(row.contact, row.campaign, row.shared_at, row.scores)
                    assessments += 1
                elif row.status == TO_CONFIRM:
                    proposals.append(
                        PixProposal(
                            contact=row.contact,
                            participant_name=row.participant,
                            external_id=row.external_id,
                            campaign=row.campaign,
                            shared_at=row.shared_at,
                            scores=scores_to_json(row.scores),
                        )
                    )
            PixProposal.objects.bulk_create(proposals)
            # The label the campaign's external id was read under, for its next files.
            for code in sorted({row.campaign for row in prepared.rows if row.campaign}):
                PixCampaign.objects.update_or_create(
                    code=code, defaults={"external_id_label": prepared.external_id_label}
                )
    except IntegrityError:
        raise ValueError(RACE_MESSAGE) from None
    return assessments, len(proposals)


def confirm_proposal(proposal, user, accept):
    """Staff's decision on a proposal: accept creates the diagnostic, reject only records it.

    Returns the diagnostic created (None on reject)."""
    try:
        with transaction.atomic():
            locked = (
                PixProposal.objects.select_for_update()
                .select_related("contact")
                .get(pk=proposal.pk)
            )
            if locked.decided_at is not None:
                decided = timezone.localtime(locked.decided_at)
                verdict = "confirmé" if locked.accepted else "écarté"
                raise ValueError(
                    f"Ce rapprochement a déjà été {verdict} le {decided:%d/%m/%Y à %H:%M}."
                )
            assessment = None
            if accept:
                assessment = _accept(locked, user)
            locked.decided_at, locked.accepted = timezone.now(), bool(accept)
            locked.save(update_fields=["decided_at", "accepted"])
    except IntegrityError:
        raise ValueError(RACE_MESSAGE) from None
    proposal.decided_at, proposal.accepted = locked.decided_at, locked.accepted
    return assessment


def _accept(proposal, user):
    contact = proposal.contact
    if contact.anonymised_at:
        raise ValueError("Ce contact a été anonymisé : le résultat ne peut plus lui être rattaché.")
    if Assessment.objects.filter(
        source=AssessmentSource.PIX,
        contact=contact,
        pix_campaign=proposal.campaign,
        pix_shared_at=proposal.shared_at,
    ).exists():
        raise ValueError("Ce résultat PIX est déjà enregistré pour ce contact.")
    scores = scores_from_json(proposal.scores)
    return _Recorder(user).record(contact, proposal.campaign, proposal.shared_at, scores)
