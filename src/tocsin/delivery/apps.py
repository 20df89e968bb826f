from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tocsin.delivery"
    label = "delivery"

    def ready(self) -> None:
        """Connect anymail's tracking signal to Tocsin's event normalizer."""
        from anymail.signals import tracking

        from tocsin.delivery.webhooks import on_anymail_tracking

        tracking.connect(on_anymail_tracking, dispatch_uid="tocsin.delivery.tracking")
        # Register the DKIM system check and the worker-start recovery.
        from tocsin.delivery import dkim, recovery  # noqa: F401
