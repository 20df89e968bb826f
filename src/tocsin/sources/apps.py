from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "tocsin.sources"
    label = "sources"
