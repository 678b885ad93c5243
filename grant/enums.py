from django.db import models


class ConventionStatus(models.TextChoices):
    EN_PREPARATION = "en_preparation", "en préparation"
    SIGNEE = "signee", "signée"
    EN_COURS = "en_cours", "en cours"
    SOLDEE = "soldee", "soldée"


class ExpenseStatus(models.TextChoices):
    ENGAGEE = "engagee", "engagée"
    MANDATEE = "mandatee", "mandatée"
    PAYEE = "payee", "payée"


class DisbursementKind(models.TextChoices):
    AVANCE = "avance", "avance"
    ACOMPTE = "acompte", "acompte"
    SOLDE = "solde", "solde"


class FinancialEventKind(models.TextChoices):
    CONVENTION_CHANGED = "convention_changed", "convention modifiée"
    STATUS_CHANGED = "status_changed", "statut de la convention changé"
    DOCUMENT_ADDED = "document_added", "document ajouté"
    LINE_CREATED = "line_created", "ligne budgétaire créée"
    LINE_CHANGED = "line_changed", "ligne budgétaire modifiée"
    EXPENSE_CREATED = "expense_created", "dépense enregistrée"
    EXPENSE_CHANGED = "expense_changed", "dépense modifiée"
    EXPENSE_PAID = "expense_paid", "dépense payée"
    DISBURSEMENT_RECEIVED = "disbursement_received", "versement reçu"
    DISBURSEMENT_CHANGED = "disbursement_changed", "versement modifié"
    REPORT_SENT = "report_sent", "rapport transmis au financeur"


class ReportKind(models.TextChoices):
    INTERMEDIAIRE = "intermediaire", "intermédiaire"
    ANNUEL = "annuel", "annuel"
    FINAL = "final", "final"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "en file d'attente"
    RUNNING = "running", "en cours"
    DONE = "done", "prêt"
    FAILED = "failed", "échec"


class ResearchEventKind(models.TextChoices):
    EXPORT = "export", "export pour une étude"
    ROTATION = "rotation", "clé de l'étude renouvelée"


class ResearchJobStatus(models.TextChoices):
    QUEUED = "queued", "en file d'attente"
    RUNNING = "running", "en cours"
    DONE = "done", "prêt"
    FAILED = "failed", "échec"


class TargetIndicator(models.TextChoices):
    """The figures a convention may set a target for (grant.indicators.targets reads them)."""

    ENTERPRISES = "enterprises", "entreprises suivies"
    NEW_ENTERPRISES = "new_enterprises", "nouvelles entreprises"
    ENTERPRISES_MET = "enterprises_met", "entreprises rencontrées"
    ACTIVITIES = "activities", "activités"
    HOURS = "hours", "heures d'accompagnement"
    INITIAL_DIAGNOSTICS = "initial_diagnostics", "diagnostics initiaux"
    FINAL_DIAGNOSTICS = "final_diagnostics", "diagnostics finaux"
    AUTONOMY = "autonomy", "autonomie atteinte"
    ORIENTATIONS = "orientations", "orientations vers un partenaire"
    MEETINGS = "meetings", "réunions du groupe de travail"
