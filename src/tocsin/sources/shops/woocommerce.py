"""WooCommerce customer exports.

The layout is the customer CSV of the "Customer / Order / Coupon Export"
extension sold by WooCommerce, whose documentation promises stable column
keys but not a stable column order, so columns are read by name. Billing
fields are preferred because they are what the shop last verified at checkout.
"""

from tocsin.sources.connectors.base import register_kind
from tocsin.sources.connectors.csvfile import CsvExportConnector, RowError
from tocsin.vault.records import ContactRecord, Provenance


@register_kind("woocommerce_csv")
class WooCommerceExportConnector(CsvExportConnector):
    """Reads a WooCommerce customer export (one row per customer)."""

    object_name = "woocommerce.customers"
    required_columns = ("customer_id", "email", "billing_email")
    updated_at_column = "date_modified"
    fix_hint = (
        "export customers from WooCommerce with the Customer/Order/Coupon "
        "Export default customer format, or use a generic_csv source with a "
        "column mapping"
    )

    def map_row(self, row: dict[str, str], row_number: int) -> ContactRecord:
        """Return the customer in one export row, billing fields first."""
        customer_id = row["customer_id"].strip()
        # Guest customers have id 0: the row number is their only key.
        record_id = customer_id if customer_id not in ("", "0") else f"row-{row_number}"
        email = row.get("billing_email", "").strip() or row.get("email", "").strip()

        def billing_or_account(name: str) -> str:
            return row.get(f"billing_{name}", "").strip() or row.get(name, "").strip()

        if not (email or row.get("billing_phone") or row.get("billing_address_1")):
            raise RowError("has no email, phone or billing address")
        provenance = Provenance(
            self.spec.name, self.object_name, record_id, self.as_of()
        )
        return ContactRecord(
            provenance=provenance,
            customer_id=customer_id if customer_id != "0" else "",
            first_name=billing_or_account("first_name"),
            last_name=billing_or_account("last_name"),
            email=email,
            phone=row.get("billing_phone", ""),
            address1=row.get("billing_address_1", ""),
            address2=row.get("billing_address_2", ""),
            city=row.get("billing_city", ""),
            province_code=row.get("billing_state_code", "")
            or row.get("billing_state", ""),
            postal_code=row.get("billing_postcode", ""),
            country_code=row.get("billing_country", ""),
            company=row.get("billing_company", ""),
        )
