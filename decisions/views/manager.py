"""Managers' pages: the review queue, a decision's review page, case chronology, dashboard, access log.

Every page is for managers only; anyone else gets 404 (logged as a refusal). Every read goes
through ``decisions.reviews``, which scopes it to the teams the manager manages.
"""

import datetime
from urllib.parse import urlencode

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from decisions import answers as answer_display
from decisions import reviews, selectors, services
from decisions.access import REFUSED_TARGET, refuse, role_required
from decisions.alerts import deadlines
from decisions.dashboard import dashboard_figures
from decisions.filters import ReviewQueueFilter, filtered_access_log
from decisions.forms import page_form_helper
from decisions.govuk import ConditionalQuestion, RevealingRadios, select
from decisions.models import AccessLog, LocalSettings, ReviewEvent, Role
from decisions.pagination import paginate
from decisions.questions.base import Outcome
from decisions.questions.diagram import flowchart
from decisions.reviews import Section
from decisions.views import charts

# What a list row shows: the large JSON answers stay in the database.
LIST_FIELDS = (
    "reference",
    "case_reference",
    "created_at",
    "outcome",
    "emergency",
    "needs_attention",
    "author__username",
    "author__first_name",
    "author__last_name",
    "team__name",
)

ACTION_LABELS = {
    ReviewEvent.Action.ENDORSE: "Endorse the decision",
    ReviewEvent.Action.CONCERN: "Raise a concern with the practitioner",
    ReviewEvent.Action.ESCALATE: "Escalate the decision",
    ReviewEvent.Action.ADVICE: "Give advice so the practitioner can finish the decision",
}
ACTION_HINTS = {
    ReviewEvent.Action.ENDORSE: "You agree with the decision and how it was recorded.",
    ReviewEvent.Action.CONCERN: "The practitioner sees your comment on their decisions and answers it by "
    "adding to the record.",
    ReviewEvent.Action.ESCALATE: "Choose where you are escalating it to.",
    ReviewEvent.Action.ADVICE: "The practitioner sees your advice and continues the flowchart.",
}


manager_required = role_required(Role.MANAGER)  # anyone else: 404, logged as a refusal


def count_label(count: int) -> str:
    return f"more than {reviews.COUNT_CAP:,}" if count > reviews.COUNT_CAP else f"{count:,}"


# --- Review queue ----------------------------------------------------------------------------

# Forms rendered before, unbound, by what they depend on (see form_html).
_rendered_forms: dict[tuple, str] = {}


def form_html(form, key: tuple) -> str:
    """A form in GOV.UK markup (crispy-forms-gds).

    Rendering the queue's filters or the review form costs more than the page's queries. Unbound,
    a form renders the same for everyone whenever ``key`` (what its choices depend on) is the
    same, so it is rendered once a process for each key; a bound form (its answers, its errors)
    is rendered for its request only.
    """
    if form.is_bound:
        return render_crispy_form(form, helper=form.helper)
    html = _rendered_forms.get(key)
    if html is None:
        if len(_rendered_forms) >= 256:
            _rendered_forms.clear()
        html = _rendered_forms[key] = render_crispy_form(form, helper=form.helper)
    return html


def filter_form_html(form) -> str:
    """The queue's filter form, by the practitioners it offers, read on every request (so a
    change of team shows at once)."""
    if form.is_bound:
        return form_html(form, ())
    field = form.fields["practitioner"]
    # Read once, in one plain query (iterating the field itself counts, then opens a cursor);
    # the widget renders this list.
    offered = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = choices = empty + [offered.choice(person) for person in field.queryset]
    return form_html(form, ("queue-filters", *((str(value), label) for value, label in choices)))


@manager_required
def queue(request):
    section = request.GET.get("section", Section.AWAITING_REVIEW)
    if section not in Section.labels:
        section = Section.AWAITING_REVIEW
    filterset = ReviewQueueFilter(
        request.GET if set(request.GET) - {"section", "page"} else None,
        queryset=reviews.review_queue(request.user, section),
        request=request,
    )
    page = paginate(filterset.qs.only(*LIST_FIELDS), request)
    counts = reviews.section_counts(request.user)
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_LIST, target=f"Review queue: {Section.labels[section]}"
    )
    sections = [
        {
            "key": key,
            "label": Section.labels[key],
            "count": count_label(counts[key]) if key in counts else None,
            "url": "?" + urlencode({"section": key}),
            "current": key == section,
        }
        for key in (*Section.counted, Section.ALL)
    ]
    return render(
        request,
        "manager/queue.html",
        {
            "section": section,
            "section_label": Section.labels[section],
            "sections": sections,
            "filterset": filterset,
            "form": filterset.form,
            "filter_form": filter_form_html(filterset.form),
            "page": page,
            "overdue": deadlines.overdue_on_page(request.user, section, page.items),
            "filtered": filterset.is_bound,
        },
    )


# --- A decision's review page ----------------------------------------------------------------


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="Your review",
        widget=forms.RadioSelect,
        error_messages={"required": "Select your review", "invalid_choice": "Select your review"},
    )
    escalation_route = forms.ChoiceField(
        label="Escalate to",
        help_text="Only if you escalate the decision.",
        required=False,
        error_messages={"invalid_choice": "Select where you are escalating the decision to"},
    )
    comment = forms.CharField(
        label="Comment",
        help_text="The practitioner sees this with the decision. For a concern, say what they need to "
        "add to the record. For advice, give your advice.",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter a comment",
            "max_length": "Comment must be 10,000 characters or fewer",
        },
    )

    def __init__(self, *args, actions: list[str], routes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, ACTION_LABELS[action]) for action in actions]
        self.fields["escalation_route"].choices = [("", "Choose a route"), *((r, r) for r in routes)]
        self.helper = page_form_helper()
        if ReviewEvent.Action.ESCALATE not in actions:
            del self.fields["escalation_route"]
        # "Escalate to" is revealed under its choice (with JavaScript; without, it is always shown).
        choices = [
            ConditionalQuestion(ACTION_LABELS[action], select("escalation_route", label_size=Size.SMALL))
            if action == ReviewEvent.Action.ESCALATE
            else ACTION_LABELS[action]
            for action in actions
        ]
        self.helper.layout = Layout(
            RevealingRadios("action", *choices, legend_size=Size.for_legend(Size.MEDIUM), legend_tag="h2"),
            Field.textarea("comment", label_size=Size.SMALL, max_characters=10_000),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == ReviewEvent.Action.ESCALATE and not cleaned.get("escalation_route"):
            self.add_error("escalation_route", "Select where you are escalating the decision to")
        return cleaned


@manager_required
def review(request, reference: str):
    decision = reviews.team_decision_for(request.user, reference)
    if decision is None:
        refuse(request, reference)
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_REVIEW, decision=decision, target=reference
    )
    actions = reviews.allowed_actions(decision, request.user)
    routes = LocalSettings.load().escalation_route_list if ReviewEvent.Action.ESCALATE in actions else []
    continuations = decision.continued_by  # their references
    if continuations:  # advice no longer applies once the practitioner has continued
        actions = [action for action in actions if action != ReviewEvent.Action.ADVICE]
    form = None
    if actions:
        form = ReviewForm(request.POST if request.method == "POST" else None, actions=actions, routes=routes)
        if request.method == "POST" and form.is_valid():
            try:
                event = reviews.review_record(
                    decision=decision,
                    reviewer=request.user,
                    action=form.cleaned_data["action"],
                    comment=form.cleaned_data["comment"],
                    escalation_route=form.cleaned_data.get("escalation_route", ""),
                )
            except services.NotAllowed as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"{event.get_action_display()}: your review of {reference} is recorded."
                )
                return redirect("manager:review", reference=reference)
    elif request.method == "POST":
        raise Http404("You cannot review this decision")
    return render(
        request,
        "manager/review.html",
        {
            "decision": decision,
            "summary": answer_display.summary(decision.question_set, decision.route, decision.answers),
            "flowchart": flowchart(decision.question_set, decision.route, decision.answers),
            "addenda": selectors.addenda_of(decision),
            "reviews": selectors.reviews_of(decision),
            "continuations": continuations,
            "form": form,
            "form_html": form_html(form, ("review", *actions, "routes", *routes)) if form else "",
            "own_decision": decision.author_id == request.user.pk,
            "action_hints": ACTION_HINTS,
            "chronology_url": reverse("manager:chronology")
            + "?"
            + urlencode({"case": decision.case_reference}),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


# --- Case chronology -------------------------------------------------------------------------


@manager_required
def chronology(request):
    case = request.GET.get("case", "").strip()[:50]
    context = {"case": case, "events": [], "searched": bool(case)}
    status = 200
    if case:
        context["events"] = reviews.chronology(request.user, case)
        if context["events"]:
            services.access_log_record(request=request, action=AccessLog.Action.VIEW_CHRONOLOGY, target=case)
        else:  # logged as a refusal by the middleware, naming the case asked for
            setattr(request, REFUSED_TARGET, case)
            status = 404
    return render(request, "manager/chronology.html", context, status=status)


# --- Dashboard -------------------------------------------------------------------------------

PERIODS = {"30": "Last 30 days", "90": "Last 3 months", "365": "Last 12 months"}


def duration_label(value: datetime.timedelta | None) -> str:
    if value is None:
        return "No decisions"
    hours = value.total_seconds() / 3600
    if hours < 1:
        minutes = round(value.total_seconds() / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        rounded = round(hours, 1)
        return f"{rounded:g} hour{'s' if rounded != 1 else ''}"
    days = round(hours / 24, 1)
    return f"{days:g} days"


def percent(value: float | None) -> str:
    return "No finished decisions" if value is None else f"{value * 100:.0f}% of finished decisions"


def overdue_figures(counts: dict[str, int], local: LocalSettings) -> list[dict]:
    """Overdue counts for the dashboard: past the working-day deadlines in the local settings."""
    return [
        {
            "key": "review",
            "label": "Not reviewed within " + deadlines.working_days_label(local.review_within_working_days),
            "count": count_label(counts["review"]),
            "url": reverse("manager:queue") + "?" + urlencode({"section": Section.AWAITING_REVIEW}),
        },
        {
            "key": "advice",
            "label": "Waiting for advice for more than "
            + deadlines.working_days_label(local.advice_within_working_days),
            "count": count_label(counts["advice"]),
            "url": reverse("manager:queue") + "?" + urlencode({"section": Section.AWAITING_ADVICE}),
        },
    ]


@manager_required
def dashboard(request):
    period = request.GET.get("period", "90")
    if period not in PERIODS:
        period = "90"
    end = timezone.now()
    start = end - datetime.timedelta(days=int(period))
    local = LocalSettings.load()
    figures = dashboard_figures(
        request.user, start=start, end=end, also_count=deadlines.overdue_sections(now=end, local=local)
    )
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_LIST, target=f"Dashboard: {period} days"
    )
    chart = charts.bar_chart(figures.series, figures.bucket)
    return render(
        request,
        "manager/dashboard.html",
        {
            "period": period,
            "periods": PERIODS,
            "period_label": PERIODS[period],
            "figures": figures,
            "chart": chart,
            "chart_marks": charts.chart_marks(chart),
            "rates": charts.rate_bar(figures.totals[Outcome.SHARE], figures.totals[Outcome.DO_NOT_SHARE]),
            "share_rate": percent(figures.share_rate),
            "withhold_rate": percent(figures.withhold_rate),
            "request_wait": duration_label(figures.median_request_to_decision),
            "advice_wait": duration_label(figures.median_advice_wait),
            "emergency_delay": duration_label(figures.median_emergency_record_delay),
            "outstanding": [
                {
                    "key": key,
                    "label": Section.labels[key],
                    "count": count_label(figures.outstanding[key]),
                    "url": reverse("manager:queue") + "?" + urlencode({"section": key}),
                }
                for key in Section.counted
            ],
            "overdue": overdue_figures(figures.also_counted, local),
            "outcomes": list(Outcome),
            "table_rows": [
                {"start": row["start"], "counts": [row[o] for o in Outcome], "total": row["total"]}
                for row in figures.series
            ],
            "total_counts": [figures.totals[o] for o in Outcome],
            "total": sum(figures.totals.values()),
        },
    )


# --- Access log ------------------------------------------------------------------------------


@manager_required
def access_log(request):
    filterset, page = filtered_access_log(request)
    services.access_log_record(request=request, action=AccessLog.Action.VIEW_LIST, target="Access log")
    return render(
        request,
        "manager/access_log.html",
        {"page": page, "form": filterset.form, "filtered": filterset.is_bound},
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )
