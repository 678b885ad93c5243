"""`{% quick_field form.x %}`: what `{% include "includes/field.html" with field=form.x %}`
writes, to the byte, written in Python (decision 012). The public form « Rejoindre » has
seventeen fields: each include resolved some forty template variables, a third of the
page once its widgets were written in Python (common.widgets.QuickRender). A test
compares both renderings on every field of the forms that use it: a change to
includes/field.html must be made here too."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

REQUIRED = ' <span class="required">(obligatoire)</span>'


def _text(value):
    """`{{ value }}` in a template: localised, made a string, escaped unless safe."""
    value = localize(value)
    if not isinstance(value, str):
        value = str(value)
    return conditional_escape(value)


def _help_and_error(auto_id, help_text, errors):
    help_html = (
        f'<div class="help" id="{auto_id}_helptext">{_text(help_text)}</div>' if help_text else ""
    )
    error_html = (
        f'<p class="field-error" id="{auto_id}_error">'
        f"{' '.join(conditional_escape(error) for error in errors)}</p>"
        if errors
        else ""
    )
    return help_html, error_html


@register.simple_tag
def quick_field(field):
    """One field: a fieldset for choices (radios, checkboxes), otherwise a label; the error
    next to it, tied to it with aria-describedby (see includes/field.html)."""
    errors = field.errors
    help_text = field.help_text
    auto_id = _text(field.auto_id)
    label = _text(field.label) + (REQUIRED if field.field.required else "")
    help_html, error_html = _help_and_error(auto_id, help_text, errors)
    if field.use_fieldset:
        described = ""
        if errors or help_text:
            described = (
                ' aria-describedby="'
                + (f"{auto_id}_helptext" if help_text else "")
                + (f" {auto_id}_error" if errors else "")
                + '"'
            )
        choices = "".join(
            f'<label class="choice" for="{_text(choice.id_for_label)}">'
            f"{_text(choice.tag())} {_text(choice.choice_label)}</label>"
            for choice in field
        )
        html = (
            f'\n\n<fieldset class="field choices{" has-error" if errors else ""}"{described}>\n'
            f"  <legend>{label}</legend>\n"
            f"  {help_html}\n"
            f"  {error_html}\n"
            f"  {choices}\n"
            "</fieldset>\n\n"
        )
    else:
        checkbox = getattr(field.field.widget, "input_type", "") == "checkbox"
        widget = _text(field)
        html = (
            f'\n\n<div class="field{" checkbox" if checkbox else ""}'
            f'{" has-error" if errors else ""}">\n'
            f"  {widget if checkbox else ''}\n"
            f'  <label for="{_text(field.id_for_label)}">{label}</label>\n'
            f"  {'' if checkbox else widget}\n"
            f"  {help_html}\n"
            f"  {error_html}\n"
            "</div>\n\n"
        )
    return mark_safe(html)
