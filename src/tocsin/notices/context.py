"""The values a notice template may use, built for one person."""

from typing import Any

from tocsin.incidents.elements import DataElement
from tocsin.incidents.models import CompanyProfile, Incident
from tocsin.notices.rendering import select_content_blocks
from tocsin.vault.records import ContactRecord

ELEMENT_LABELS: dict[str, str] = {
    DataElement.NAME: "Your name",
    DataElement.EMAIL: "Your email address",
    DataElement.USERNAME: "Your account username",
    DataElement.PASSWORD: "Your account password or security answers",
    DataElement.SSN: "Your Social Security number",
    DataElement.DRIVERS_LICENSE: "Your driver's license number",
    DataElement.STATE_ID: "Your state identification card number",
    DataElement.PASSPORT: "Your passport number",
    DataElement.TAX_ID: "Your taxpayer identification number",
    DataElement.MILITARY_ID: "Your military identification number",
    DataElement.ACCOUNT_NUMBER: "Your financial account number",
    DataElement.CARD_NUMBER: "Your payment card number",
    DataElement.CARD_SECURITY_CODE: "Your payment card security code",
    DataElement.CARD_LAST4: "The last four digits of your payment card",
    DataElement.DATE_OF_BIRTH: "Your date of birth",
    DataElement.MOTHERS_MAIDEN_NAME: "Your mother's maiden name",
    DataElement.BIOMETRIC: "Biometric data",
    DataElement.GENETIC: "Genetic data",
    DataElement.MEDICAL: "Medical information",
    DataElement.HEALTH_INSURANCE: "Health insurance information",
    DataElement.EMPLOYEE_ID_WITH_CODE: "Your employee ID with its access code",
    DataElement.DIGITAL_SIGNATURE: "Your digital signature",
    DataElement.PRECISE_GEOLOCATION: "Precise location data",
    DataElement.POSTAL_ADDRESS: "Your postal address",
    DataElement.PHONE: "Your phone number",
    DataElement.ORDER_HISTORY: "Your order history",
    DataElement.IP_ADDRESS: "IP addresses you used",
}


def build_notice_context(
    contact: ContactRecord,
    exposed: list[str],
    incident: Incident,
    company: CompanyProfile,
    required_content: list[str],
    forbidden_content: list[str],
    reference: str,
) -> dict[str, Any]:
    """Return the template context for one person's notice.

    Only plain strings and lists reach the template, so the sandbox has no
    model or query object to reach through.
    """
    discovered = incident.discovered_at
    return {
        "person": {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "exposed_labels": [
                ELEMENT_LABELS.get(code, code) for code in sorted(exposed)
            ],
        },
        "company": {
            "legal_name": company.legal_name,
            "contact_phone": company.contact_phone,
            "contact_website": company.contact_website,
            "contact_address": company.contact_address,
        },
        "incident": {"discovered_date": discovered.strftime("%B %d, %Y")},
        "required_blocks": select_content_blocks(required_content),
        "forbidden": sorted(set(forbidden_content)),
        "notice": {"reference": reference},
    }
