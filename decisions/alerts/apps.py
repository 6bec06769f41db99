from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "decisions.alerts"
    label = "alerts"
    verbose_name = "Alerts"
