"""`{{ contact|contact:may_see }}`: how a contact is shown (Contact.shown decides)."""

from django import template

register = template.Library()


@register.filter(name="contact")
def contact_filter(contact, may_see):
    """The contact's name for those who may see contacts, « contact » for the others."""
    if contact is None:
        return ""
    return contact.shown(bool(may_see))
