"""The decision wizard: one question per page, answers kept in a server-side draft."""

import functools
from collections import OrderedDict

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.datastructures import MultiValueDict
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, normalize_name

from decisions import answers as answer_display
from decisions import selectors, services
from decisions.access import records_decisions
from decisions.middleware import PENDING_ANSWERS
from decisions.models import Decision, LocalSettings
from decisions.questions import registry
from decisions.questions.base import ANSWER_FIELD, Result, Step, evaluate, on_route
from decisions.questions.fields import PageContext


@functools.lru_cache(maxsize=4096)
def _step_url(url_name: str, draft_id, step: str, script_prefix: str) -> str:
    """A page's address, kept for the drafts in use: each request asks for one or two (the back
    link, the next page) and "check your answers" for every page's, and ``reverse`` was a
    twentieth of a question page's CPU (py-spy on bench/bench_wizard.py's gunicorn workers)."""
    return reverse(url_name, kwargs={"draft_id": draft_id, "step": step})


def shown_when_on_route(step: Step):
    def condition(wizard: "DecisionWizard") -> bool:
        return step in wizard.result().route

    return condition


class DecisionWizard(NamedUrlWizardView):
    """The question set's pages as a multi-page form.

    Each draft keeps the question set it was started with; which of its pages appear comes from
    ``questions.base.evaluate`` (the same function that derives the stored outcome). The answers
    live in the practitioner's ``Draft`` (see ``wizard_storage``).
    """

    form_list = list(registry.get(registry.DEFAULT_KEY).forms.items())
    storage_name = "decisions.wizard_storage.DraftStorage"
    template_name = "decisions/wizard_step.html"

    def dispatch(self, request, *args, draft_id, **kwargs):
        self.draft = selectors.draft_of(request.user, draft_id)
        if self.draft is None:
            recorded = Decision.objects.filter(submission_key=draft_id, author=request.user).first()
            if recorded is not None:  # submitted already: a refresh or a second click
                return redirect("decisions:confirmation", reference=recorded.reference)
            raise Http404("No such draft")
        request.wizard_draft = self.draft
        self.question_set = registry.get(self.draft.question_set)
        self.form_list = OrderedDict(self.question_set.forms)
        self.condition_dict = {step: shown_when_on_route(step) for step in self.question_set.forms}
        self.context = services.draft_context(self.draft)
        self._answers_cache = {}
        return super().dispatch(request, *args, **kwargs)

    def _per_answers(self, name: str, compute):
        """``compute()``, kept until an answer is stored (``DraftStorage.version``): the route and
        what follows from it are asked for many times a request (every page's condition, every
        form built), and change only with the answers."""
        version = self.storage.version
        cached = self._answers_cache.get(name)
        if cached is None or cached[0] != version:
            cached = self._answers_cache[name] = (version, compute())
        return cached[1]

    def get_form_list(self):
        """The pages on the route, kept until an answer is stored. formtools keeps the list too,
        but checks on each of the many calls a request makes that the conditions have not
        changed, by sorting them: that check, and the conditions it ran, were a twenty-fifth of
        the workers' CPU (py-spy on bench/bench_wizard.py). (formtools forgets its own list
        when an answer is stored, as the answers' version does here.)"""
        return self._per_answers("form_list", super().get_form_list).copy()

    def routing(self) -> dict[str, str]:
        """The stored answers that decide the route."""
        return dict(self._per_answers("routing", self._stored_routing))

    def _stored_routing(self) -> dict[str, str]:
        """Read from the stored lists directly, as ``MultiValueDict.get`` would (the last value; an
        empty list is no answer), without building a ``MultiValueDict`` for each page's condition."""
        stored = self.storage.data[self.storage.step_data_key]
        answers = {}
        for step in self.question_set.routing_steps():
            data = stored.get(step)
            if data is not None:
                value = data.get(f"{step}-{ANSWER_FIELD}")
                if isinstance(value, list):
                    value = value[-1] if value else None
                answers[step] = value
        return answers

    def result(self) -> Result:
        """The route for the answers stored so far."""
        return self._per_answers("result", lambda: evaluate(self.question_set, self.routing(), self.context))

    def page_context(self) -> PageContext:
        """What the pages need to know about the draft (every form built in a request asks: one on
        a question page, every page's on "check your answers" and when the decision is recorded)."""
        return self._per_answers("page_context", self._page_context)

    def _page_context(self) -> PageContext:
        result = self.result()
        return PageContext(
            law_context=self.question_set.law_context(on_route(self.routing(), result.route), self.context),
            emergency=result.emergency,
            significant_harm=result.significant_harm,
            basis_can_end=Step.LAWFUL_BASIS in result.questions_asked,
            policy_document_url=LocalSettings.load().appropriate_policy_document_url,
        )

    def get_step_url(self, step):
        return _step_url(self.url_name, self.draft.pk, step, get_script_prefix())

    def get_form_kwargs(self, step=None):
        return {"context": self.page_context()}

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
        changing = self.storage.extra_data.get("changing")
        context.update(
            step=step,
            step_title=Step(step).label,
            heading=form.heading or (next(iter(form.fields.values())).label if form.fields else ""),
            back_url=self.get_step_url(Step.CHECK if changing else prev) if (prev or changing) else None,
            draft=self.draft,
            emergency=result.emergency,
            significant_harm=result.significant_harm,
            question_set=self.question_set,
            guidance=self.question_set.guidance.get(step),
        )
        if step in (Step.EMERGENCY, Step.REFERRAL, Step.SIGNIFICANT_HARM):
            context["local"] = LocalSettings.load()
        if step in (Step.SPECIAL_CATEGORY, Step.CRIMINAL_OFFENCE):
            context["policy_document_url"] = LocalSettings.load().appropriate_policy_document_url
        if step in (Step.CHECK, Step.RATIONALE):
            cleaned = {s: self.get_cleaned_data_for_step(s) or {} for s in self.get_form_list() if s != step}
            summary = answer_display.summary(self.question_set, list(result.route), cleaned)
            if step == Step.CHECK:
                summary = [
                    {**section, "change_url": self.get_step_url(section["step"]) + "?change=1"}
                    for section in summary
                ]
            context["summary"] = summary
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
        except services.DecisionIncoherent as error:
            messages.error(self.request, str(error))
            return redirect(self.get_step_url(Step.CHECK))
        except services.NotAllowed as error:
            raise Http404("No such page") from error
        return redirect("decisions:confirmation", reference=decision.reference)


decision_wizard = records_decisions(
    DecisionWizard.as_view(url_name="decisions:wizard", done_step_name="done")
)
decision_wizard.keeps_answers_across_sign_in = True


@records_decisions
def first_question(request):
    """The first question. There is no draft until it is answered, so "Start now" leaves nothing
    behind; the first answer makes the draft and goes on to the next page."""
    question_set = registry.get(LocalSettings.load().question_set)
    form = question_set.forms[Step.TRIAGE](request.POST or None, prefix=Step.TRIAGE)
    management = ManagementForm(
        prefix=normalize_name(DecisionWizard.__name__), initial={"current_step": Step.TRIAGE}
    )
    if request.method == "POST" and form.is_valid():
        answered = {
            key: request.POST.getlist(key) for key in request.POST if key.startswith(f"{Step.TRIAGE}-")
        }
        routing = {Step.TRIAGE: form.cleaned_data[ANSWER_FIELD]}
        next_step = evaluate(question_set, routing).route[1]
        data = {"step": next_step, "step_data": {Step.TRIAGE: answered}, "step_files": {}, "extra_data": {}}
        draft = services.draft_start(author=request.user, data=data, question_set=question_set.key)
        return redirect("decisions:wizard", draft_id=draft.pk, step=next_step)
    context = {
        "form": form,
        "wizard": {"management_form": management},
        "step": Step.TRIAGE,
        "step_title": Step.TRIAGE.label,
        "heading": form.fields[ANSWER_FIELD].label,
        "question_set": question_set,
        "guidance": question_set.guidance.get(Step.TRIAGE),
    }
    return render(request, "decisions/wizard_step.html", context)


@records_decisions
def delete_draft(request, draft_id):
    """Delete an unfinished decision, after a confirmation page."""
    draft = selectors.draft_of(request.user, draft_id)
    if draft is None:
        raise Http404("No such draft")
    if request.method == "POST":
        services.draft_discard(draft=draft)
        messages.success(request, "The unfinished decision was deleted.")
        return redirect("decisions:my_decisions")
    return render(request, "decisions/delete_draft.html", {"draft": draft})


@records_decisions
def resume(request, draft_id):
    draft = selectors.draft_of(request.user, draft_id)
    if draft is None:
        raise Http404("No such draft")
    return redirect("decisions:wizard", draft_id=draft.pk, step=draft.current_step or Step.TRIAGE)
