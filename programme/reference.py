"""Reading and loading the reference data shipped in `reference_data/`.

Every file is read and checked completely before anything is written: a corrupted or
missing file stops the load with a French message naming the file and the line, and
the database is left as it was. Loading creates what is missing and never updates an
existing record, so that an edit made by staff in the admin survives a new load.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings

from partners.enums import OrganisationKind
from partners.models import Organisation

from .enums import PlaceKind, QpvGeneration, TermFamily
from .models import Action, NafCode, Place, Programme, Qpv, Term

REFERENCE_DIR = Path(settings.BASE_DIR) / "reference_data"

QPV_FILE = "qpv_montpellier.csv"
QPV_GEOJSON_FILE = "qpv_2015_montpellier.geojson"
NAF_FILE = "naf_rev2_sous_classes.csv"
VOCABULARY_FILE = "activity_vocabulary.csv"
PARTNERS_FILE = "partners_from_deliberation.csv"
PROGRAMME_FILE = "programme.json"

# The programme's TPE sub-themes hang under this Coop theme.
TPE_PARENT_THEME = (TermFamily.THEMATIQUE, "entrepreneuriat")


class ReferenceDataError(Exception):
    """A reference file is missing or wrong; the message is for a person, in French."""

    def __init__(self, filename, message, line=None):
        self.filename, self.line, self.reason = filename, line, message
        where = f"{filename}, ligne {line}" if line else filename
        super().__init__(f"{where} : {message}")


def _read_text(directory, filename):
    path = Path(directory) / filename
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReferenceDataError(filename, f"fichier introuvable ({path}).") from None
    except OSError as exc:
        raise ReferenceDataError(filename, f"fichier illisible ({exc.strerror}).") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReferenceDataError(
            filename, "caractères invalides : le fichier doit être encodé en UTF-8.", line
        ) from None


def _read_csv(directory, filename, columns):
    """Yield (line number, row) for each row, after checking the header."""
    text = _read_text(directory, filename)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise ReferenceDataError(
                filename, f"colonne(s) manquante(s) dans l'en-tête : {', '.join(missing)}.", 1
            )
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise ReferenceDataError(
                    filename, f"la ligne n'a pas {len(header)} colonnes comme l'en-tête.", line
                )
            yield line, {key: value.strip() for key, value in row.items()}
    except csv.Error as exc:
        raise ReferenceDataError(filename, f"CSV mal formé ({exc}).", reader.line_num) from None


def _read_json(directory, filename):
    text = _read_text(directory, filename)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(filename, f"JSON mal formé ({exc.msg}).", exc.lineno) from None


def _require(filename, line, row, column):
    value = row.get(column, "")
    if not value:
        raise ReferenceDataError(filename, f"la colonne « {column} » est vide.", line)
    return value


def _date(filename, line, value, column, required=True):
    if not value:
        if required:
            raise ReferenceDataError(filename, f"la colonne « {column} » est vide.", line)
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(
            filename, f"« {value} » n'est pas une date AAAA-MM-JJ (colonne « {column} »).", line
        ) from None


@dataclass
class ReferenceData:
    """Everything read from the files, checked, ready to be written."""

    organisations: list = field(default_factory=list)
    qpvs: list = field(default_factory=list)
    naf: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    programme: dict = field(default_factory=dict)


def read_organisations(directory):
    kinds = set(OrganisationKind.values)
    rows, seen = [], set()
    for line, row in _read_csv(directory, PARTNERS_FILE, ["name", "kind", "role_in_programme"]):
        name = _require(PARTNERS_FILE, line, row, "name")
        kind = _require(PARTNERS_FILE, line, row, "kind")
        if kind not in kinds:
            raise ReferenceDataError(
                PARTNERS_FILE,
                f"type de structure « {kind} » inconnu (attendu : {', '.join(sorted(kinds))}).",
                line,
            )
        if name in seen:
            raise ReferenceDataError(PARTNERS_FILE, f"la structure « {name} » est en double.", line)
        seen.add(name)
        rows.append(
            {
                "reference_name": name,
                "name": name,
                "kind": kind,
                "description": row["role_in_programme"],
            }
        )
    return rows


QPV_CODE = re.compile(r"^QP\d{6}$")


def read_qpvs(directory):
    rows, keys = [], set()
    columns = ["generation", "code", "name", "commune", "insee_commune", "population"]
    columns += ["valid_from", "valid_to", "successor_2024", "source_note"]
    for line, row in _read_csv(directory, QPV_FILE, columns):
        generation = row["generation"]
        if generation not in {str(g) for g in QpvGeneration.values}:
            raise ReferenceDataError(
                QPV_FILE, f"génération « {generation} » inconnue (attendu : 2015 ou 2024).", line
            )
        generation = int(generation)
        code = row["code"]
        if generation == QpvGeneration.G2015 and not QPV_CODE.match(code):
            raise ReferenceDataError(
                QPV_FILE, f"code QPV « {code} » invalide (attendu : QP suivi de 6 chiffres).", line
            )
        name = _require(QPV_FILE, line, row, "name")
        if (generation, name) in keys:
            raise ReferenceDataError(
                QPV_FILE, f"le QPV « {name} » ({generation}) est en double.", line
            )
        keys.add((generation, name))
        population = row["population"]
        if population and not population.isdigit():
            raise ReferenceDataError(
                QPV_FILE, f"population « {population} » invalide (nombre entier attendu).", line
            )
        rows.append(
            {
                "line": line,
                "generation": generation,
                "code": code,
                "name": name,
                "commune": _require(QPV_FILE, line, row, "commune"),
                "insee_commune": row["insee_commune"],
                "population": int(population) if population else None,
                "valid_from": _date(QPV_FILE, line, row["valid_from"], "valid_from"),
                "valid_to": _date(QPV_FILE, line, row["valid_to"], "valid_to", required=False),
                "successor": row["successor_2024"],
                "source_note": row["source_note"],
                "polygon": None,
            }
        )
    names_2024 = {r["name"] for r in rows if r["generation"] == QpvGeneration.G2024}
    for r in rows:
        if r["successor"] and r["successor"] not in names_2024:
            raise ReferenceDataError(
                QPV_FILE,
                f"le successeur « {r['successor']} » n'est pas un QPV de 2024 du fichier.",
                r["line"],
            )
    _attach_polygons(directory, rows)
    return rows


def _check_ring(number, ring):
    if not isinstance(ring, list) or len(ring) < 4:
        raise ReferenceDataError(
            QPV_GEOJSON_FILE, f"objet n° {number} : un contour doit avoir au moins 4 points."
        )
    for point in ring:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(c, int | float) for c in point[:2])
            or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
        ):
            raise ReferenceDataError(
                QPV_GEOJSON_FILE,
                f"objet n° {number} : point {point!r} invalide (longitude, latitude WGS84).",
            )


def _attach_polygons(directory, qpv_rows):
    data = _read_json(directory, QPV_GEOJSON_FILE)
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ReferenceDataError(QPV_GEOJSON_FILE, "ce n'est pas une FeatureCollection GeoJSON.")
    by_code = {r["code"]: r for r in qpv_rows if r["generation"] == QpvGeneration.G2015}
    for number, feature in enumerate(features, start=1):
        code = ((feature or {}).get("properties") or {}).get("code_qp")
        if code not in by_code:
            raise ReferenceDataError(
                QPV_GEOJSON_FILE,
                f"objet n° {number} : le code « {code} » n'est pas un QPV de 2015 de {QPV_FILE}.",
            )
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon" and isinstance(coordinates, list) and coordinates:
            polygons = [coordinates]
        elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
            polygons = coordinates
        else:
            raise ReferenceDataError(
                QPV_GEOJSON_FILE, f"objet n° {number} : géométrie Polygon ou MultiPolygon attendue."
            )
        for polygon in polygons:
            if not isinstance(polygon, list) or not polygon:
                raise ReferenceDataError(QPV_GEOJSON_FILE, f"objet n° {number} : polygone vide.")
            for ring in polygon:
                _check_ring(number, ring)
        by_code[code]["polygon"] = {"type": kind, "coordinates": coordinates}


NAF_CODE = re.compile(r"^\d{2}\.\d{2}[A-Z]$")


def read_naf(directory):
    rows, seen = [], set()
    columns = ["code", "libelle", "classe", "groupe", "division", "section", "section_libelle"]
    for line, row in _read_csv(directory, NAF_FILE, columns):
        code = row["code"]
        if not NAF_CODE.match(code):
            raise ReferenceDataError(
                NAF_FILE,
                f"code NAF « {code} » invalide (attendu : 2 chiffres, point, 2 chiffres, lettre).",
                line,
            )
        if code in seen:
            raise ReferenceDataError(NAF_FILE, f"le code NAF « {code} » est en double.", line)
        seen.add(code)
        section = _require(NAF_FILE, line, row, "section")
        if not re.match(r"^[A-U]$", section):
            raise ReferenceDataError(NAF_FILE, f"section « {section} » invalide (A à U).", line)
        rows.append(
            {
                "code": code,
                "label": _require(NAF_FILE, line, row, "libelle"),
                "class_code": _require(NAF_FILE, line, row, "classe"),
                "group_code": _require(NAF_FILE, line, row, "groupe"),
                "division": _require(NAF_FILE, line, row, "division"),
                "section": section,
                "section_label": _require(NAF_FILE, line, row, "section_libelle"),
            }
        )
    return rows


def read_terms(directory):
    families = set(TermFamily.values)
    rows, seen, positions = [], set(), {}
    for line, row in _read_csv(directory, VOCABULARY_FILE, ["family", "code", "label", "note"]):
        family = row["family"]
        if family not in families:
            raise ReferenceDataError(VOCABULARY_FILE, f"famille « {family} » inconnue.", line)
        code = _require(VOCABULARY_FILE, line, row, "code")
        if (family, code) in seen:
            raise ReferenceDataError(
                VOCABULARY_FILE, f"le terme « {family} / {code} » est en double.", line
            )
        seen.add((family, code))
        positions[family] = positions.get(family, 0) + 1
        rows.append(
            {
                "family": family,
                "code": code,
                "label": _require(VOCABULARY_FILE, line, row, "label"),
                "note": row["note"],
                "position": positions[family],
            }
        )
    if any(r["family"] == TermFamily.THEMATIQUE_TPE for r in rows) and TPE_PARENT_THEME not in seen:
        raise ReferenceDataError(
            VOCABULARY_FILE,
            "le thème « thematique / entrepreneuriat » parent des sous-thèmes TPE manque.",
        )
    return rows


def read_programme(directory, organisation_names):
    data = _read_json(directory, PROGRAMME_FILE)

    def need(mapping, key, where):
        if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
            raise ReferenceDataError(PROGRAMME_FILE, f"« {key} » manque dans {where}.")
        return mapping[key]

    def organisation(name, where):
        if name not in organisation_names:
            raise ReferenceDataError(
                PROGRAMME_FILE, f"{where} : la structure « {name} » n'est pas dans {PARTNERS_FILE}."
            )
        return name

    programme = need(data, "programme", "le fichier")
    for key in ("code", "name", "owner"):
        need(programme, key, "« programme »")
    organisation(programme["owner"], "programme")
    actions = need(data, "actions", "le fichier")
    for number, action in enumerate(actions, start=1):
        where = f"action n° {number}"
        for key in ("code", "name", "lead"):
            need(action, key, where)
        organisation(action["lead"], where)
        for name in action.get("partners", []):
            organisation(name, where)
    for number, place in enumerate(data.get("places", []), start=1):
        need(place, "name", f"lieu n° {number}")
        if need(place, "kind", f"lieu n° {number}") not in PlaceKind.values:
            raise ReferenceDataError(
                PROGRAMME_FILE, f"lieu n° {number} : type « {place['kind']} » inconnu."
            )
        if place.get("organisation"):
            organisation(place["organisation"], f"lieu n° {number}")
    convention = need(data, "convention", "le fichier")
    for key in ("title", "funder", "beneficiary", "deliberation_number", "prefecture_act_id"):
        need(convention, key, "« convention »")
    organisation(convention["funder"], "convention")
    organisation(convention["beneficiary"], "convention")
    for key in ("deliberation_date", "published_on"):
        try:
            datetime.date.fromisoformat(need(convention, key, "« convention »"))
        except (TypeError, ValueError):
            raise ReferenceDataError(
                PROGRAMME_FILE, f"convention : « {key} » n'est pas une date AAAA-MM-JJ."
            ) from None
    try:
        amount = Decimal(need(convention, "max_amount", "« convention »"))
    except (InvalidOperation, TypeError):
        raise ReferenceDataError(
            PROGRAMME_FILE, "convention : « max_amount » n'est pas un montant."
        ) from None
    if amount <= 0:
        raise ReferenceDataError(PROGRAMME_FILE, "convention : « max_amount » doit être positif.")
    return data


def read_all(directory=REFERENCE_DIR):
    """Read and check every file; raises ReferenceDataError before anything is written."""
    organisations = read_organisations(directory)
    return ReferenceData(
        organisations=organisations,
        qpvs=read_qpvs(directory),
        naf=read_naf(directory),
        terms=read_terms(directory),
        programme=read_programme(directory, {o["name"] for o in organisations}),
    )


def _create_missing(model, rows, key_fields):
    """Create the rows whose natural key is not in the table yet; return (created, kept)."""
    existing = set(model.objects.values_list(*key_fields))
    missing = [row for row in rows if tuple(row[k] for k in key_fields) not in existing]
    model.objects.bulk_create([model(**row) for row in missing])
    return len(missing), len(rows) - len(missing)


def load_programme_reference(data):
    """Write the reference data of partners and programme; return counts per model.

    Must run inside a transaction (the command wraps the whole load in one)."""
    counts = {}
    # An organisation created by hand under the same name is adopted, not duplicated.
    for row in data.organisations:
        Organisation.objects.filter(name=row["name"], reference_name="").update(
            reference_name=row["reference_name"]
        )
    counts["structures"] = _create_missing(Organisation, data.organisations, ["reference_name"])

    qpv_rows = [{k: v for k, v in r.items() if k not in ("line", "successor")} for r in data.qpvs]
    existing = set(Qpv.objects.values_list("generation", "name"))
    counts["QPV"] = _create_missing(Qpv, qpv_rows, ["generation", "name"])
    # Successor links are set on the QPVs created by this load only.
    new_with_successor = [
        r for r in data.qpvs if r["successor"] and (r["generation"], r["name"]) not in existing
    ]
    if new_with_successor:
        ids_2024 = dict(Qpv.objects.of_generation(QpvGeneration.G2024).values_list("name", "id"))
        for r in new_with_successor:
            Qpv.objects.filter(generation=r["generation"], name=r["name"]).update(
                successor_id=ids_2024[r["successor"]]
            )

    counts["codes NAF"] = _create_missing(NafCode, data.naf, ["code"])

    existing_terms = set(Term.objects.values_list("family", "code"))
    counts["termes du vocabulaire"] = _create_missing(Term, data.terms, ["family", "code"])
    parent = Term.objects.get(family=TPE_PARENT_THEME[0], code=TPE_PARENT_THEME[1])
    new_tpe_codes = [
        r["code"]
        for r in data.terms
        if r["family"] == TermFamily.THEMATIQUE_TPE
        and (r["family"], r["code"]) not in existing_terms
    ]
    Term.objects.filter(family=TermFamily.THEMATIQUE_TPE, code__in=new_tpe_codes).update(
        parent=parent
    )

    organisations = {o.reference_name: o for o in Organisation.objects.exclude(reference_name="")}
    spec = data.programme["programme"]
    programme, created = Programme.objects.get_or_create(
        code=spec["code"],
        defaults={
            "name": spec["name"],
            "description": spec.get("description", ""),
            "owner": organisations[spec["owner"]],
        },
    )
    counts["programmes"] = (int(created), int(not created))
    created_actions = 0
    for position, spec in enumerate(data.programme["actions"], start=1):
        action, created = Action.objects.get_or_create(
            programme=programme,
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                "position": position,
                "lead": organisations[spec["lead"]],
            },
        )
        if created:
            created_actions += 1
            action.partners.set([organisations[name] for name in spec.get("partners", [])])
    counts["actions"] = (created_actions, len(data.programme["actions"]) - created_actions)
    created_places = 0
    for spec in data.programme.get("places", []):
        _place, created = Place.objects.get_or_create(
            name=spec["name"],
            defaults={
                "kind": spec["kind"],
                "organisation": organisations.get(spec.get("organisation")),
                "commune": spec.get("commune", ""),
            },
        )
        created_places += int(created)
    counts["lieux"] = (created_places, len(data.programme.get("places", [])) - created_places)
    return counts
