from django.apps import AppConfig


class CheckpointsConfig(AppConfig):
    """Signed checkpoints of the decision log and inclusion proofs (docs/audit.md)."""

    name = "decisions.checkpoints"
    label = "checkpoints"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Signed checkpoints"
