import string

from django.core.exceptions import ValidationError


class CnilPasswordValidator:
    """The CNIL's rule (délibération 2022-100): at least 12 characters, or at least 8
    mixing three kinds among lower case, upper case, digits and other characters
    (the login rate limits supply the required counter-measure)."""

    def validate(self, password, user=None):
        kinds = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() or c in string.punctuation for c in password),
            ]
        )
        if len(password) >= 12 or (len(password) >= 8 and kinds >= 3):
            return
        raise ValidationError(
            "Mot de passe trop faible : au moins 12 caractères, ou au moins 8 caractères "
            "mêlant trois types parmi minuscules, majuscules, chiffres et caractères spéciaux.",
            code="password_too_weak",
        )

    def get_help_text(self):
        return (
            "Au moins 12 caractères, ou au moins 8 caractères mêlant trois types parmi "
            "minuscules, majuscules, chiffres et caractères spéciaux."
        )
