from django.apps import AppConfig


class PolicycycleConfig(AppConfig):
    name = "policycycle"
    verbose_name = "Policy cycle toolkit and projects"
