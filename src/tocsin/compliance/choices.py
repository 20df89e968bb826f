"""Code lists of compliance records.

Kept apart from ``models.py`` so the command-line interface can build its
option choices before Django's app registry is ready.
"""

from django.db import models


class VendorKind(models.TextChoices):
    """The service a vendor provides with notification data."""

    EMAIL = "email", "email provider"
    SMS = "sms", "SMS provider"
    MAIL_HOUSE = "mail_house", "mail house"
    CRM = "crm", "CRM"
    HOSTING = "hosting", "hosting"
    OTHER = "other", "other"


class AttestationType(models.TextChoices):
    """The kinds of third-party attestation accepted for a vendor."""

    SOC2_TYPE2 = "soc2_type2", "SOC 2 Type II report"
    ISO27001 = "iso27001", "ISO/IEC 27001 certificate"


class HandoffItemCode(models.TextChoices):
    """Hand-off checklist items, all needed before the first notice."""

    SCOPE_CONFIRMED = "scope_confirmed", "scope of the breach confirmed"
    COUNSEL_ENGAGED = "counsel_engaged", "privacy counsel engaged"
    LAW_ENFORCEMENT_DELAY = (
        "law_enforcement_delay",
        "law-enforcement delay requested or not",
    )
    REGULATOR_CLOCKS_STARTED = (
        "regulator_clocks_started",
        "regulators' deadlines started",
    )
