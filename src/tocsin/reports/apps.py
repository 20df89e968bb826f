from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tocsin.reports"
    label = "reports"
