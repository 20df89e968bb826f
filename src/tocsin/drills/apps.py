from django.apps import AppConfig


class DrillsConfig(AppConfig):
    name = "tocsin.drills"
    label = "drills"
