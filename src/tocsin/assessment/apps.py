from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "tocsin.assessment"
    label = "assessment"
