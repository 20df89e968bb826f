from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "tocsin.compliance"
    label = "compliance"
