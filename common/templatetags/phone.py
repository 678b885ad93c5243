"""A telephone number as a tap-to-call `tel:` address."""

import re

from django import template

register = template.Library()


@register.filter
def phone_uri(value):
    """« 06 12 34 56 78 » → « +33612345678 » (French ten-digit numbers get +33); other
    numbers keep their digits and a leading +."""
    text = str(value or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return "+" + digits
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    return digits
