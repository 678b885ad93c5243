"""Uploaded files of the grant: type checked from the content, stored outside any public URL."""

import uuid

from django.core.exceptions import ValidationError

from partners.files import validate_size

# Magic numbers: what the first bytes of each accepted type look like.
SIGNATURES = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
]


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


def _private_name(folder, filename):
    # The content was checked on upload (validate_document); the suffix is only a hint.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = {"jpeg": "jpg"}.get(suffix, suffix)
    suffix = suffix if suffix in {"pdf", "jpg", "png"} else "bin"
    return f"private/{folder}/{uuid.uuid4().hex}.{suffix}"


def receipt_path(instance, filename):
    """Receipts get a random name under private/receipts/: never guessable, never public."""
    return _private_name("receipts", filename)


def document_path(instance, filename):
    """Convention documents, likewise under private/conventions/."""
    return _private_name("conventions", filename)
