"""The jurisdiction engine: law files, the rules that read them, deadlines.

Laws are data. Each jurisdiction has one YAML file under ``laws/``,
validated against ``law.schema.json``; an operator folder can add or
override files by id without a deploy. ``rulebook.load_rulebook`` loads
them, ``engine.assess`` applies them to an incident and its affected
people, and ``deadlines`` does the date arithmetic.

This package is pure: it imports only ``tocsin.incidents.elements`` and
``tocsin.errors`` and reads nothing but law files.
"""
