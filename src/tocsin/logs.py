"""Structured log output: one JSON object per record.

Only the fixed message and the ``extra`` fields of a record are written.
Callers pass ids and counts in ``extra``, never contact details.
"""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else came from ``extra``.
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
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            # The exception type only: exception messages from libraries can
            # quote the values that failed, such as an email address.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)
