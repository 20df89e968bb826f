"""Magento (Adobe Commerce) customer exports.

Reads the "Customers and Addresses (single file)" export of System > Data
Transfer > Export: the customer's main attributes (``email``, ``_website``,
``firstname``, ``lastname``, ``updated_at``) followed by the default address
in ``_address_*`` columns. The "Customers Main File" export, which has no
address columns, is read too.
"""

from tocsin.sources.connectors.base import register_kind, stable_record_id
from tocsin.sources.connectors.csvfile import CsvExportConnector, RowError
from tocsin.vault.records import ContactRecord, Provenance


@register_kind("magento_csv")
class MagentoExportConnector(CsvExportConnector):
    """Reads a Magento customer export (one row per customer)."""

    object_name = "magento.customer"
    required_columns = ("email", "_website", "firstname", "lastname")
    updated_at_column = "updated_at"
    fix_hint = (
        "export the Customers and Addresses (single file) entity from "
        "Magento's System > Data Transfer > Export, or use a generic_csv "
        "source with a column mapping"
    )

    def map_row(self, row: dict[str, str], row_number: int) -> ContactRecord:
        """Return the customer in one export row with its default address."""
        email = row["email"].strip()
        if not email:
            raise RowError("email is empty; Magento keys customers by email")
        # Magento keys a customer by (email, website) and exports no entity
        # id in this file, so the id is a keyed hash of both.
        # Limitation: a changed email makes a new record id. Effect: a delta
        # re-sync adds the customer again under the new address, and the old,
        # exposed address stays in the vault as a separate contact.
        record_id = row.get("entity_id", "").strip() or stable_record_id(
            self.spec.name, row["_website"].strip(), email.lower()
        )
        street = row.get("_address_street", "").splitlines()
        provenance = Provenance(
            self.spec.name, self.object_name, record_id, self.as_of()
        )
        return ContactRecord(
            provenance=provenance,
            customer_id=row.get("entity_id", ""),
            first_name=row.get("firstname", ""),
            last_name=row.get("lastname", ""),
            email=email,
            phone=row.get("_address_telephone", ""),
            address1=street[0] if street else "",
            address2=" ".join(street[1:]),
            city=row.get("_address_city", ""),
            province_code=row.get("_address_region", ""),
            postal_code=row.get("_address_postcode", ""),
            country_code=row.get("_address_country_id", ""),
            company=row.get("_address_company", ""),
        )
