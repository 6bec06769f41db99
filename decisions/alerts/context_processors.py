from decisions.alerts.selectors import unread_count


def unread_alerts(request) -> dict:
    """The number of unread alerts, for the count in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": unread_count(user)}
