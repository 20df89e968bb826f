"""Celery routing: one queue per channel.

Each channel gets its own queue and its own workers, so a provider that is
slow or down fills only its channel's queue: email keeps flowing while SMS
waits on Twilio, and letter rendering (CPU-heavy, WeasyPrint) never delays
an email. Start workers per queue, for example::

    celery -A tocsin worker -Q email -c 4 -n email@%h
    celery -A tocsin worker -Q sms -c 2 -n sms@%h
    celery -A tocsin worker -Q postal -c 1 -n postal@%h

Merge ``CELERY_TASK_ROUTES`` into the settings as ``CELERY_TASK_ROUTES``.
Patterns are matched with ``fnmatch`` against task names, in order; the
first match wins. Tasks of other apps stay on the default ``celery`` queue.
"""

from typing import Any

EMAIL_QUEUE = "email"
SMS_QUEUE = "sms"
POSTAL_QUEUE = "postal"

# Keys are DeliveryAttempt.Channel values; letters go to the postal queue.
CHANNEL_QUEUES = {"email": EMAIL_QUEUE, "sms": SMS_QUEUE, "letter": POSTAL_QUEUE}

CELERY_TASK_ROUTES: dict[str, dict[str, Any]] = {
    "tocsin.delivery.tasks.*email*": {"queue": EMAIL_QUEUE},
    "tocsin.delivery.tasks.*smtp*": {"queue": EMAIL_QUEUE},
    "tocsin.delivery.tasks.*sms*": {"queue": SMS_QUEUE},
    "tocsin.delivery.tasks.*postal*": {"queue": POSTAL_QUEUE},
    "tocsin.delivery.tasks.*letter*": {"queue": POSTAL_QUEUE},
}


def queue_for_channel(channel: str) -> str:
    """Return the Celery queue name for a delivery channel.

    Use it with ``apply_async(queue=...)`` where a task serves several
    channels and its name cannot say which.
    """
    try:
        return CHANNEL_QUEUES[channel]
    except KeyError:
        raise ValueError(
            f"unknown delivery channel '{channel}'; expected one of "
            f"{', '.join(CHANNEL_QUEUES)}"
        ) from None
