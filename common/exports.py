"""One way to answer a CSV or XLSX download, used by every export of the project."""

from django.http import HttpResponse

from common.tabular import write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def export_response(fmt, columns, rows, *, filename, metadata=None, sheet_title="Export"):
    """A download of `rows` under `columns`: XLSX when `fmt` is "xlsx", CSV otherwise.

    `filename` has no suffix: the format adds it."""
    if fmt == "xlsx":
        content = write_xlsx(columns, rows, metadata, sheet_title)
        content_type, suffix = XLSX_TYPE, "xlsx"
    else:
        content = write_csv(columns, rows, metadata)
        content_type, suffix = CSV_TYPE, "csv"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{suffix}"'
    return response
