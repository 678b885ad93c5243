"""Form widgets written in Python rather than through the form templates (decision 011)."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _attributes(attrs):
    """` name="value"` for each attribute, ` name` alone for True, nothing for False/None:
    what django/forms/widgets/attrs.html writes."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(' {}="{}"', name, value)
                if value is not True
                else format_html(" {}", name),
            )
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class QuickSelect(forms.Select):
    """Django's Select, same markup, written in Python: Django renders every option through
    a template include, and the enterprise list's filters have about a hundred options
    (a test compares both renderings)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_options, _index in widget["optgroups"]:
            rows = format_html_join(
                "\n",
                '  <option value="{}"{}>{}</option>',
                (
                    (option["value"], _attributes(option["attrs"]), option["label"])
                    for option in group_options
                ),
            )
            if group_name:
                rows = format_html('  <optgroup label="{}">\n{}\n  </optgroup>', group_name, rows)
            options.append(rows)
        return mark_safe(
            format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))
            + "\n"
            + "\n".join(options)
            + "\n</select>"
        )
