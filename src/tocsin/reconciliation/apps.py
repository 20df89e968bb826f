from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "tocsin.reconciliation"
    label = "reconciliation"
