"""Importing enterprises from the CSV/XLSX files staff have: check everything, then write
everything or nothing.

`prepare_import` reads and checks a file and says, row by row, what would happen (the dry
run and the admin's preview); `apply_import` writes a prepared import in one transaction.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.tabular import TableError, match_headers, read_table
from enterprises.enums import QpvSource, Source, Stage
from enterprises.forms.registry import normalise_naf
from enterprises.imports.bulk import copy_to_history, created_ids, first_stage_changes
from enterprises.models import Enterprise
from enterprises.signals import records_changed
from enterprises.validators import (
    normalise_siret,
    validate_creation_date,
    validate_latitude,
    validate_longitude,
    validate_postcode,
    validate_siret,
)
from programme.enums import QpvGeneration
from programme.geo import QpvLocator
from programme.models import NafCode, Qpv

# Canonical field → headers accepted (compared without case, accents or extra spaces).
COLUMNS = {
    "siret": ["SIRET", "N° SIRET", "Numéro SIRET"],
    "name": ["Raison sociale", "Dénomination", "Nom de l'entreprise"],
    "trade_name": ["Enseigne", "Nom commercial"],
    "legal_form": ["Forme juridique"],
    "naf": ["Code NAF", "Code APE", "NAF", "APE"],
    "created_on": ["Date de création"],
    "headcount": ["Effectif", "Effectifs", "Nombre de salariés"],
    "turnover": ["Chiffre d'affaires", "CA"],
    "balance_sheet": ["Total du bilan", "Bilan"],
    "address": ["Adresse"],
    "postcode": ["Code postal", "CP"],
    "commune": ["Commune", "Ville"],
    "latitude": ["Latitude", "Lat"],
    "longitude": ["Longitude", "Lon", "Lng"],
    "qpv": ["QPV", "Code QPV"],
}
REQUIRED = ["siret", "name"]
# The template's columns, in order, with an example row.
TEMPLATE = [
    ("SIRET", "732 829 320 00074"),
    ("Raison sociale", "BOULANGERIE DUPONT"),
    ("Enseigne", "Au bon pain"),
    ("Forme juridique", "SARL"),
    ("Code NAF", "10.71C"),
    ("Date de création", "15/03/2015"),
    ("Effectif", "3"),
    ("Chiffre d'affaires", "180000"),
    ("Total du bilan", ""),
    ("Adresse", "12 rue de la Mosson"),
    ("Code postal", "34080"),
    ("Commune", "Montpellier"),
    ("Latitude", "43,6321"),
    ("Longitude", "3,8200"),
    ("QPV", ""),
]
LABELS = {key: spellings[0] for key, spellings in COLUMNS.items()}
# Fields an import may set on an existing enterprise (never its parcours or referent).
UPDATABLE = [
    "name",
    "trade_name",
    "legal_form",
    "naf",
    "created_on",
    "headcount",
    "turnover",
    "balance_sheet",
    "address",
    "postcode",
    "commune",
    "latitude",
    "longitude",
]
# Set by locate() and refresh_derived(), written along with the imported fields.
DERIVED = [
    "qpv",
    "qpv_source",
    "point_qpv",
    "headcount_band",
    "tpe_status",
    "tpe_reason",
    "updated_at",
]
FORMULA_START = ("=", "+", "@", "\t", "\r")


@dataclass
class RowResult:
    """What the import does with one line of the file."""

    line: int
    siret: str = ""
    action: str = ""  # "create", "update", "unchanged" or "" when refused
    errors: list = field(default_factory=list)  # (column header, reason)
    changes: list = field(default_factory=list)  # (field label, old, new)
    values: dict = field(default_factory=dict)
    qpv: object = None  # the QPV the enterprise will have once imported
    outside: str = ""  # why it will be « hors QPV », for the preview's warning


@dataclass
class PreparedImport:
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def outside_qpv(self):
        return [r for r in self.rows if r.action in ("create", "update") and r.outside]

    @property
    def refused(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.file_errors and not self.refused and bool(self.rows)

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def to_create(self):
        return [r for r in self.rows if r.action == "create"]

    @property
    def to_update(self):
        return [r for r in self.rows if r.action == "update"]

    @property
    def unchanged_count(self):
        return self.count("unchanged")

    def messages(self):
        """Every problem in plain French, one line each."""
        lines = list(self.file_errors)
        for row in self.refused:
            for column, reason in row.errors:
                lines.append(f"Ligne {row.line}, colonne « {column} » : {reason}")
        return lines


class CellError(ValueError):
    """One cell that cannot be read; its message is the French reason."""


# What the database accepts: a cell is checked against its field before anything is written,
# so that the confirmation cannot fail where the preview said yes.
MAX_HEADCOUNT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
# Control characters (C0 but tab and line breaks, DEL, C1): PostgreSQL refuses NUL, and
# the others are invisible garbage from a bad export.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_text(key, text):
    """Refuse control characters and text longer than the field holds."""
    control = CONTROL.search(text)
    if control:
        code = f"U+{ord(control.group()):04X}"
        raise CellError(f"caractère de contrôle invisible ({code}) refusé : retirez-le")
    field = Enterprise._meta.get_field(key) if key in TEXT_FIELDS else None
    if field is not None and len(text) > field.max_length:
        raise CellError(f"{field.max_length} caractères au plus ({len(text)} dans la cellule)")


def _french_number(value):
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


def parse_decimal(text):
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("nombre attendu") from None
    if not value.is_finite():
        raise CellError(f"nombre attendu ({text} n'est pas un nombre)")
    return value


def parse_amount(text):
    """A sum in euros, with at most two decimals, that the database can hold."""
    value = parse_decimal(text.replace("€", ""))
    if value < 0:
        raise CellError("montant négatif")
    if value > MAX_AMOUNT:
        raise CellError(f"montant trop grand (au plus {_french_number(MAX_AMOUNT)} €)")
    if value != value.quantize(Decimal("0.01")):
        raise CellError("deux décimales au plus (centimes)")
    return value.quantize(Decimal("0.01"))


def _validated(validator, value):
    try:
        validator(value)
    except ValidationError as error:
        message = " ".join(error.messages).rstrip(".")
        raise CellError(message[0].lower() + message[1:]) from None
    return value


def parse_date(text):
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M"):
        try:
            value = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if value > timezone.localdate():
            raise CellError(f"date dans le futur ({text})")
        return _validated(validate_creation_date, value)
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        raise CellError(f"date impossible ({text})")
    raise CellError(f"date illisible ({text}) : JJ/MM/AAAA attendu")


def parse_cell(key, text, context):
    """Turn one cell into a model value, or raise CellError with a French reason."""
    check_text(key, text)
    if text.startswith(FORMULA_START) or (text.startswith("-") and key not in NUMERIC):
        raise CellError("texte commençant comme une formule de tableur (=, +, -, @) refusé")
    if key == "siret":
        siret = normalise_siret(text)
        if re.fullmatch(r"\d{12,13}", siret):
            siret = siret.zfill(14)  # a spreadsheet drops leading zeros of numbers
        if not siret:
            raise CellError("SIRET manquant")
        try:
            validate_siret(siret)
        except Exception as error:
            raise CellError(" ".join(error.messages)) from None
        return siret
    if key == "naf":
        code = normalise_naf(text)
        naf = context["naf"].get(code)
        if naf is None:
            raise CellError(f"code NAF inconnu ({text})")
        return naf
    if key == "created_on":
        return parse_date(text)
    if key == "headcount":
        value = parse_decimal(text)
        if value < 0:
            raise CellError("effectif négatif")
        if value > MAX_HEADCOUNT:
            raise CellError(f"effectif trop grand (au plus {_french_number(MAX_HEADCOUNT)})")
        if value != value.to_integral_value():
            raise CellError("nombre entier attendu")
        return int(value)
    if key in ("turnover", "balance_sheet"):
        return parse_amount(text)
    if key in ("latitude", "longitude"):
        value = parse_decimal(text)
        if abs(value) > 360:
            raise CellError("coordonnée hors limites (degrés WGS84)")
        validator = validate_latitude if key == "latitude" else validate_longitude
        return _validated(validator, float(value))
    if key == "postcode":
        return _validated(validate_postcode, text)
    if key == "qpv":
        qpv = context["qpv"].get(text.upper()) or context["qpv"].get(text.lower())
        if qpv is None:
            raise CellError(f"QPV inconnu ({text}) : code QP034… ou nom attendu")
        return qpv
    return text


TEXT_FIELDS = {"name", "trade_name", "legal_form", "address", "commune"}
NUMERIC = {"headcount", "turnover", "balance_sheet", "latitude", "longitude"}


def _context():
    qpvs = list(Qpv.objects.of_generation(QpvGeneration.G2015))
    lookup = {q.code.upper(): q for q in qpvs} | {q.name.lower(): q for q in qpvs}
    return {
        "naf": {n.code: n for n in NafCode.objects.all()},
        "qpv": lookup,
        "locator": QpvLocator(qpvs),
    }


def _display(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def prepare_import(content, filename):
    """Read and check a file; nothing is written. Returns a PreparedImport."""
    prepared = PreparedImport()
    try:
        table = read_table(content, filename)
        mapping, unknown, missing = match_headers(table.headers, COLUMNS)
    except TableError as error:
        prepared.file_errors.append(str(error))
        return prepared
    for header in unknown:
        prepared.warnings.append(f"Colonne « {header} » inconnue : elle est ignorée.")
    absent = [LABELS[key] for key in missing if key in REQUIRED]
    if absent:
        prepared.file_errors.append(
            "Colonne(s) obligatoire(s) absente(s) : " + ", ".join(f"« {a} »" for a in absent) + "."
        )
        return prepared
    headers = {key: header for header, key in mapping.items()}
    context = _context()
    seen = {}
    for line, raw in table.rows:
        row = RowResult(line=line)
        for key, header in headers.items():
            text = raw.get(header, "")
            if not text:
                if key in REQUIRED:
                    row.errors.append((header, "valeur obligatoire manquante"))
                continue
            try:
                row.values[key] = parse_cell(key, text, context)
            except CellError as error:
                row.errors.append((header, str(error)))
        given = [key for key in ("latitude", "longitude") if raw.get(headers.get(key, ""), "")]
        if len(given) == 1:
            missing_key = "longitude" if given == ["latitude"] else "latitude"
            column = headers.get(missing_key, LABELS[missing_key])
            row.errors.append((column, "latitude et longitude vont ensemble"))
        siret = row.values.get("siret")
        if siret:
            row.siret = siret
            if siret in seen:
                row.errors.append(
                    (headers["siret"], f"doublon dans le fichier (déjà ligne {seen[siret]})")
                )
            else:
                seen[siret] = line
        prepared.rows.append(row)
    if not prepared.rows:
        prepared.file_errors.append("Le fichier ne contient aucune ligne de données.")
    existing = {
        e.siret: e
        for e in Enterprise.objects.filter(siret__in=list(seen)).select_related("naf", "qpv")
    }
    for row in prepared.rows:
        if row.errors:
            continue
        current = existing.get(row.siret)
        if current is None:
            row.action = "create"
            continue
        for key in UPDATABLE:
            if key in row.values and getattr(current, key) != row.values[key]:
                label = Enterprise._meta.get_field(key).verbose_name
                row.changes.append(
                    (label, _display(getattr(current, key)), _display(row.values[key]))
                )
        if "qpv" in row.values and current.qpv_id != row.values["qpv"].pk:
            row.changes.append(("QPV", _display(current.qpv), _display(row.values["qpv"])))
        row.action = "update" if row.changes else "unchanged"
    for row in prepared.rows:
        if row.action in ("create", "update"):
            _foresee_qpv(row, existing.get(row.siret), context["locator"])
    prepared.context = context
    return prepared


# A point closer than this to a contour, yet outside, is worth a look (the contours are
# simplified to about 10 m and addresses are often geocoded a few dozen metres off).
NEAR_CONTOUR_METRES = 100


def _foresee_qpv(row, current, locator):
    """The QPV the row will give the enterprise (as `_fill` then `locate` will), and why
    it will be « hors QPV » when it will."""
    values = row.values
    if "qpv" in values:
        row.qpv = values["qpv"]
        return
    if current is not None and current.qpv_source == QpvSource.MANUAL and current.qpv_id:
        row.qpv = current.qpv
        return
    latitude = values.get("latitude", current.latitude if current else None)
    longitude = values.get("longitude", current.longitude if current else None)
    if latitude is None or longitude is None:
        row.outside = "hors QPV : pas de coordonnées (ni QPV indiqué)"
        return
    row.qpv = locator.locate(latitude, longitude)
    if row.qpv is not None:
        return
    near = locator.nearest_boundary(latitude, longitude, NEAR_CONTOUR_METRES)
    if near is None:
        row.outside = "hors QPV : le point est loin de tout QPV"
    else:
        qpv, metres = near
        row.outside = (
            f"hors QPV, à {round(metres)} m du contour de « {qpv.name} » : vérifiez "
            "l'adresse ou indiquez le QPV"
        )


def _fill(enterprise, values, locator):
    for key in UPDATABLE:
        if key in values:
            setattr(enterprise, key, values[key])
    if "qpv" in values:
        enterprise.qpv, enterprise.qpv_source = values["qpv"], QpvSource.MANUAL
    enterprise.locate(locator)
    enterprise.refresh_derived()


BATCH = 2000


@transaction.atomic
def apply_import(prepared, user=None):
    """Write a prepared import: everything, or nothing if it has any problem."""
    if not prepared.ok:
        raise ValueError("Import refusé : corrigez le fichier d'abord.")
    locator = prepared.context["locator"]
    rows = [r for r in prepared.rows if r.action in ("create", "update")]
    existing = {e.siret: e for e in Enterprise.objects.filter(siret__in=[r.siret for r in rows])}
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        enterprise = existing.get(row.siret)
        if enterprise is None:
            enterprise = Enterprise(
                siret=row.siret, source=Source.IMPORT, stage=Stage.REPEREE, stage_changed_at=now
            )
            to_create.append(enterprise)
        else:
            to_update.append(enterprise)
        _fill(enterprise, row.values, locator)
        enterprise.updated_at = now
    created = Enterprise.objects.bulk_create(to_create, batch_size=BATCH)
    ids = created_ids(created)
    copy_to_history(Enterprise, ids, created=True, user=user, when=now)
    if to_update:
        Enterprise.objects.bulk_update(to_update, [*UPDATABLE, *DERIVED], batch_size=BATCH)
        copy_to_history(Enterprise, [e.pk for e in to_update], created=False, user=user, when=now)
    first_stage_changes(ids, stage=Stage.REPEREE, note="import", user=user, when=now)
    records_changed.send(sender=Enterprise)
    return len(created), len(to_update)


def template_rows():
    """The downloadable template: headers and one example line."""
    return [h for h, _ in TEMPLATE], [example for _, example in TEMPLATE]
