"""Form widgets written in Python rather than through the form templates (decision 011)."""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
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


# Templates that only include django/forms/widgets/input.html.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in [
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
)
_OPTION_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("radio_option", "checkbox_option")
)
_MULTIPLE_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("radio", "checkbox_select")
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _exact_attributes(attrs):
    """What django/forms/widgets/attrs.html writes, to the byte: ` name="value"`, ` name`
    alone for True, nothing for False (None is written, as the template writes it)."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """django/forms/widgets/input.html."""
    value = widget["value"]
    return "".join(
        (
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"',
            f' value="{conditional_escape(value)}"' if value is not None else "",
            _exact_attributes(widget["attrs"]),
            ">",
        )
    )


def _option(widget):
    """django/forms/widgets/radio_option.html or checkbox_option.html as they come out of
    an include, with the template files' trailing newlines: one radio or checkbox, its
    label around it only when asked (`{{ choice.tag }}` in a template does not ask)."""
    if not widget.get("wrap_label"):
        return f"{_input(widget)}\n\n\n"
    label_id = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(label_id)}"' if label_id else ""
    label = conditional_escape(localize(widget["label"]))
    return f"<label{label_for}>{_input(widget)}\n {label}</label>\n\n"


def _multiple(widget):
    """django/forms/widgets/multiple_input.html: every option, each in its <div>."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{conditional_escape(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{conditional_escape(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(localize(group))}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _textarea(widget):
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"'
        f"{_exact_attributes(widget['attrs'])}>\n"
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


class QuickRender:
    """Renders Django's own widget templates in Python, same markup (decision 012): a
    public form drew about thirty inputs, radios and checkboxes through template includes,
    half of its time. Both the whole widget and each choice of a field iterated in a
    template (`choice.tag`, which calls `_render` with the option's template) are covered;
    any other template (a subclass's own) is still rendered by Django. Tests compare both
    renderings."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name in _INPUT_TEMPLATES:
            return mark_safe(_input(widget))
        if template_name in _OPTION_TEMPLATES:
            return mark_safe(_option(widget).strip())  # as Django's renderer does
        if template_name in _MULTIPLE_TEMPLATES:
            return mark_safe(_multiple(widget))
        if template_name == _TEXTAREA_TEMPLATE:
            return mark_safe(_textarea(widget))
        return super()._render(template_name, context, renderer)


class QuickTextInput(QuickRender, forms.TextInput):
    pass


class QuickEmailInput(QuickRender, forms.EmailInput):
    pass


class QuickHiddenInput(QuickRender, forms.HiddenInput):
    pass


class QuickCheckboxInput(QuickRender, forms.CheckboxInput):
    pass


class QuickTextarea(QuickRender, forms.Textarea):
    pass


class QuickRadioSelect(QuickRender, forms.RadioSelect):
    pass


class QuickCheckboxSelectMultiple(QuickRender, forms.CheckboxSelectMultiple):
    pass
