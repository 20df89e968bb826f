from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tocsin.console"
    label = "console"
