"""Meeting attachments: PDF or office documents of at most 10 MB, checked by content."""

from django.core.exceptions import ValidationError

MAX_SIZE = 10 * 1024 * 1024
# PDF; OOXML and OpenDocument are zip files; legacy Office files are OLE containers.
OFFICE_SIGNATURES = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
OFFICE_SUFFIXES = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"}


def validate_size(upload, limit=MAX_SIZE):
    """Every upload of the project: at most 10 MB, said in French."""
    if upload.size > limit:
        size = upload.size / 1048576
        raise ValidationError(f"Fichier trop lourd ({size:.1f} Mo) : 10 Mo au plus.")


def validate_office_document(upload):
    """A PDF or office document (checked by content) of at most 10 MB."""
    validate_size(upload)
    head = upload.read(8)
    upload.seek(0)
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if suffix not in OFFICE_SUFFIXES or not head.startswith(OFFICE_SIGNATURES):
        raise ValidationError(
            "Seuls les PDF et les documents bureautiques (Word, Excel, PowerPoint, "
            "OpenDocument) sont acceptés, d'après leur contenu."
        )
