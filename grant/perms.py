"""Who may do what with the grant: small named predicates."""

from functools import wraps

from django.http import Http404


def staff_only(view):
    """Grant pages and files are for Métropole staff only; others get 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
