"""Uploaded files: checked by content, stored under random names outside any public URL,
and served only by views that apply the visibility rule first."""

import uuid

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

MAX_SIZE = 10 * 1024 * 1024

# Magic numbers: what the first bytes of each accepted type look like.
SIGNATURES = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
]
# PDF; OOXML and OpenDocument are zip files; legacy Office files are OLE containers.
OFFICE_SIGNATURES = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
OFFICE_SUFFIXES = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"}


def validate_size(upload, limit=MAX_SIZE):
    """Every upload of the project: at most 10 MB, said in French."""
    if upload.size > limit:
        size = upload.size / 1048576
        raise ValidationError(f"Fichier trop lourd ({size:.1f} Mo) : 10 Mo au plus.")


def sniff(upload):
    """(extension, content type) read from the file's first bytes, or None."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(16)
    upload.seek(position)
    for signature, extension, content_type in SIGNATURES:
        if head.startswith(signature):
            return extension, content_type
    return None


def validate_document(upload):
    """A PDF, JPEG or PNG of at most 10 MB, whatever its name says."""
    validate_size(upload)
    if sniff(upload) is None:
        raise ValidationError(
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG "
            "(d'après son contenu, pas son nom)."
        )


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


def private_name(folder, filename):
    """The one naming rule of private files: a random name under private/<folder>/, never
    guessable, never public. The suffix is only a hint (contents are checked on upload)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = {"jpeg": "jpg"}.get(suffix, suffix)
    if not (suffix.isascii() and suffix.isalnum() and len(suffix) <= 5):
        suffix = "bin"
    return f"private/{folder}/{uuid.uuid4().hex}.{suffix}"


def download_name(name, extension):
    """`name` ending in `.extension`, the type read from the content: « facture.pdf.html »
    holding a PDF is offered as « facture.pdf », never as a page a browser would open."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem = name
    elif suffix.lower() == extension or {suffix.lower(), extension} == {"jpg", "jpeg"}:
        return name
    if stem.lower().endswith(f".{extension}"):
        return stem
    return f"{stem or 'fichier'}.{extension}"


def private_file_response(stored, name=None, content_type=None):
    """Send a private file as an attachment. Call it only after the view has looked the
    object up through the user's scope. The type is read from the content unless given,
    and then the offered name's suffix comes from that type too (an office document,
    which has no sniffed type, keeps a suffix of OFFICE_SUFFIXES or gets « .bin »)."""
    if not stored:
        raise Http404
    handle = stored.open("rb")
    filename = name or stored.name.rsplit("/", 1)[-1]
    if content_type is None:
        sniffed = sniff(handle)
        if sniffed:
            extension, content_type = sniffed
            filename = download_name(filename, extension)
        else:
            content_type = "application/octet-stream"
            suffix = filename.rpartition(".")[2].lower() if "." in filename else ""
            if suffix not in OFFICE_SUFFIXES:
                filename = download_name(filename, "bin")
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
