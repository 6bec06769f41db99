from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in, passwords, two-factor and single sign-on: who someone is, not what they may do."""

    name = "decisions.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from decisions.accounts import oidc, sessions

        user_logged_in.connect(sessions.stamp_sign_in, dispatch_uid="accounts-stamp-sign-in")
        checks.register(oidc.check_settings, checks.Tags.security)
