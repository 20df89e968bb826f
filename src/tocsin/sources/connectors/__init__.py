"""Connectors, one module per kind of source; importing this registers them."""

from tocsin.sources.connectors import salesforce, snapshot, sql  # noqa: F401
from tocsin.sources.shops import generic_csv, magento, woocommerce  # noqa: F401
