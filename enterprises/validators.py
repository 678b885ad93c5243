import datetime
import math
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
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


# Metropolitan France, Corsica included (IGN's extreme points, rounded outwards).
FRANCE_LATITUDE = (41.3, 51.1)
FRANCE_LONGITUDE = (-5.2, 9.6)
# The oldest creation dates in SIRENE are from the 18th century; earlier is a typo.
EARLIEST_CREATION = datetime.date(1700, 1, 1)


def validate_latitude(value):
    """A latitude in metropolitan France (the programme is in Montpellier)."""
    if value is None:
        return
    if not math.isfinite(value) or not FRANCE_LATITUDE[0] <= value <= FRANCE_LATITUDE[1]:
        raise ValidationError(
            "Latitude hors limites de la France métropolitaine (entre 41,3 et 51,1 degrés).",
            code="latitude",
        )


def validate_longitude(value):
    """A longitude in metropolitan France."""
    if value is None:
        return
    if not math.isfinite(value) or not FRANCE_LONGITUDE[0] <= value <= FRANCE_LONGITUDE[1]:
        raise ValidationError(
            "Longitude hors limites de la France métropolitaine (entre -5,2 et 9,6 degrés).",
            code="longitude",
        )


def validate_postcode(value):
    """A French postcode: five digits."""
    if value and not re.fullmatch(r"\d{5}", value):
        raise ValidationError("Code postal à 5 chiffres attendu.", code="postcode")


def validate_creation_date(value):
    """A creation date that can be true: not in the future, not before 1700."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError("La date de création est dans le futur.", code="future")
    if value < EARLIEST_CREATION:
        raise ValidationError("La date de création est impossible (avant 1700).", code="too_old")
