import pytest
from django.core.exceptions import ValidationError

from partners.validators import CnilPasswordValidator


@pytest.mark.parametrize(
    "password",
    ["douze caract", "aaaaaaaaaaaa", "Abcdef1!", "abcdefG1", "abcd-ef12"],
)
def test_accepted(password):
    CnilPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["abcdefgh", "ABCDEFG1", "Abc1!", "onze caract"])
def test_refused(password):
    with pytest.raises(ValidationError, match="Mot de passe trop faible"):
        CnilPasswordValidator().validate(password)
