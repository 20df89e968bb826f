"""Console roles, kept as Django groups, and the checks views use.

A user's roles are the names of the groups they belong to. Superusers get no
role implicitly, because seeing decrypted contact details must be granted
on purpose and shows up in the group list.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RESPONDER = "responder"  # incidents, obligations, the run screen
OPERATOR = "operator"  # imports, the review queue, starting notification
AUDITOR = "auditor"  # read-only: the audit trail and reports
CONTACT_VIEWER = "contact_viewer"  # may see decrypted contact details

ROLES = (RESPONDER, OPERATOR, AUDITOR, CONTACT_VIEWER)

View = Callable[..., HttpResponse]


def user_roles(user: Any) -> frozenset[str]:
    """Return the console roles the user holds, cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_console_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=ROLES).values_list("name", flat=True)
        cached = frozenset(names)
        user._console_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    """Return whether the user has at least one of ``roles``."""
    return bool(user_roles(user) & set(roles))


def render_forbidden(request: HttpRequest, needed: tuple[str, ...]) -> HttpResponse:
    """Return the 403 page naming the roles that would grant access."""
    context = {"needed_roles": needed}
    return render(request, "console/forbidden.html", context, status=403)


def require_role(*roles: str) -> Callable[[View], View]:
    """Return a decorator that lets only users holding one of ``roles`` in.

    Anonymous users go to the sign-in page; signed-in users without the
    role get a 403 page that names the roles an administrator can grant.
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                logger.warning(
                    "console access denied",
                    extra={"view": view.__name__, "user_id": request.user.pk},
                )
                return render_forbidden(request, roles)
            return view(request, *args, **kwargs)

        return guarded

    return decorate
