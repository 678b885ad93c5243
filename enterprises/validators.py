import re

from django.core.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret


def normalise_siret(value):
    """Remove spaces, dots and dashes, as people write SIRET numbers."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def validate_siret(value):
    """A SIRET is 14 digits passing Luhn, or La Poste's rule (python-stdnum knows both)."""
    number = normalise_siret(value)
    if not number.isdigit() or len(number) != 14:
        raise ValidationError("SIRET invalide : 14 chiffres attendus.", code="siret_format")
    if not stdnum_siret.is_valid(number):
        raise ValidationError(
            "SIRET invalide : la clé de contrôle ne correspond pas.", code="siret_checksum"
        )
