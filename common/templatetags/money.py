from django import template

from common.formatting import euros as format_euros

register = template.Library()


@register.filter
def euros(value):
    """40000 → « 40 000,00 € »."""
    if value in (None, ""):
        return "—"
    return format_euros(value)
