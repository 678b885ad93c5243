import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from enterprises.models import Contact, JoinRequest, Survey
from partners.models import User


class Command(BaseCommand):
    help = "Écrit en JSON tout ce que Parcours TPE détient sur une personne (droit d'accès RGPD)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="Adresse e-mail de la personne")
        parser.add_argument("--output", help="Fichier de sortie (par défaut : la console)")

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        contacts = Contact.objects.filter(email__iexact=email).select_related("enterprise")
        user = User.objects.filter(email__iexact=email).first()
        join_requests = JoinRequest.objects.filter(email__iexact=email)
        if not contacts and user is None and not join_requests:
            raise CommandError(f"Aucune donnée pour {email}.")
        data = {
            "adresse": email,
            "contacts": [],
            "compte": None,
            "demandes « Rejoindre le parcours »": [
                {
                    "reçue le": r.created_at,
                    "prénom": r.first_name,
                    "nom": r.last_name,
                    "fonction": r.role,
                    "entreprise": r.business_name,
                    "SIRET": r.siret,
                    "commune": r.commune,
                    "besoins": r.get_needs_display(),
                    "précisions": r.message,
                    "téléphone": r.phone,
                    "créneaux": r.get_time_slots_display(),
                    "consentement donné le": r.consent_at,
                    "statut": r.get_status_display(),
                    "motif du refus": r.refusal_reason,
                }
                for r in join_requests
            ],
            "avis": [
                {
                    "envoyé le": s.sent_at,
                    "après": s.get_trigger_display(),
                    "utilité": s.usefulness,
                    "recontacté·e": s.get_recontacted_display(),
                    "cela a permis de": s.get_allowed_display(),
                    "commentaire": s.comment,
                    "commentaire visible du partenaire": s.comment_shareable,
                }
                for s in Survey.objects.filter(contact__in=contacts)
            ],
        }
        for contact in contacts:
            data["contacts"].append(
                {
                    "prénom": contact.first_name,
                    "nom": contact.last_name,
                    "fonction": contact.role,
                    "e-mail": contact.email,
                    "téléphone": contact.phone,
                    "identifiant PIX": contact.pix_external_id,
                    "consentement": {
                        "date": contact.consent_date,
                        "finalité": contact.consent_purpose,
                        "recueil": contact.get_consent_method_display(),
                    },
                    "entreprise": {
                        "SIRET": contact.enterprise.siret,
                        "nom": contact.enterprise.name,
                    },
                    "créé le": contact.created_at,
                    "historique": [
                        {
                            "le": h.history_date,
                            "type": h.get_history_type_display(),
                            "par": str(h.history_user or ""),
                        }
                        for h in contact.history.all()
                    ],
                }
            )
        if user is not None:
            data["compte"] = {
                "prénom": user.first_name,
                "nom": user.last_name,
                "e-mail": user.email,
                "inscrit le": user.date_joined,
                "dernière connexion": user.last_login,
                "structures": [
                    {
                        "structure": m.organisation.name,
                        "rôle": m.get_role_display(),
                        "active": m.is_active,
                    }
                    for m in user.memberships.select_related("organisation")
                ],
                "journal de sécurité": [
                    {
                        "le": e.created_at,
                        "évènement": e.get_kind_display(),
                        "adresse IP": e.ip_address,
                    }
                    for e in user.auth_events.all()
                ],
            }
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Données écrites dans {options['output']}.")
        else:
            self.stdout.write(text)
