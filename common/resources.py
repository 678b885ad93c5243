"""django-import-export, the project's way: French headers, `;` CSV with a BOM, every
exported cell through `common.tabular.escape_cell` (formula escaping, French dates,
Oui/Non), and all-or-nothing imports.

The admin's reference and network tables use it (« Importer / Exporter »). Enterprises,
SIRENE extracts and PIX results keep the project's own pipeline (enterprises/imports/,
docs/decisions/006-import-export-where-it-serves.md)."""

from import_export import fields, resources, widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats

from .tabular import FORMULA_TRIGGERS, escape_cell


class FrenchCSV(base_formats.CSV):
    """CSV as French spreadsheets open it: `;` separator, UTF-8 with a BOM. Imports take
    `;` or `,` and a BOM or none."""

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + dataset.export("csv", delimiter=";", **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        in_stream = in_stream.removeprefix("\ufeff")
        first_line = in_stream.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        return super().create_dataset(in_stream, delimiter=delimiter, **kwargs)


FORMATS = [FrenchCSV, base_formats.XLSX]


def unescape_cell(value):
    """Undo `escape_cell`'s formula guard on import: « '=A1 » was exported from « =A1 »."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class Text(widgets.CharWidget):
    """Text cells: stripped, the formula guard removed."""

    def clean(self, value, row=None, **kwargs):
        value = unescape_cell(value)
        return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)


class YesNo(widgets.BooleanWidget):
    """« Oui » / « Non » as exported; 1/0 and true/false also read."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "Oui", "oui", "OUI"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "Non", "non", "NON"]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in self.NULL_VALUES:
            return None
        if value not in self.TRUE_VALUES and value not in self.FALSE_VALUES:
            raise ValueError(f"« {value} » : indiquez Oui ou Non.")
        return value in self.TRUE_VALUES

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type") or value is None:
            return value
        return "Oui" if value else "Non"


class Number(widgets.DecimalWidget):
    """Numbers stay numbers in the export (a spreadsheet sums them); « 1 234,50 » is read."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().clean(value, row, **kwargs)


class Whole(widgets.IntegerWidget):
    """Whole numbers (an order, a population)."""


class Date(widgets.DateWidget):
    """Dates: exported as 04/10/2022 by `escape_cell`, read as 04/10/2022 or 2022-10-04."""

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", **kwargs)
        self.formats = ("%d/%m/%Y", "%Y-%m-%d")


class Choice(widgets.Widget):
    """A field with choices: exported as its French label, read as the label or the code."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(unescape_cell(value) or "").strip()
        if not value:
            return ""
        for code, label in self.choices:
            if value.casefold() in (str(code).casefold(), str(label).casefold()):
                return code
        allowed = ", ".join(str(label) for _, label in self.choices)
        raise ValueError(f"« {value} » n'est pas une valeur possible ({allowed}).")

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(value, value)


class Related(widgets.ForeignKeyWidget):
    """A foreign key by a readable, unique field (a name, a code), with a French error."""

    def clean(self, value, row=None, **kwargs):
        value = unescape_cell(value)
        if isinstance(value, str):
            value = value.strip()
        if not value:
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            names = self.model._meta.verbose_name_plural
            raise ValueError(f"« {value} » : introuvable parmi les {names}.") from None


def column(attribute, header, widget=None, **kwargs):
    """One column: the model attribute, its French header, how cells are read."""
    return fields.Field(attribute=attribute, column_name=header, widget=widget or Text(), **kwargs)


class Resource(resources.ModelResource):
    """Every exported cell and header goes through `escape_cell`; an import with any
    error writes nothing (the dry run lists every row's errors, in French)."""

    def export_field(self, field, instance, **kwargs):
        # Native values (dates, booleans, numbers), formatted once, by escape_cell.
        kwargs["force_native_type"] = True
        return escape_cell(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [escape_cell(h) for h in super().get_export_headers(selected_fields)]

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    class Meta:
        clean_model_instances = True  # the model's own French validation messages
        skip_unchanged = True
        report_skipped = False


class ImportExportAdminMixin(ImportExportMixin):
    """« Importer » and « Exporter » on an admin list, in CSV (;) and XLSX."""

    formats = FORMATS


class ExportAdminMixin(ExportMixin):
    """« Exporter » only: tables written elsewhere (money, reference data)."""

    formats = FORMATS
