"""Sending Celery tasks so that an unreachable broker never breaks a request.

The row that describes the work (an e-mail, a report, an import) is committed first and
stays « queued » when the broker cannot be reached: the periodic sweeper
(`partners.tasks.sweep_queued`, `grant.tasks.sweep_queued_reports`…) or the next worker
start sends it again (docs/decisions/010-redis-down.md).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_task(task, *args):
    """Send `task` now; on a broker failure, log it and return False (never raise)."""
    try:
        task.delay(*args)
    except Exception as error:  # kombu and redis raise several kinds of error
        logger.warning(
            "Broker unreachable (%s): %s%r stays queued for the sweeper",
            type(error).__name__,
            task.name,
            args,
        )
        return False
    return True


def enqueue_on_commit(task, *args):
    """Send `task` with primary keys once the current transaction commits (see send_task)."""
    transaction.on_commit(lambda: send_task(task, *args))
