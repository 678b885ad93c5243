"""Signed links sent to entrepreneurs (they have no account): agree to a pairing, consent
to a story, withdraw a consent.

Each link carries a payload signed with the project's secret and a salt per purpose, so a
link for one purpose never opens another, and a tampered link fails. Links expire; what
they do is idempotent (an agreement is recorded once, a withdrawal happens once), which
makes them single-use in effect. No personal data travels in the URL: only ids."""

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse

PAIRING_SALT = "enterprises.pairing-agreement"
CONSENT_SALT = "enterprises.consent-withdrawal"
STORY_SALT = "enterprises.story-consent"

LINK_MAX_AGE = 30 * 24 * 3600  # an agreement link: 30 days
WITHDRAWAL_MAX_AGE = 5 * 365 * 24 * 3600  # a withdrawal link works as long as it matters


def make_token(salt, **payload):
    return signing.dumps(payload, salt=salt, compress=True)


def read_token(token, salt, max_age):
    """The payload, or None when the link is tampered with or expired."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def pairing_link(pairing, side):
    """The link by which one side ("mentee" or "pair") agrees to a pairing."""
    token = make_token(PAIRING_SALT, p=pairing.pk, s=side)
    return absolute(reverse("enterprises:pairing_agree", kwargs={"token": token}))


def read_pairing_token(token):
    payload = read_token(token, PAIRING_SALT, LINK_MAX_AGE)
    if not payload or payload.get("s") not in ("mentee", "pair"):
        return None
    return payload


def withdrawal_link(consent):
    """The link by which an entrepreneur withdraws a consent, whenever they wish."""
    token = make_token(CONSENT_SALT, c=consent.pk)
    return absolute(reverse("enterprises:consent_withdraw", kwargs={"token": token}))


def read_withdrawal_token(token):
    return read_token(token, CONSENT_SALT, WITHDRAWAL_MAX_AGE)


def text_digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def story_link(story):
    """The link by which an entrepreneur accepts a story's exact text: it carries a digest
    of that text, so an edited story needs a new link."""
    token = make_token(STORY_SALT, s=story.pk, t=text_digest(story.text()))
    return absolute(reverse("enterprises:story_consent", kwargs={"token": token}))


def read_story_token(token):
    return read_token(token, STORY_SALT, LINK_MAX_AGE)


EVENT_SALT = "enterprises.event-registration"


def registration_link(registration):
    """The link by which an invited enterprise registers for a community event."""
    token = make_token(EVENT_SALT, r=registration.pk)
    return absolute(reverse("enterprises:event_register", kwargs={"token": token}))


def read_registration_token(token):
    return read_token(token, EVENT_SALT, LINK_MAX_AGE)
