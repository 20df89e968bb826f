from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "tocsin.notices"
    label = "notices"
