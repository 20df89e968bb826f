"""The Celery application and the base class of every Tocsin task."""

import logging
import os
import time
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")

logger = logging.getLogger(__name__)

app = Celery("tocsin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class TocsinTask(Task):
    """Log each task's start, retry, success and failure once, with ids only.

    Tasks are acknowledged late and rejected when their worker dies, so a
    killed worker's task runs again elsewhere: every task must be idempotent.
    """

    acks_late = True
    reject_on_worker_lost = True

    def before_start(self, task_id: str, args: Any, kwargs: Any) -> None:
        self._started = time.monotonic()

    def _lifecycle_extra(self, task_id: str) -> dict[str, Any]:
        started = getattr(self, "_started", None)
        return {
            "task": self.name,
            "task_id": task_id,
            "retries": self.request.retries,
            "duration_s": round(time.monotonic() - started, 3) if started else None,
        }

    def on_success(self, retval: Any, task_id: str, args: Any, kwargs: Any) -> None:
        logger.info("task succeeded", extra=self._lifecycle_extra(task_id))

    def on_retry(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        extra = self._lifecycle_extra(task_id) | {"error": type(exc).__name__}
        logger.warning("task retrying", extra=extra)

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        extra = self._lifecycle_extra(task_id) | {"error": type(exc).__name__}
        logger.error("task failed", extra=extra)
