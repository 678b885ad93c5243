"""Import and export of the programme's tables in the admin (django-import-export):
places and actions are written by staff; NAF codes and QPVs are reference data
(reference_data/, `load_reference_data`) and only exported."""

from common.resources import Choice, Date, Related, Resource, Whole, YesNo, column
from partners.models import Organisation

from .enums import PlaceKind, QpvGeneration
from .models import Action, NafCode, Place, Programme, Qpv


class PlaceResource(Resource):
    """Places of the programme, keyed by their name."""

    name = column("name", "Nom")
    kind = column("kind", "Type", Choice(PlaceKind.choices))
    organisation = column("organisation", "Structure", Related(Organisation, field="name"))
    address = column("address", "Adresse")
    postcode = column("postcode", "Code postal")
    commune = column("commune", "Commune")
    qpv = column("qpv", "Code QPV", Related(Qpv, field="code"))
    is_active = column("is_active", "Actif", YesNo())

    class Meta(Resource.Meta):
        model = Place
        import_id_fields = ["name"]
        fields = ["name", "kind", "organisation", "address", "postcode", "commune", "qpv"]
        fields += ["is_active"]
        name = "Lieux"


class ActionResource(Resource):
    """Actions of a programme, keyed by the programme's code and their own."""

    programme = column("programme", "Programme (code)", Related(Programme, field="code"))
    code = column("code", "Code")
    position = column("position", "Ordre", Whole())
    name = column("name", "Intitulé")
    description = column("description", "Description")
    lead = column("lead", "Structure pilote", Related(Organisation, field="name"))

    class Meta(Resource.Meta):
        model = Action
        import_id_fields = ["programme", "code"]
        fields = ["programme", "code", "position", "name", "description", "lead"]
        name = "Actions du programme"


class NafCodeResource(Resource):
    """The NAF rév. 2 sub-classes (export only)."""

    code = column("code", "Code NAF")
    label = column("label", "Libellé")
    section = column("section", "Section")
    section_label = column("section_label", "Libellé de la section")

    class Meta(Resource.Meta):
        model = NafCode
        fields = ["code", "label", "section", "section_label"]
        name = "Codes NAF"


class QpvResource(Resource):
    """The QPVs without their contours (export only)."""

    code = column("code", "Code")
    name = column("name", "Nom")
    generation = column("generation", "Génération", Choice(QpvGeneration.choices))
    commune = column("commune", "Commune")
    insee_commune = column("insee_commune", "Code INSEE de la commune")
    population = column("population", "Population", Whole())
    valid_from = column("valid_from", "En vigueur depuis le", Date())
    valid_to = column("valid_to", "En vigueur jusqu'au", Date())
    successor = column("successor", "Remplacé par (code)", Related(Qpv, field="code"))

    class Meta(Resource.Meta):
        model = Qpv
        fields = ["code", "name", "generation", "commune", "insee_commune", "population"]
        fields += ["valid_from", "valid_to", "successor"]
        name = "QPV"

    def get_queryset(self):
        return Qpv.objects.defer("polygon").select_related("successor")
