"""Tocsin: the customer-notification side of a data-breach response."""
