from django.db import models


class OrganisationKind(models.TextChoices):
    COLLECTIVITE = "collectivite", "collectivité"
    FINANCEUR = "financeur", "financeur"
    OPERATEUR = "operateur", "opérateur"
    ASSOCIATION_QPV = "association_qpv", "association en QPV"
    ENTREPRENEURIAT = "entrepreneuriat", "acteur de l'entrepreneuriat"
    UNIVERSITE = "universite", "université"
    RESEAU_INCLUSION = "reseau_inclusion", "réseau d'inclusion numérique"
    LIEU = "lieu", "lieu"
    AUTRE = "autre", "autre"


# Kinds that never receive an orientation: the funder and the evaluating universities.
NOT_ORIENTABLE_KINDS = (OrganisationKind.FINANCEUR, OrganisationKind.UNIVERSITE)


class Role(models.TextChoices):
    ADMIN = "admin", "administrateur de la structure"
    CONSEILLER = "conseiller", "conseiller"
    LECTEUR = "lecteur", "lecteur"
    # Members of the funder's organisation: the convention, the reports sent to them and
    # aggregate figures; never an enterprise, a contact or a row-level list.
    FINANCEUR = "financeur", "financeur (lecture)"
    # A student of the university (Chaire Cit'Us, MRE): sees only the enterprises of the
    # pairings they follow (enterprises/models/registry.py, visible_ids).
    ETUDIANT = "etudiant", "étudiant·e"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "un e-mail par évènement"
    WEEKLY = "weekly", "un récapitulatif hebdomadaire"


class AuthEventKind(models.TextChoices):
    LOGIN = "login", "connexion"
    LOGIN_FAILED = "login_failed", "échec de connexion"
    LOGOUT = "logout", "déconnexion"
    MFA_ADDED = "mfa_added", "double authentification activée"
    MFA_REMOVED = "mfa_removed", "double authentification retirée"
    MFA_RESET = "mfa_reset", "codes de secours régénérés"
    MFA_FAILED = "mfa_failed", "code de double authentification refusé"
    PASSWORD_CHANGED = "password_changed", "mot de passe changé"
    PASSWORD_RESET = "password_reset", "mot de passe réinitialisé"
    EMAIL_CHANGED = "email_changed", "adresse e-mail changée"
    INVITATION_SENT = "invitation_sent", "invitation envoyée"
    INVITATION_ACCEPTED = "invitation_accepted", "invitation acceptée"
    INVITATION_REFUSED = "invitation_refused", "lien d'invitation refusé"
    MEMBERSHIP_ADDED = "membership_added", "ajout à une structure"
    ROLE_CHANGED = "role_changed", "rôle changé"
    MEMBERSHIP_DEACTIVATED = "membership_deactivated", "retrait d'une structure"
    MEMBERSHIP_REACTIVATED = "membership_reactivated", "retour dans une structure"
    ACCOUNT_DEACTIVATED = "account_deactivated", "compte désactivé"
    ACCOUNT_REACTIVATED = "account_reactivated", "compte réactivé"
    SESSION_REFUSED = "session_refused", "session d'un compte désactivé refusée"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "en attente"
    SENDING = "sending", "en cours d'envoi"
    SENT = "sent", "envoyé"
    FAILED = "failed", "échec"


class MeetingKind(models.TextChoices):
    """A working-group meeting, or a meeting of the entrepreneurs' community, open to the
    enterprises of the parcours (enterprises/models/events.py)."""

    WORKING_GROUP = "groupe_travail", "réunion du groupe de travail"
    COMMUNITY = "rencontre", "rencontre d'entrepreneurs"
