"""The notifications page, opening a notification, and the email preference. Every user has them."""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from decisions import reviews
from decisions.alerts import selectors, services
from decisions.alerts.models import Preference
from decisions.forms import page_form_helper


def notification_list(request):
    notifications = list(selectors.notifications_for(request.user)[: selectors.NOTIFICATIONS_SHOWN])
    return render(
        request,
        "alerts/list.html",
        {"notifications": notifications, "unread": sum(1 for n in notifications if n.read_at is None)},
    )


def to_decision(request, reference: str):
    """The manager's review page where the user reviews the decision, otherwise the decision's own
    page (which checks the scope again and answers 404 outside it)."""
    if reviews.team_decision_for(request.user, reference) is not None:
        return redirect("manager:review", reference=reference)
    return redirect("decisions:detail", reference=reference)


def notification_open(request, pk: int):
    """Mark the notification read and go to its decision."""
    notification = selectors.notification_for(request.user, pk)
    if notification is None:
        raise Http404("No such notification")
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return to_decision(request, notification.decision.reference)


def decision_alerts(request, reference: str):
    """The link in an email: mark the user's alerts about the decision read and go to it."""
    services.notifications_mark_read(user=request.user, decision_reference=reference)
    return to_decision(request, reference)


@require_POST
def mark_read(request):
    """Mark one notification (``notification`` in the form) or all of them as read."""
    raw = request.POST.get("notification")
    if raw is None:
        count = services.notifications_mark_read(user=request.user)
        messages.success(
            request, "All your alerts are marked as read." if count else "You have no unread alerts."
        )
    elif raw.isdigit():
        services.notifications_mark_read(user=request.user, ids=[int(raw)])
        messages.success(request, "The alert is marked as read.")
    return redirect("alerts:list")


class PreferenceForm(forms.Form):
    non_urgent = forms.ChoiceField(
        label="When should we email you about alerts that are not urgent?",
        help_text="Urgent alerts, and alerts meant for you alone (a concern, advice, or a request "
        "for your advice), are always emailed at once.",
        choices=Preference.Timing.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select when we should email you",
            "invalid_choice": "Select when we should email you",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(Field.radios("non_urgent", legend_size=Size.LARGE, legend_tag="h1"))


def preferences(request):
    current = Preference.objects.filter(user=request.user).first()
    initial = {"non_urgent": current.non_urgent if current else Preference.Timing.DIGEST}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, non_urgent=form.cleaned_data["non_urgent"])
        messages.success(request, "Your email choice is saved.")
        return redirect("alerts:list")
    return render(request, "alerts/preferences.html", {"form": form})
