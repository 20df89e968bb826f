"""CSV files in any layout, read through an operator-supplied column mapping.

The mapping goes in the source definition, contact field to column name::

    {"name": "legacy-crm", "kind": "generic_csv", "path": "/exports/c.csv",
     "id_column": "Kundennummer", "delimiter": ";",
     "columns": {"email": "E-Mail", "first_name": "Vorname"}}
"""

from dataclasses import fields

from tocsin.sources.connectors.base import SourceSpec, register_kind
from tocsin.sources.connectors.csvfile import CsvExportConnector, RowError
from tocsin.sources.errors import SourceConfigError
from tocsin.vault.records import ContactRecord, Provenance

CONTACT_FIELDS = tuple(
    f.name for f in fields(ContactRecord) if f.name not in ("provenance", "extra")
)


@register_kind("generic_csv")
class GenericCsvConnector(CsvExportConnector):
    """Reads a CSV file whose columns the source definition maps to fields."""

    fix_hint = "correct the column names in the source's columns mapping"

    def __init__(self, spec: SourceSpec) -> None:
        super().__init__(spec)
        self.columns: dict[str, str] = spec.option("columns")
        unknown = sorted(set(self.columns) - set(CONTACT_FIELDS))
        if unknown:
            raise SourceConfigError(
                f"source {spec.name!r} maps unknown contact fields "
                f"{', '.join(unknown)}; use any of {', '.join(CONTACT_FIELDS)}"
            )
        self.id_column: str = spec.option("id_column")
        self.object_name = spec.options.get("object", self.path.name)
        self.updated_at_column = spec.options.get("updated_at_column", "")
        self.required_columns = (self.id_column, *self.columns.values())

    def map_row(self, row: dict[str, str], row_number: int) -> ContactRecord:
        """Return the contact in one row, read through the column mapping."""
        record_id = row[self.id_column].strip()
        if not record_id:
            raise RowError(f"column {self.id_column!r} (the record id) is empty")
        values = {name: row[column] for name, column in self.columns.items()}
        provenance = Provenance(
            self.spec.name, self.object_name, record_id, self.as_of()
        )
        return ContactRecord(provenance=provenance, **values)
