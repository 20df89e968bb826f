"""Connectors for customer exports from online shops."""
