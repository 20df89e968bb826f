"""Errors raised by compliance records.

TocsinError
 └── PermanentError
      ├── InvalidComplianceInput   a value is missing or malformed
      │    └── InvalidIRExport     an IR tool export cannot be imported
      ├── ComplianceRecordNotFound no vendor or hand-off with that name or id
      └── HandoffIncomplete        notices may not be sent yet
"""

from tocsin.errors import PermanentError


class InvalidComplianceInput(PermanentError):
    """A value given for a compliance record is missing or malformed."""


class InvalidIRExport(InvalidComplianceInput):
    """An incident response tool export is malformed or names unknown codes."""


class ComplianceRecordNotFound(PermanentError):
    """No vendor, hand-off or other record matches the given name or id."""


class HandoffIncomplete(PermanentError):
    """The incident's hand-off checklist has open items, so no notice may go.

    ``missing_items`` lists the open item codes, so a caller such as the run
    screen can show them without parsing the message.
    """

    def __init__(self, message: str, missing_items: list[str]) -> None:
        super().__init__(message)
        self.missing_items = missing_items
