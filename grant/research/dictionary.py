"""The data dictionary of the research export: every column of every file, its definition
and its coarsening, written to LISEZMOI.txt."""

from django.utils import timezone

from common.stats import MIN_PAIRS
from common.suppression import MIN_COUNT, SUPPRESSED

PSEUDONYM = (
    "pseudonyme de l'entreprise : HMAC-SHA256 de son identifiant interne avec la clé propre "
    "à l'étude (64 caractères hexadécimaux) ; identique d'un export à l'autre de la même "
    "étude tant que la clé n'est pas renouvelée, sans lien possible avec une autre étude"
)
MONTH = "année et mois (AAAA-MM) ; aucune date exacte n'est exportée"

COLUMNS = {
    "entreprises.csv": [
        ("entreprise", PSEUDONYM),
        ("qpv", "code officiel du quartier prioritaire (QP034…), vide hors QPV"),
        ("section_naf", "section de la nomenclature NAF rév. 2 (une lettre, A à U)"),
        ("tranche_effectif", "tranche d'effectif salarié (codes INSEE : NN, 00, 01, 02, 03…)"),
        ("annee_creation", "année de création de l'entreprise"),
        ("origine", "comment l'entreprise a été repérée (sirene, import, terrain, partenaire…)"),
        ("etape_fin_periode", "étape du parcours à la fin de la période"),
        ("motif_sortie", "motif de sortie si l'étape est « sortie »"),
        ("nombre_contacts", "nombre de personnes de l'entreprise enregistrées (seul compte)"),
    ],
    "parcours.csv": [
        ("entreprise", PSEUDONYM),
        ("etape", "étape atteinte (reperee, diagnostiquee, accompagnee, autonome, sortie)"),
        ("mois", MONTH),
    ],
    "activites_par_mois.csv": [
        ("entreprise", PSEUDONYM),
        ("mois", MONTH),
        ("type", "individuel (séance) ou collectif (atelier)"),
        ("action", "code de l'action de la convention, vide si aucune"),
        ("activites", "nombre d'activités où l'entreprise était présente"),
        ("minutes", "durée cumulée de ces activités, en minutes"),
    ],
    "themes_par_mois.csv": [
        ("entreprise", PSEUDONYM),
        ("mois", MONTH),
        ("theme", "code du thème (vocabulaire de la Coop de la médiation numérique)"),
        ("activites", "nombre d'activités de ce thème où l'entreprise était présente"),
    ],
    "diagnostics.csv": [
        ("entreprise", PSEUDONYM),
        ("moment", "initial, intermediaire ou final"),
        ("source", "pix (campagne), auto (auto-évaluation) ou conseiller"),
        ("mois", MONTH),
        ("score_overall", "maîtrise globale, en % (0 à 100)"),
        ("score_information", "domaine PIX « Informations et données », en %"),
        ("score_communication", "domaine PIX « Communication et collaboration », en %"),
        ("score_creation", "domaine PIX « Création de contenu », en %"),
        ("score_security", "domaine PIX « Protection et sécurité », en %"),
        ("score_environment", "domaine PIX « Environnement numérique », en %"),
    ],
    "orientations.csv": [
        ("entreprise", PSEUDONYM),
        ("type_structure", "type de la structure partenaire (jamais son nom)"),
        ("statut", "statut de l'orientation"),
        ("motif_refus", "motif si la structure a décliné"),
        ("mois", MONTH),
        ("jours_avant_prise_en_charge", "jours entre l'orientation et la prise en charge"),
    ],
    "enquetes.csv": [
        ("entreprise", PSEUDONYM),
        ("declencheur", "envoyée après : closed (orientation clôturée), autonomous, six_months"),
        ("type_structure", "type de la structure concernée, pour une orientation clôturée"),
        ("mois", MONTH),
        ("repondu", "1 si la personne a répondu, 0 sinon"),
        ("recontacte", "yes / no : a-t-elle été recontactée"),
        ("utilite", "utilité de l'accompagnement, de 1 à 5"),
        ("permis", "usages permis (codes séparés par « | ») ; jamais de commentaire"),
    ],
    "agregats.csv": [
        ("dimension", "qpv, section_naf, etape_fin_periode ou action"),
        ("valeur", "valeur de la dimension ; TOTAL pour la ligne de total"),
        ("entreprises", f"nombre d'entreprises ; « {SUPPRESSED} » sous {MIN_COUNT}"),
        ("activites", "nombre d'activités avec au moins une entreprise présente"),
        ("heures", "heures d'activité cumulées par entreprise présente (1 décimale)"),
    ],
    "evaluation_avant_apres.csv": [
        ("domaine", "maîtrise globale ou domaine PIX"),
        ("paires", f"personnes ayant un diagnostic initial et final ; « < {MIN_PAIRS} » sinon"),
        ("progression_moyenne", "moyenne (dernier final − premier initial), en points"),
        ("ic95_bas", "borne basse de l'intervalle de confiance à 95 % (loi de Student)"),
        ("ic95_haut", "borne haute de l'intervalle de confiance à 95 %"),
    ],
}


def readme(study, start, end):
    """LISEZMOI.txt: what the files are, how they were protected, every column."""
    lines = [
        "Parcours TPE — jeu de données pseudonymisé pour l'évaluation",
        "",
        f"Étude : {study.name}",
        f"Période : du {start:%d/%m/%Y} au {end:%d/%m/%Y}",
        f"Généré le : {timezone.localtime():%d/%m/%Y à %H:%M}",
        "",
        "Protection des données",
        "- Aucun nom, SIRET, adresse, coordonnée, e-mail, téléphone, texte libre ni date exacte.",
        "- Les entreprises sont désignées par un pseudonyme propre à l'étude (voir ci-dessous).",
        "- Les personnes ne figurent que sous forme de comptes.",
        f"- Agrégats : une case de moins de {MIN_COUNT} entreprises est remplacée par "
        f"« {SUPPRESSED} » (toutes ses mesures) ; quand un total rendrait une seule case "
        "masquée recalculable, une seconde case est masquée.",
        f"- Évaluation avant/après : non publiée sous {MIN_PAIRS} personnes.",
        "",
        "Format : CSV, séparateur virgule, UTF-8 sans BOM, point décimal, une ligne d'en-tête.",
        "manifest.json donne la période, la date de génération et l'empreinte SHA-256 de "
        "chaque fichier.",
        "",
    ]
    for name, columns in COLUMNS.items():
        lines.append(name)
        lines.extend(f"  {column} : {definition}" for column, definition in columns)
        lines.append("")
    return "\n".join(lines)
