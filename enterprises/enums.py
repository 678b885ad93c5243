from django.db import models


class Stage(models.TextChoices):
    """Where an enterprise stands in the parcours."""

    REPEREE = "reperee", "repérée"
    DIAGNOSTIQUEE = "diagnostiquee", "diagnostiquée"
    ACCOMPAGNEE = "accompagnee", "accompagnée"
    AUTONOME = "autonome", "autonome"
    SORTIE = "sortie", "sortie"


class QpvSource(models.TextChoices):
    POINT = "point", "calculé depuis les coordonnées"
    MANUAL = "manual", "choisi à la main"
    NONE = "none", "hors QPV"


class Source(models.TextChoices):
    """How the enterprise was found (repérage)."""

    SIRENE = "sirene", "extrait SIRENE"
    IMPORT = "import", "import de fichier"
    TERRAIN = "terrain", "repérage terrain"
    PARTENAIRE = "partenaire", "orientée par un partenaire"
    DEMANDE = "demande", "demande de l'entreprise"
    EN_LIGNE = "en_ligne", "demande en ligne"
    DEMO = "demo", "données de démonstration"


class HeadcountBand(models.TextChoices):
    """INSEE's tranches d'effectifs salariés (the ones a TPE can have, then beyond)."""

    NN = "NN", "non employeuse (NN)"
    T00 = "00", "0 salarié"
    T01 = "01", "1 ou 2 salariés"
    T02 = "02", "3 à 5 salariés"
    T03 = "03", "6 à 9 salariés"
    T11 = "11", "10 à 19 salariés"
    T12 = "12", "20 à 49 salariés"
    T21 = "21", "50 salariés ou plus"


# Bands a TPE (fewer than 10 people) can have.
TPE_BANDS = {
    HeadcountBand.NN,
    HeadcountBand.T00,
    HeadcountBand.T01,
    HeadcountBand.T02,
    HeadcountBand.T03,
}


def band_for_headcount(headcount):
    """The INSEE band of an exact headcount (0 → « 00 »)."""
    if headcount is None:
        return ""
    for limit, band in ((0, "00"), (2, "01"), (5, "02"), (9, "03"), (19, "11"), (49, "12")):
        if headcount <= limit:
            return band
    return "21"


class ExitReason(models.TextChoices):
    """Why an enterprise left the parcours (stage « sortie »)."""

    NE_SOUHAITE_PAS = "ne_souhaite_pas", "ne souhaite pas poursuivre"
    INJOIGNABLE = "injoignable", "injoignable"
    CESSATION = "cessation", "cessation d'activité"
    DEMENAGEMENT = "demenagement", "déménagement hors QPV"
    AUTRE = "autre", "autre"


class TpeStatus(models.TextChoices):
    TPE = "tpe", "TPE"
    NON_TPE = "non_tpe", "pas une TPE"
    UNKNOWN = "inconnu", "à vérifier"


class ConsentMethod(models.TextChoices):
    ORAL = "oral", "accord oral, noté par le conseiller"
    ECRIT = "ecrit", "accord écrit (formulaire signé)"
    EN_LIGNE = "en_ligne", "formulaire en ligne"


class AssignmentStatus(models.TextChoices):
    """Statuses as partners know them from Conseillers-Entreprises."""

    QUO = "quo", "en attente"
    TAKING_CARE = "taking_care", "en cours"
    DONE = "done", "aide proposée"
    DONE_NO_HELP = "done_no_help", "pas d'aide"
    DONE_NOT_REACHABLE = "done_not_reachable", "non joignable"
    NOT_FOR_ME = "not_for_me", "refusé"
    EXPIRED = "expired", "expirée"


CLOSED_STATUSES = (
    AssignmentStatus.DONE,
    AssignmentStatus.DONE_NO_HELP,
    AssignmentStatus.DONE_NOT_REACHABLE,
)
# An orientation that ended without the partner working with the enterprise: it stops
# giving access to contacts and editing at once, to the enterprise after a grace period.
ENDED_STATUSES = (AssignmentStatus.NOT_FOR_ME, AssignmentStatus.EXPIRED)


class DeclineReason(models.TextChoices):
    HORS_COMPETENCE = "hors_competence", "hors de notre champ de compétence"
    PAS_DE_CAPACITE = "pas_de_capacite", "pas de disponibilité en ce moment"
    DEJA_ACCOMPAGNEE = "deja_accompagnee", "entreprise déjà accompagnée par ailleurs"
    HORS_TERRITOIRE = "hors_territoire", "hors de notre territoire d'intervention"
    AUTRE = "autre", "autre raison"


class ActivityKind(models.TextChoices):
    """Coop TypeActivite."""

    INDIVIDUEL = "individuel", "accompagnement individuel"
    COLLECTIF = "collectif", "atelier collectif"
    # Not a Coop kind: a session between a pair and a beginner (délibération, « pair à
    # pair »), logged with the individual session's fields (enterprises/forms/pairs.py);
    # its figures are in grant/indicators/pairs.py.
    PAIR = "pair_a_pair", "pair à pair"


class PlaceType(models.TextChoices):
    """Coop TypeLieu, read for a TPE (« À domicile » is « dans l'entreprise »)."""

    LIEU_ACTIVITE = "lieu_activite", "lieu d'activité (tiers-lieu, permanence…)"
    DOMICILE = "domicile", "dans l'entreprise"
    A_DISTANCE = "a_distance", "à distance"
    AUTRE = "autre", "autre lieu"


class Attendance(models.TextChoices):
    PRESENT = "present", "présent"
    ABSENT = "absent", "absent"
    EXCUSE = "excuse", "excusé"


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "initial"
    INTERMEDIAIRE = "intermediaire", "intermédiaire"
    FINAL = "final", "final"


class AssessmentSource(models.TextChoices):
    PIX = "pix", "campagne PIX (import)"
    AUTO = "auto", "auto-évaluation"
    CONSEILLER = "conseiller", "conseiller"


# The five PIX domains: (field name, label as PIX writes it).
PIX_DOMAINS = [
    ("score_information", "Informations et données"),
    ("score_communication", "Communication et collaboration"),
    ("score_creation", "Création de contenu"),
    ("score_security", "Protection et sécurité"),
    ("score_environment", "Environnement numérique"),
]

DURATION_PRESETS = [15, 30, 45, 60, 90, 120]
MAX_DURATION = 8 * 60  # a session or workshop of more than a working day is a typo


class Need(models.TextChoices):
    """What an entrepreneur wants help with, in plain words (the programme's TPE themes):
    asked on the public form, and again in the survey (« what it allowed you to do »)."""

    VISIBLE = "visible", "être visible en ligne (fiche sur les cartes, avis, annuaires)"
    SITE = "site", "avoir ou mettre à jour un site internet"
    RESEAUX = "reseaux", "utiliser les réseaux sociaux pour mon activité"
    VENDRE = "vendre", "vendre ou être payé en ligne"
    DEMARCHES = "demarches", "faire mes démarches en ligne (URSSAF, impôts, marchés)"
    GERER = "gerer", "gérer, facturer, tenir mes comptes avec des outils numériques"
    SECURISER = "securiser", "sécuriser mes comptes et mes données, faire des sauvegardes"
    OUTILS = "outils", "mieux utiliser mon ordinateur, mon téléphone, ma messagerie"
    AUTRE = "autre", "autre chose"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "par téléphone"
    EMAIL = "email", "par e-mail"


class TimeSlot(models.TextChoices):
    MORNING = "matin", "le matin (9 h – 12 h)"
    NOON = "midi", "à midi (12 h – 14 h)"
    AFTERNOON = "apres_midi", "l'après-midi (14 h – 18 h)"
    EVENING = "soir", "en fin de journée (après 18 h)"
    SATURDAY = "samedi", "le samedi"


class JoinRequestStatus(models.TextChoices):
    NEW = "new", "à traiter"
    ACCEPTED = "accepted", "acceptée"
    MERGED = "merged", "rattachée à une entreprise connue"
    REFUSED = "refused", "refusée"


class SurveyTrigger(models.TextChoices):
    CLOSED = "closed", "orientation clôturée par le partenaire"
    AUTONOMOUS = "autonomous", "parcours arrivé à « autonome »"
    SIX_MONTHS = "six_months", "six mois après « autonome »"


class Recontacted(models.TextChoices):
    YES = "yes", "oui"
    NO = "no", "non"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    ACCEPTED = "accepted", "acceptée"
    REFUSED = "refused", "refusée"


class AccessOutcome(models.TextChoices):
    ORIENTATION = "orientation", "orientation vers la structure du demandeur"
    REFERENT = "referent", "demandeur nommé référent"


# --- Pair à pair (enterprises/models/pairs.py) -------------------------------------


class ConsentPurpose(models.TextChoices):
    """What an entrepreneur agreed to, each purpose with its own consent."""

    PAIR = "pair", "être proposé·e comme pair"
    STORY = "temoignage", "publication d'un témoignage"


class AgreementMethod(models.TextChoices):
    """How an agreement was given."""

    LINK = "lien", "lien signé reçu par e-mail"
    CONSEILLER = "conseiller", "accord noté par le conseiller"


class PairingStatus(models.TextChoices):
    PROPOSED = "proposee", "proposée"
    ACTIVE = "en_cours", "en cours"
    ENDED = "terminee", "terminée"
    CANCELLED = "annulee", "annulée"


class PairingOutcome(models.TextChoices):
    REACHED = "atteint", "objectifs atteints"
    PARTLY = "partiel", "objectifs en partie atteints"
    STOPPED = "interrompu", "interrompue"
    WITHDRAWN = "retrait", "consentement du pair retiré"
