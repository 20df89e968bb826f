from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "tocsin.incidents"
    label = "incidents"
