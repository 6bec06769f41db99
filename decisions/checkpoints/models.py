"""Signed checkpoints of the decision log. Append-only."""

from django.db import models

from decisions.models import APPEND_ONLY


class Checkpoint(models.Model):
    """The log's size, head hash and Merkle root at a moment, signed by the app server's key.

    The key never reaches the database, so a DBA who rewrites the chain (and recomputes every
    hash) cannot sign a matching checkpoint; the witness copy (``AUDIT_WITNESS``) is kept where
    the DBA cannot reach it. ``statement`` is exactly what the signature covers.
    """

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        EXPORT = "export", "Export"
        PROOF = "proof", "Inclusion proof"

    size = models.BigIntegerField(help_text="Records in the log: the chain head's sequence number.")
    chain_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    origin = models.CharField(max_length=200)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100, help_text="Ed25519, base64.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    witnessed = models.BooleanField(default=False, help_text="Written to the witness when it was made.")

    class Meta:
        ordering = ["-size", "-id"]
        triggers = [APPEND_ONLY]
        indexes = [models.Index(fields=["size"], name="checkpoint_size")]

    def __str__(self) -> str:
        return f"Checkpoint at record {self.size}"
