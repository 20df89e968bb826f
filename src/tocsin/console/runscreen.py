"""Checks and progress shown on the run screen of a notification run."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from tocsin.compliance.errors import ComplianceRecordNotFound
from tocsin.compliance.handoff import load_handoff
from tocsin.compliance.models import HandoffItem
from tocsin.compliance.training import OperatorTraining, untrained_operators
from tocsin.compliance.vendors import VendorWarning, vendor_warnings
from tocsin.console.roles import OPERATOR, RESPONDER
from tocsin.delivery.conf import email_providers, sms_providers
from tocsin.incidents.models import BackgroundJob, Incident

RECENT_JOB_COUNT = 10


@dataclass(frozen=True)
class HandoffState:
    """The incident's hand-off checklist, or why there is none."""

    has_checklist: bool
    items: list[HandoffItem] = field(default_factory=list)

    @property
    def open_items(self) -> list[HandoffItem]:
        """The checklist items not completed yet."""
        return [item for item in self.items if not item.is_complete]


def run_operators() -> list[str]:
    """Return the user names of active responders and operators.

    These are the people who start and watch a run, so their training is
    the training that matters on the run screen.
    """
    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=(RESPONDER, OPERATOR)
    )
    return sorted(set(users.values_list("username", flat=True)))


def vendors_in_use() -> list[str]:
    """Return the vendor names or kinds a run will hand contact data to.

    The configured email and SMS providers by name. With no email provider
    configured, email goes out over SMTP, so the ``email`` kind stands for
    whichever email vendor is registered.
    """
    names = [str(entry["name"]) for entry in email_providers() if "name" in entry]
    if not names:
        names.append("email")
    names += [str(entry["name"]) for entry in sms_providers() if "name" in entry]
    return names


def load_handoff_state(incident: Incident) -> HandoffState:
    """Return the incident's hand-off checklist state, items in order."""
    try:
        handoff = load_handoff(str(incident.pk))
    except ComplianceRecordNotFound:
        return HandoffState(has_checklist=False)
    # The checklist's own order, not the alphabetical order of the codes.
    order = {code: index for index, code in enumerate(HandoffItem.Code.values)}
    items = sorted(handoff.items.all(), key=lambda item: order[item.code])
    return HandoffState(has_checklist=True, items=items)


def untrained_run_operators() -> list[OperatorTraining]:
    """Return the responders and operators without current training."""
    return untrained_operators(run_operators())


def current_vendor_warnings() -> list[VendorWarning]:
    """Return attestation warnings for the vendors a run will use."""
    return vendor_warnings(vendors_in_use())


def recent_jobs(incident: Incident) -> list[BackgroundJob]:
    """Return the incident's latest background jobs, newest first."""
    jobs = BackgroundJob.objects.filter(incident=incident).order_by("-created_at")
    return list(jobs[:RECENT_JOB_COUNT])
