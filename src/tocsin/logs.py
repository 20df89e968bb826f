"""Structured log output: one JSON object per record.

Only the fixed message and the ``extra`` fields of a record are written.
Callers pass ids and counts in ``extra``, never contact details.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else came from ``extra``.
# Celery loggers whose messages interpolate task arguments or exceptions.
_TRACE_LOGGERS = ("celery.app.trace", "celery.worker")
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON object with its ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.name.startswith(_TRACE_LOGGERS) and isinstance(record.args, dict):
            # Celery's task-failure message embeds the exception text, which
            # can quote the input that failed: keep the task name and id only.
            entry["event"] = f"task {record.args.get('description', 'received')}"
            entry["task"] = record.args.get("name")
            entry["task_id"] = record.args.get("id")
        for key, value in vars(record).items():
            if key == "data" and record.name.startswith(_TRACE_LOGGERS):
                continue
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            # The type and the frames only: exception messages from libraries
            # can quote the values that failed, such as an email address.
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, default=str)
