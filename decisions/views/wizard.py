"""The decision wizard: one question per page, answers kept in a server-side draft."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST
from formtools.wizard.views import NamedUrlWizardView

from decisions import answers as answer_display
from decisions import flowchart, selectors, services
from decisions.access import records_decisions
from decisions.flowchart import ANSWER_FIELD, Step
from decisions.forms import WIZARD_FORMS
from decisions.middleware import PENDING_ANSWERS
from decisions.models import Decision, LocalSettings


def on_route(step: Step):
    def condition(wizard: "DecisionWizard") -> bool:
        return step in wizard.result().route

    return condition


class DecisionWizard(NamedUrlWizardView):
    """The when/how flowchart as a multi-page form.

    Which pages appear comes from ``flowchart.evaluate`` (the same function that derives the
    stored outcome). The answers live in the practitioner's ``Draft`` (see ``wizard_storage``).
    """

    form_list = list(WIZARD_FORMS.items())
    condition_dict = {step: on_route(step) for step in Step}
    storage_name = "decisions.wizard_storage.DraftStorage"
    template_name = "decisions/wizard_step.html"

    def dispatch(self, request, *args, draft_id, **kwargs):
        self.draft = selectors.drafts_of(request.user).filter(pk=draft_id).first()
        if self.draft is None:
            recorded = Decision.objects.filter(submission_key=draft_id, author=request.user).first()
            if recorded is not None:  # submitted already: a refresh or a second click
                return redirect("decisions:confirmation", reference=recorded.reference)
            raise Http404("No such draft")
        request.wizard_draft = self.draft
        return super().dispatch(request, *args, **kwargs)

    def result(self) -> flowchart.Result:
        answers = {}
        for step in flowchart.routing_steps():
            data = self.storage.get_step_data(step)
            if data is not None:
                answers[step] = data.get(f"{step}-{ANSWER_FIELD}")
        return flowchart.evaluate(answers)

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"draft_id": self.draft.pk, "step": step})

    def get_form_kwargs(self, step=None):
        if step == Step.METHOD:
            return {"emergency": self.result().emergency}
        return {}

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step in self.get_form_list():
            if request.GET.get("change"):
                self.storage.extra_data["changing"] = True
            elif step == Step.CHECK:
                self.storage.extra_data.pop("changing", None)
            pending = request.session.get(PENDING_ANSWERS)
            if pending and pending["path"] == request.path:
                del request.session[PENDING_ANSWERS]
                self.storage.current_step = step
                form = self.get_form(step, data=MultiValueDict(pending["data"]))
                return self.render(form, restored=True)
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.steps.current))
        if self.request.POST.get(f"{self.prefix}-current_step") != step:
            return redirect(self.get_step_url(step))  # a stale or altered page
        self.storage.current_step = step
        return super().post(*args, **kwargs)

    def render_next_step(self, form, **kwargs):
        """After a change from "check your answers", go back there unless the route now needs more."""
        if self.storage.extra_data.get("changing"):
            steps = list(self.get_form_list())
            later = steps[steps.index(self.steps.current) + 1 :]
            target = next(s for s in later if self.storage.get_step_data(s) is None or s == Step.CHECK)
            self.storage.current_step = target
            return redirect(self.get_step_url(target))
        return super().render_next_step(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        result = self.result()
        prev = self.steps.prev
        context.update(
            step=step,
            step_title=Step(step).label,
            heading=form.heading or (next(iter(form.fields.values())).label if form.fields else ""),
            back_url=self.get_step_url(prev) if prev else None,
            draft=self.draft,
            emergency=result.emergency,
        )
        if step == Step.EMERGENCY:
            context["local"] = LocalSettings.load()
        if step == Step.CHECK:
            cleaned = {s: self.get_cleaned_data_for_step(s) or {} for s in self.get_form_list()}
            context["summary"] = [
                {**section, "change_url": self.get_step_url(section["step"]) + "?change=1"}
                for section in answer_display.summary(list(result.route), cleaned)
            ]
            context["outcome"] = result.outcome
            context["result"] = result
        return context

    def get_template_names(self):
        if self.steps.current == Step.CHECK:
            return ["decisions/check_answers.html"]
        return [self.template_name]

    def render_done(self, form, **kwargs):
        """formtools' render_done, re-validating every page on the route, without its storage reset.

        The service deletes the draft when it records the decision; if recording is refused, the
        answers must stay where they are.
        """
        if kwargs.get("step") != self.done_step_name:
            return redirect(self.get_step_url(self.done_step_name))
        final_forms = {}
        for step in self.get_form_list():
            step_form = self.get_form(step=step, data=self.storage.get_step_data(step))
            if not step_form.is_valid():
                return self.render_revalidation_failure(step, step_form, **kwargs)
            final_forms[step] = step_form
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

    def done(self, form_list, form_dict, **kwargs):
        step_data = self.storage.data["step_data"]
        form_data = {
            step: {
                key: value for key, value in (step_data.get(step) or {}).items() if key.startswith(f"{step}-")
            }
            for step in form_dict
        }
        try:
            decision = services.decision_record(
                author=self.request.user,
                draft_id=self.draft.pk,
                answers={step: form.cleaned_data for step, form in form_dict.items()},
                form_data=form_data,
            )
        except services.DecisionIncomplete:
            return redirect(self.get_step_url(self.result().route[-1]))
        except services.NotAllowed as error:
            raise Http404("No such page") from error
        return redirect("decisions:confirmation", reference=decision.reference)


decision_wizard = records_decisions(
    DecisionWizard.as_view(url_name="decisions:wizard", done_step_name="done")
)
decision_wizard.keeps_answers_across_sign_in = True


@require_POST
@records_decisions
def start(request):
    draft = services.draft_start(author=request.user)
    return redirect("decisions:wizard", draft_id=draft.pk, step=Step.TRIAGE)


@records_decisions
def resume(request, draft_id):
    draft = selectors.drafts_of(request.user).filter(pk=draft_id).first()
    if draft is None:
        raise Http404("No such draft")
    return redirect("decisions:wizard", draft_id=draft.pk, step=draft.current_step or Step.TRIAGE)


@require_POST
@records_decisions
def discard(request, draft_id):
    draft = selectors.drafts_of(request.user).filter(pk=draft_id).first()
    if draft is None:
        raise Http404("No such draft")
    services.draft_discard(draft=draft)
    messages.success(request, "The unfinished decision was deleted.")
    return redirect("decisions:my_decisions")
