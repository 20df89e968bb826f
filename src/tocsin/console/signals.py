"""Audit entries for console sign-in and sign-out.

Failed sign-ins are not audited here: the typed user name may be a
mistyped password, and the audit trail is append-only. django-axes keeps
failed attempts in its own table, which can be cleared.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from tocsin.audit.trail import record_audit_event


@receiver(user_logged_in, dispatch_uid="console-audit-sign-in")
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Write a ``console.signed_in`` audit entry naming the user."""
    record_audit_event(
        "console.signed_in",
        object_type="user",
        object_id=user.pk,
        actor=user.get_username(),
    )


@receiver(user_logged_out, dispatch_uid="console-audit-sign-out")
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Write a ``console.signed_out`` audit entry, if a user was signed in."""
    if user is None:
        return
    record_audit_event(
        "console.signed_out",
        object_type="user",
        object_id=user.pk,
        actor=user.get_username(),
    )
