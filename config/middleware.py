"""Development only: « Page introuvable » instead of Django's technical 404."""

from django.views.defaults import page_not_found


class FriendlyNotFoundMiddleware:
    """With DEBUG on (`make run`), Django answers a missing page with its English technical
    page listing every URL: not what a person trying the demo should see, and not what
    production shows. This answers with our « Page introuvable » instead. Set DEBUG_404=true
    to get Django's page back while developing URLs. Installed only when DEBUG is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return page_not_found(request, exception=None)
        return response
