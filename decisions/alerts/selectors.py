"""Every read of alerts, scoped to the user who asks: nobody sees another user's notifications."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from decisions.alerts.models import Notification

NOTIFICATIONS_SHOWN = 200
UNREAD = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())


def notifications_for(user: AbstractBaseUser) -> QuerySet[Notification]:
    """The user's notifications, unread first, then newest first."""
    return (
        Notification.objects.filter(user=user)
        .select_related("decision")
        .order_by(UNREAD.desc(), "-created_at", "-id")
    )


def notification_for(user: AbstractBaseUser, pk: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=pk).select_related("decision").first()


def unread_count(user: AbstractBaseUser) -> int:
    """Unread alerts, for the header: counted when the signed-in user was loaded, in the same
    query (``accounts.backends``), else here."""
    counted = getattr(user, "_unread_alerts", None)
    if counted is not None:
        return counted
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
