"""The account forms in GOV.UK style: Django's own password forms, with plain-English labels."""

from django import forms
from django.contrib.auth import forms as auth_forms

from decisions.forms import page_form_helper

NEW_PASSWORD_HINT = "At least 12 characters. Avoid common words and passwords you use elsewhere."  # noqa: S105


def password_input(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"})


class NewPasswordMixin:
    """The new-password pair shared by change and reset, with GOV.UK error messages."""

    def set_new_password_fields(self):
        self.helper = page_form_helper()
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = NEW_PASSWORD_HINT
        self.fields["new_password1"].widget = password_input("new-password")
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm your new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].widget = password_input("new-password")
        self.fields["new_password2"].error_messages["required"] = "Enter your new password again"
        self.error_messages["password_mismatch"] = "The two new passwords do not match"  # noqa: S105


class ChangePasswordForm(NewPasswordMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_new_password_fields()
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].widget = password_input("current-password")
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages["password_incorrect"] = "Your current password is not correct"  # noqa: S105


class ResetPasswordForm(NewPasswordMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_new_password_fields()


class ForgottenPasswordForm(auth_forms.PasswordResetForm):
    """Ask for a reset link. Only local accounts get one (Django skips unusable passwords)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        field = self.fields["email"]
        field.label = "Email address"
        field.help_text = "The email address your administrator set up for your account."
        field.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        field.error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            }
        )


class SecurityCodeForm(forms.Form):
    """The GOV.UK "enter a security code" pattern, for an authenticator app or a recovery code."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app, or one of your recovery codes.",
        max_length=20,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()


class AuthenticatorSetUpForm(SecurityCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "code"
        ].help_text = "The 6-digit code your authenticator app shows after you add this service."
        self.fields["code"].error_messages["required"] = "Enter the 6-digit code from your authenticator app"
