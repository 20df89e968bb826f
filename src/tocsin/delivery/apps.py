from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tocsin.delivery"
    label = "delivery"
