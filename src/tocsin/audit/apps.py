from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tocsin.audit"
    label = "audit"
