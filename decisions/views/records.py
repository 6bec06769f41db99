"""Pages about recorded decisions: "My decisions", a decision, its print view, addenda."""

from django.contrib import messages
from django.shortcuts import redirect, render

from decisions import answers as answer_display
from decisions import reviews, selectors, services
from decisions.access import records_decisions, refuse
from decisions.forms import AddendumForm, AdviceReceivedForm, ReconsiderForm
from decisions.models import AccessLog, Addendum, Decision, LocalSettings, Role
from decisions.questions import registry
from decisions.questions.base import Outcome
from decisions.questions.diagram import flowchart


def home(request):
    """Each role's own starting page; someone with no role yet is told to ask for one."""
    roles = selectors.user_roles(request.user)
    if request.user.is_staff and roles <= {Role.ADMINISTRATOR}:
        return redirect("admin:index")
    if not roles:
        return render(request, "accounts/no_role.html")
    if selectors.user_has_role(request.user, Role.MANAGER):
        return redirect("manager:queue")
    if selectors.user_has_role(request.user, Role.AUDITOR):
        return redirect("audit:index")
    return redirect("decisions:my_decisions")


def guidance_page(request):
    """The golden rules and the myth-busting guide of a question set (the organisation's by default)."""
    key = request.GET.get("set") or LocalSettings.load().question_set
    question_set = registry.SETS.get(key) or registry.get(registry.DEFAULT_KEY)
    others = [qs for qs in registry.selectable() if qs.key != question_set.key]
    return render(request, "decisions/guidance.html", {"question_set": question_set, "others": others})


@records_decisions
def start_page(request):
    return render(request, "decisions/start.html", {"local": LocalSettings.load()})


def my_decisions(request):
    services.access_log_record(request=request, action=AccessLog.Action.VIEW_LIST, target="My decisions")
    lists = selectors.my_decisions(request.user)
    concerns = reviews.concerns_for_practitioner(request.user)
    return render(request, "decisions/my_decisions.html", {**lists, "concerns": concerns})


def visible_decision(request, reference: str, action: str = AccessLog.Action.VIEW_DECISION) -> Decision:
    """The decision, if the user may see it; the view is logged. Out of scope: 404, logged too."""
    decision = selectors.decision_for(request.user, reference)
    if decision is None:
        refuse(request, reference)
    services.access_log_record(request=request, action=action, decision=decision, target=reference)
    return decision


def decision_context(decision: Decision) -> dict:
    return {
        "decision": decision,
        "summary": answer_display.summary(decision.question_set, decision.route, decision.answers),
        "flowchart": flowchart(decision.question_set, decision.route, decision.answers),
        "addenda": selectors.addenda_of(decision),
        "continuations": decision.continuations.all(),
        "reviews": selectors.reviews_of(decision),
    }


def detail(request, reference: str):
    decision = visible_decision(request, reference)
    context = decision_context(decision)
    context["can_add"] = decision.author_id == request.user.pk
    context["can_continue"] = context["can_add"] and decision.awaiting_advice and not context["continuations"]
    context["can_reconsider"] = (
        context["can_add"] and decision.outcome == Outcome.DO_NOT_SHARE and not context["continuations"]
    )
    context["can_answer_concern"] = context["can_add"] and bool(reviews.open_concerns_on(decision))
    return render(request, "decisions/detail.html", context)


def print_view(request, reference: str):
    decision = visible_decision(request, reference, AccessLog.Action.PRINT_DECISION)
    return render(request, "decisions/print.html", decision_context(decision))


def confirmation(request, reference: str):
    decision = visible_decision(request, reference)
    return render(request, "decisions/confirmation.html", {"decision": decision})


def own_decision(request, reference: str) -> Decision:
    """Only the decision's author adds to it (managers review: a separate action).

    Anyone else is refused before anything is shown, so the refusal is logged as one, not as a view.
    """
    decision = selectors.decision_for(request.user, reference)
    if decision is None or decision.author_id != request.user.pk:
        refuse(request, reference)
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_DECISION, decision=decision, target=reference
    )
    return decision


def add_addendum(request, reference: str):
    decision = own_decision(request, reference)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.addendum_add(decision=decision, author=request.user, **form.cleaned_data)
        messages.success(request, "Your addendum was added to the record.")
        return redirect(decision)
    return render(request, "decisions/addendum_form.html", {"decision": decision, "form": form})


def answer_concern(request, reference: str):
    """The practitioner answers a manager's concern: the concern is shown, the kind preselected.

    The answer is an addendum like any other, so it closes the concern and puts the decision
    back in the manager's review queue.
    """
    decision = own_decision(request, reference)
    concerns = reviews.open_concerns_on(decision)
    if not concerns:
        messages.info(request, "There is no open concern on this decision.")
        return redirect(decision)
    form = AddendumForm(request.POST or None, initial={"kind": Addendum.Kind.CONCERN_RESPONSE})
    form.fields["kind"].label = "What are you adding to the record?"
    form.fields["text"].label = "Your answer"
    form.fields[
        "text"
    ].help_text = "What you have done about the concern, or why you think the record is right."
    if request.method == "POST" and form.is_valid():
        services.addendum_add(decision=decision, author=request.user, **form.cleaned_data)
        messages.success(
            request, "Your answer was added to the record. Your manager will review the decision again."
        )
        return redirect(decision)
    return render(
        request,
        "decisions/answer_concern.html",
        {"decision": decision, "form": form, "concerns": concerns},
        status=400 if form.errors else 200,
    )


@records_decisions
def continue_after_advice(request, reference: str):
    decision = own_decision(request, reference)
    if not decision.awaiting_advice or decision.continuations.exists():
        messages.success(request, "This decision is not waiting for advice.")
        return redirect(decision)
    form = AdviceReceivedForm(request.POST or None, initial=reviews.advice_initial(decision))
    if request.method == "POST" and form.is_valid():
        draft = services.decision_continue_after_advice(
            decision=decision, author=request.user, **form.cleaned_data
        )
        return redirect(draft)
    return render(request, "decisions/advice_received_form.html", {"decision": decision, "form": form})


def reconsider(request, reference: str):
    """New information on a decision not to share: record it, and answer the questions again."""
    decision = own_decision(request, reference)
    if decision.outcome != Outcome.DO_NOT_SHARE or decision.continuations.exists():
        messages.success(request, "This decision cannot be reconsidered.")
        return redirect(decision)
    form = ReconsiderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = services.decision_reconsider(
            decision=decision, author=request.user, text=form.cleaned_data["text"]
        )
        return redirect(draft)
    return render(request, "decisions/reconsider_form.html", {"decision": decision, "form": form})
