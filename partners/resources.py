"""Import and export of the network's organisations in the admin (django-import-export)."""

from common.resources import Choice, Resource, YesNo, column

from .enums import OrganisationKind
from .models import Organisation


class OrganisationResource(Resource):
    """The organisations, keyed by their name: a re-import updates them."""

    name = column("name", "Nom")
    kind = column("kind", "Type", Choice(OrganisationKind.choices))
    description = column("description", "Rôle dans le programme")
    email = column("email", "E-mail de contact")
    website = column("website", "Site Internet")
    is_active = column("is_active", "Active", YesNo())

    class Meta(Resource.Meta):
        model = Organisation
        import_id_fields = ["name"]
        fields = ["name", "kind", "description", "email", "website", "is_active"]
        name = "Structures"
