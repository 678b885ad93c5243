"""Predicates that belong to no domain."""

from functools import wraps

from django.http import Http404


def staff_only(view):
    """Pages for Métropole staff only; anyone else gets 404 (no confirmation that the
    page exists)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
