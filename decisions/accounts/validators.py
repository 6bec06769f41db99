"""A password must not be built on words anyone could guess from the service (ASVS 6.1.2, 6.2.11)."""

from django.conf import settings
from django.core.exceptions import ValidationError

# Words tied to this service and its users. The organisation's own name is added from
# ``LocalSettings`` and ``PASSWORD_CONTEXT_WORDS`` (comma-separated, from the environment).
CONTEXT_WORDS = (
    "safeguarding",
    "information sharing",
    "sharing decision",
    "decisions",
    "practitioner",
    "manager",
    "auditor",
    "administrator",
    "password",
    "children",
    "social care",
)


def normalised(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class ContextWordsValidator:
    """Refuse a password that is mostly a context word: one of them makes up half or more of it."""

    def words(self) -> list[str]:
        from decisions.models import LocalSettings

        words = [*CONTEXT_WORDS, *settings.PASSWORD_CONTEXT_WORDS]
        organisation = LocalSettings.objects.values_list("organisation_name", flat=True).first()
        if organisation:
            words.append(organisation)
        return [normalised(word) for word in words if len(normalised(word)) >= 4]

    def validate(self, password: str, user=None) -> None:
        plain = normalised(password)
        for word in self.words():
            if word in plain and len(word) * 2 >= len(plain):
                raise ValidationError(
                    "Your password is too easy to guess: do not base it on the name of this service, "
                    "your organisation or your role",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password cannot be based on the name of this service, your organisation or your role."
