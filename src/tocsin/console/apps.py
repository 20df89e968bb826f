from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tocsin.console"
    label = "console"

    def ready(self) -> None:
        from tocsin.console import signals  # noqa: F401
