"""Warnings an operator sees before a notification run starts.

None of them stops a run: a breach response cannot wait for a vendor's new
audit report. They are shown so that the gap is a decision on record, not a
surprise in an audit.
"""

from dataclasses import dataclass

from tocsin.compliance.training import untrained_operators
from tocsin.compliance.vendors import vendor_warnings

# Vendor kinds each channel depends on, as the compliance records name them.
CHANNEL_VENDOR_KINDS = {"email": "email", "sms": "sms", "letter": "mail_house"}


@dataclass(frozen=True)
class RunWarning:
    """One pre-run warning: its kind and a message naming what to fix."""

    kind: str  # "vendor" or "training"
    message: str


def run_warnings(channels: tuple[str, ...] = ("email",)) -> list[RunWarning]:
    """Return vendor attestation and operator training warnings for a run."""
    kinds = [CHANNEL_VENDOR_KINDS[channel] for channel in channels]
    warnings = [RunWarning("vendor", item.message) for item in vendor_warnings(kinds)]
    for status in untrained_operators():
        when = status.completed_on.isoformat() if status.completed_on else "never"
        warnings.append(
            RunWarning(
                "training",
                f"operator {status.operator} is untrained (last training: {when}); "
                "record training with 'tocsin compliance training record'",
            )
        )
    return warnings
