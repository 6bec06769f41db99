"""What administrators see of accounts: linked identities, and two-factor devices to remove.

django-otp's own admin shows (and lets an administrator edit or copy) the secret key of an
authenticator app and every recovery code: whoever reads those can pass someone's second factor.
Here an administrator sees only whose device it is and when it was used, and can remove it when
someone loses their phone; the person then sets up a new app at their next sign-in.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.accounts.models import ExternalIdentity


class RemoveOnlyAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, RemoveOnlyAdmin)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Who signs in through which provider. Made by single sign-on only; removing one makes the
    next sign-in of that person a new account."""

    list_display = ["user", "issuer", "subject", "last_sign_in_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
