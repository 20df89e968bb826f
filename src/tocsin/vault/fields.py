"""Model fields for the vault's binary columns."""

from typing import Any

from django.db import models


class CiphertextField(models.Field):
    """A binary column (BLOB, bytea) that Django bulk-inserts like any other.

    Django's ``BinaryField`` defines ``get_placeholder`` (for MySQL's
    ``_binary`` prefix). On PostgreSQL that stops Django 5.2's UNNEST form of
    ``bulk_create`` and falls back to one placeholder per value, which made
    storing contacts about four times slower than a plain table.
    """

    description = "Ciphertext bytes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "BinaryField"

    def get_db_prep_value(
        self, value: Any, connection: Any, prepared: bool = False
    ) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return connection.Database.Binary(value)
