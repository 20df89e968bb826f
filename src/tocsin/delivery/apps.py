from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tocsin.delivery"
    label = "delivery"

    def ready(self) -> None:
        """Connect anymail's tracking signal to Tocsin's event normalizer."""
        from anymail.signals import tracking

        from tocsin.delivery.webhooks import on_anymail_tracking

        tracking.connect(on_anymail_tracking, dispatch_uid="tocsin.delivery.tracking")
        # Registers the DKIM system check.
        from tocsin.delivery import dkim  # noqa: F401
