from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Information sharing decisions"

    def ready(self):
        from django.db.models.signals import post_save

        from decisions import settings_cache
        from decisions.models import LocalSettings

        post_save.connect(settings_cache.forget, sender=LocalSettings, dispatch_uid="settings-cache-forget")
