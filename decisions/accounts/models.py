"""The accounts' own records: a person's identity at their organisation's provider."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExternalIdentity(models.Model):
    """A person's account at their organisation's OpenID provider, linked to their user here.

    Matched by the provider (``issuer``) and a claim that never changes for that person
    (``sub``, or Entra ID's ``oid``): never by email or name, which can be changed or reused, so
    nobody can take over an account by getting a similar address.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_external_identity")
        ]
        verbose_name_plural = "external identities"

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
