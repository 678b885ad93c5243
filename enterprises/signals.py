"""Signals of the enterprises app.

`records_changed` is sent after writes that bypass the models' own signals (bulk imports,
SIRENE repérage, conditional UPDATEs), so that higher layers can forget what they derived
from the data (the « Pilotage » figures in grant) without this app importing them."""

from django.dispatch import Signal

records_changed = Signal()

# Sent by Assignment.close() once the partner has closed an orientation (the survey to the
# entrepreneur hangs on it: enterprises.surveys).
assignment_closed = Signal()
