"""Administrators see every email's state (failed sends first to hand) and can send one again."""

from django.contrib import admin, messages

from decisions.alerts import tasks
from decisions.alerts.models import EmailDelivery, Notification, Preference


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "subject", "digest", "status", "attempts", "sent_at")
    list_filter = ("status", "digest")
    readonly_fields = [field.name for field in EmailDelivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Try sending the selected failed emails again")
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=EmailDelivery.Status.FAILED).values_list("pk", flat=True))
        EmailDelivery.objects.filter(pk__in=failed).update(status=EmailDelivery.Status.QUEUED, attempts=0)
        tasks.emails_defer(failed)
        self.message_user(request, f"{len(failed)} email(s) queued again.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "decision", "urgent", "by_digest", "read_at")
    list_filter = ("kind", "urgent", "by_digest")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "non_urgent")
