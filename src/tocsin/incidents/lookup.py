"""Loading an incident from an id an operator typed."""

import uuid

from tocsin.incidents.errors import IncidentNotFound
from tocsin.incidents.models import Incident


def get_incident(incident_id: str | uuid.UUID) -> Incident:
    """Return the incident with this id, or raise ``IncidentNotFound``.

    The message names the id and where to find a valid one, because ids
    come from copy and paste and are often cut short.
    """
    try:
        key = uuid.UUID(str(incident_id))
    except ValueError:
        raise IncidentNotFound(
            f"incident id '{incident_id}' is not a UUID; list incidents with "
            "'tocsin status'"
        ) from None
    incident = Incident.objects.filter(pk=key).first()
    if incident is None:
        raise IncidentNotFound(
            f"incident {incident_id} not found; list incidents with 'tocsin status'"
        )
    return incident
