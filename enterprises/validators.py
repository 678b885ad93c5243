import re
import unicodedata

from django.core.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret


def normalise_siret(value):
    """The SIRET (or SIREN) as stored: NFKC first, so full-width digits (１２３) become
    ASCII and a non-breaking or thin space becomes a space; then spaces, dots and dashes
    (as people write the number) are removed. Every path — forms, imports, the model's
    save() and the searches — goes through here, so one number is one enterprise."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s.\-\u00a0\u202f\u2007\u200b\ufeff]", "", text)


def validate_siret(value):
    """A SIRET is 14 digits passing Luhn, or La Poste's rule (python-stdnum knows both)."""
    number = normalise_siret(value)
    # isascii(): str.isdigit() is true for « ١ » or « ² », which NFKC may leave as they are.
    if not (number.isascii() and number.isdigit()) or len(number) != 14:
        raise ValidationError("SIRET invalide : 14 chiffres attendus.", code="siret_format")
    if not stdnum_siret.is_valid(number):
        raise ValidationError(
            "SIRET invalide : la clé de contrôle ne correspond pas.", code="siret_checksum"
        )
