"""Reading a PIX Orga « résultats d'une campagne d'évaluation » export: its columns and
cells, as PIX's own code writes them (1024pix/pix, ``campaign-assessment-export.js`` and
``helpers/csv.js``; research in issue 16).

- The external id sits right before « % de progression », after the participant's name
  and the organisation's learner columns (« Classe » in a school, « Groupe » and
  « Numéro Étudiant » in a university, exportable import columns elsewhere). It is found
  by the label the campaign was created with (« Identifiant TPE » by default), else by
  that position.
- Older layouts: no « Code » before mid-2023 (the campaign is then keyed by « ID
  Campagne »), « Nom du Profil Cible » before December 2022, and dates without time
  (``AAAA-MM-JJ``, a UTC calendar date) before December 2024.
- PIX prefixes with ``'`` a text starting with ``+ - = @`` (formula guard): it is removed.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import timezone

from common.tabular import normalise_header
from enterprises.enums import PIX_DOMAINS
from enterprises.imports.tables import CellError

# PIX writes its dates in Paris time, whatever the server's settings.
PARIS = ZoneInfo("Europe/Paris")
DATE_PATTERNS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
# Exports before December 2024 (and ISO forms from tools): UTC.
UTC_PATTERNS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ")
# A file re-saved by a spreadsheet may lose the time: read as Paris date.
PARIS_DATE_PATTERNS = ("%d/%m/%Y",)
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)
DOMAIN_HEADER = "% de maitrise des acquis du domaine {}"
DEFAULT_EXTERNAL_ID_LABEL = "Identifiant TPE"
SCORE_FIELDS = ["overall", *(name for name, _ in PIX_DOMAINS)]

# Canonical key → headers accepted (compared without case, accents or extra spaces).
COLUMNS = {
    "organisation": ["Nom de l'organisation"],
    "campaign_id": ["ID Campagne"],
    "code": ["Code", "Code de la campagne", "Code campagne"],
    "campaign_name": ["Nom de la campagne"],
    "target_profile": ["Parcours", "Nom du profil cible"],
    "last_name": ["Nom du Participant"],
    "first_name": ["Prénom du Participant"],
    "division": ["Classe"],
    "group": ["Groupe"],
    "student_number": ["Numéro Étudiant"],
    "progress": ["% de progression"],
    "started_at": ["Date de début"],
    "shared": ["Partage (O/N)"],
    "shared_at": ["Date du partage"],
    "overall": ["% maitrise de l'ensemble des acquis du profil"],
    **{name: [DOMAIN_HEADER.format(label)] for name, label in PIX_DOMAINS},
}
LABELS = {key: spellings[0] for key, spellings in COLUMNS.items()}
SHARED_YES = {"oui", "o"}
SHARED_NO = {"non", "n", "na"}
FORMULA_GUARD = re.compile(r"^'(?=[-+=@])")


def unescape(text):
    """Remove the apostrophe PIX puts before a text starting with ``+ - = @``."""
    return FORMULA_GUARD.sub("", text)


def find_external_id(headers, mapping, label=DEFAULT_EXTERNAL_ID_LABEL):
    """The header of the external-id column: the campaign's label, else the column just
    before « % de progression » (« Date de début » when there is no progress column).
    Returns ``(header, warning)``; raises CellError with a French message naming the
    column when the layout cannot be read."""
    wanted = normalise_header(label or DEFAULT_EXTERNAL_ID_LABEL)
    for header in headers:
        if normalise_header(unescape(header)) == wanted and header not in mapping:
            return header, None
    keys = {key: header for header, key in mapping.items()}
    anchor = keys.get("progress") or keys.get("started_at")
    if anchor is None:
        raise CellError(
            f"colonne « {LABELS['progress']} » absente : impossible de trouver la colonne de "
            f"l'identifiant externe « {label} »"
        )
    position = headers.index(anchor)
    candidate = headers[position - 1] if position else None
    if candidate is None or candidate in mapping:
        raise CellError(
            f"colonne de l'identifiant externe « {label} » absente : la colonne avant "
            f"« {anchor} » est « {candidate} ». Demandez l'identifiant externe (« {label} ») "
            "dans les paramètres de la campagne PIX Orga"
        )
    return candidate, (
        f"Colonne « {label} » absente : l'identifiant externe est lu dans la colonne "
        f"« {candidate} », juste avant « {anchor} »."
    )


def parse_shared(text):
    """« Oui »/« O » → True; « Non »/« N »/« NA » → False."""
    value = normalise_header(text)
    if value in SHARED_YES:
        return True
    if value in SHARED_NO:
        return False
    if not value:
        raise CellError("valeur manquante : « Oui » ou « Non » attendu")
    raise CellError(f"valeur non reconnue ({text}) : « Oui » ou « Non » attendu")


def parse_shared_at(text):
    """An aware datetime: « JJ/MM/AAAA HH:MM » in Paris time (PIX since December 2024),
    « AAAA-MM-JJ » as a UTC date (older exports)."""
    if not text or text.upper() == "NA":
        raise CellError("date du partage manquante pour une participation partagée")
    for patterns, zone in (
        (DATE_PATTERNS, PARIS),
        (UTC_PATTERNS, datetime.UTC),
        (PARIS_DATE_PATTERNS, PARIS),
    ):
        for pattern in patterns:
            try:
                naive = datetime.datetime.strptime(text, pattern)
            except ValueError:
                continue
            value = naive.replace(tzinfo=zone)
            if value > timezone.now():
                raise CellError(f"date dans le futur ({text})")
            return value
    raise CellError(f"date illisible ({text}) : JJ/MM/AAAA HH:MM attendu")


def parse_rate(text):
    """A mastery rate in percent (one decimal), or None for « NA ».

    PIX writes ratios (« 0,85 » is 85 %); a person types percents (« 85 % », « 85,5% »):
    a value above 1 or followed by % is a percent."""
    if text.upper() == "NA":
        return None
    cleaned = re.sub(r"[\s\u202f\xa0]", "", text)
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"taux illisible ({text}) : « 0,85 » ou « 85 % » attendu") from None
    if not value.is_finite():
        raise CellError(f"taux illisible ({text}) : « 0,85 » ou « 85 % » attendu")
    if not percent and value <= 1:
        value *= HUNDRED
    if not 0 <= value <= HUNDRED:
        raise CellError(f"taux hors limites ({text}) : entre 0 et 100 % attendu")
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def normalise_name(text):
    """A person's name compared without case, accents, hyphens or extra spaces."""
    return normalise_header(unescape(text or ""))


def scores_to_json(scores):
    """{"overall": "85.0", "score_information": "70.0" or None, …}."""
    return {key: None if scores.get(key) is None else str(scores[key]) for key in SCORE_FIELDS}


def scores_from_json(data):
    scores = {}
    try:
        for key in SCORE_FIELDS:
            value = (data or {}).get(key)
            scores[key] = None if value is None else Decimal(str(value))
    except (InvalidOperation, AttributeError):
        raise ValueError("Résultats du rapprochement illisibles.") from None
    if scores["overall"] is None:
        raise ValueError("Résultats du rapprochement incomplets : maîtrise globale absente.")
    return scores
