"""Admin: administrators manage people, teams and local settings here, and nothing else.

Decision records, addenda, reviews and the logs are not in the admin at all: auditors read them
through the audit pages, where every view is written to the access log. An administrator who
could browse records here would read every team's decisions with no trace (issue 9).
"""

from django.contrib import admin

from decisions.models import LocalSettings, Team


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
