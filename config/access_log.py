"""Access logs without personal data nor single-use tokens.

Query strings are dropped (searches carry SIRETs, names, e-mail addresses) and the
token part of single-use links (invitation, password reset, e-mail confirmation) is
masked. Used by gunicorn's access log (gunicorn.conf.py) and, as a logging filter,
by Django's own request logs.
"""

import logging
import re

from gunicorn.glogging import Logger

MASK = "[masqué]"
# A path segment that is a single-use secret, after the prefix that announces it.
TOKEN_PATHS = [
    re.compile(r"(/invitation/)[^/?\s]+"),
    re.compile(r"(/password/reset/key/)(?!done/)[^/?\s]+"),
    re.compile(r"(/confirm-email/)[^/?\s]+"),
]
QUERY = re.compile(r"\?[^\s\"]*")


def mask(text):
    """The text with query strings dropped and token path segments masked."""
    text = QUERY.sub("", text)
    for pattern in TOKEN_PATHS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


class MaskingFilter(logging.Filter):
    """A logging filter that masks every record's message (it never drops a record)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left for the handler to report
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingGunicornLogger(Logger):
    """Gunicorn's logger whose access-log atoms carry no query string nor token."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if key in atoms:
                atoms[key] = mask(atoms[key])
        atoms["q"] = ""
        atoms["f"] = mask(atoms.get("f", "-"))
        return atoms
