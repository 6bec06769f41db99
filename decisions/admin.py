"""Admin: users, teams and local settings are editable; decision records are read-only."""

from django.contrib import admin

from decisions.models import Addendum, Decision, LocalSettings, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(LocalSettings)
class LocalSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not LocalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records are append-only: the admin may look, never change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "case_reference", "outcome", "emergency", "author", "team", "created_at"]
    list_filter = ["outcome", "emergency", "needs_attention", "team"]
    search_fields = ["reference", "case_reference"]
    list_select_related = ["author", "team"]
    exclude = ["form_data"]


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    list_display = ["decision", "kind", "author", "created_at"]
    list_select_related = ["decision", "author"]
