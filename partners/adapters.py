from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings

from .emails import queue_rendered_message


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come by invitation only; allauth's e-mails go through the task queue."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        # As allauth's own send_mail, except that a Celery task does the sending.
        request = allauth_context.request or self.request
        # Outside a request (a deferred callback), the configured public address.
        domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
        site = SimpleNamespace(domain=domain, name="Parcours TPE")
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        queue_rendered_message(self.render_mail(template_prefix, email, ctx))
