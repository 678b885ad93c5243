from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from .emails import queue_rendered_message


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come by invitation only; allauth's e-mails go through the task queue."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        # As allauth's own send_mail, except that a Celery task does the sending.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        queue_rendered_message(self.render_mail(template_prefix, email, ctx))
