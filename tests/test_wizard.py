import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from decisions import flowchart, services
from decisions.flowchart import Outcome, Step
from decisions.models import Decision, Draft
from tests.conftest import PASSWORD
from tests.paths import PATH_IDS, PATHS
from tests.wizard import (
    MANAGEMENT_FIELD,
    answer_until_check,
    current_step,
    recorded,
    start_draft,
    step_data,
    walk,
)

CONSENT_GIVEN = {"consent": {"consent_details": "Mother agreed on the phone on 3 February."}}


def wizard_url(draft_url: str, step: str) -> str:
    return draft_url.rsplit("/", 2)[0] + f"/{step}/"


@pytest.mark.parametrize(
    ("name", "answers", "route", "outcome", "emergency", "attention"), PATHS, ids=PATH_IDS
)
def test_every_path_through_http_records_its_outcome(
    practitioner_client, practitioner, name, answers, route, outcome, emergency, attention
):
    seen, final = walk(practitioner_client, answers, extra=CONSENT_GIVEN)

    decision = recorded(final)
    assert seen == route
    assert decision.outcome == outcome
    assert decision.route == route
    assert decision.emergency is emergency
    assert decision.needs_attention is attention
    assert decision.author == practitioner
    assert decision.flowchart_version == flowchart.CURRENT.version
    assert decision.case_reference == "CASE-0042"
    assert not Draft.objects.exists()


def test_a_decision_stores_every_answer_on_its_route_and_no_other(practitioner_client):
    _, final = walk(practitioner_client, {"triage": "no", "purpose": "no"})

    decision = recorded(final)
    assert set(decision.answers) == set(decision.route)
    assert decision.answers[Step.WITHHOLD]["reasons"] == "The request had no safeguarding purpose."
    assert decision.rationale == "The answers to the flowchart support this decision."
    assert Step.LAWFUL_BASIS not in decision.answers


def test_emergency_record_keeps_when_it_was_shared(practitioner_client):
    _, final = walk(practitioner_client, {"triage": "yes", "emergency": "yes", "purpose": "no"})

    decision = recorded(final)
    assert decision.shared_at.isoformat().startswith("2026-02-03T14:30")
    assert decision.needs_attention


def test_posting_to_a_later_page_without_earlier_answers_records_nothing(practitioner_client):
    draft_url = start_draft(practitioner_client)

    response = practitioner_client.post(wizard_url(draft_url, Step.CHECK), step_data(Step.CHECK))
    assert response.status_code == 302
    assert current_step(response["Location"]) == Step.TRIAGE

    response = practitioner_client.get(wizard_url(draft_url, "done"))
    assert response.status_code == 302
    assert current_step(response["Location"]) == Step.TRIAGE
    assert not Decision.objects.exists()


def test_a_page_posted_with_another_pages_step_name_is_not_stored(practitioner_client):
    draft_url = start_draft(practitioner_client)
    forged = {**step_data(Step.TRIAGE), MANAGEMENT_FIELD: Step.RATIONALE, "rationale-rationale": "forged"}

    response = practitioner_client.post(draft_url, forged)

    assert response.status_code == 302
    assert Draft.objects.get().data.get("step_data", {}) == {}


def test_an_outcome_sent_by_the_browser_is_ignored(practitioner_client):
    forged = {step: {"outcome": Outcome.SHARE} for step in Step}
    answers = {
        "triage": "no",
        "purpose": "yes",
        "consent": "no",
        "identifiable": "yes",
        "lawful-reason": "no",
    }

    _, final = walk(practitioner_client, answers, extra=forged)

    assert recorded(final).outcome == Outcome.DO_NOT_SHARE


def test_a_second_submission_of_the_same_draft_returns_the_first_record(practitioner_client):
    answers = {"triage": "no", "purpose": "no"}
    _, final = walk(practitioner_client, answers)
    decision = recorded(final)
    done_url = reverse("decisions:wizard", kwargs={"draft_id": decision.submission_key, "step": "done"})

    again = practitioner_client.get(done_url)
    check_again = practitioner_client.post(
        reverse("decisions:wizard", kwargs={"draft_id": decision.submission_key, "step": "check"}),
        step_data(Step.CHECK),
    )

    assert again["Location"] == final
    assert check_again["Location"] == final
    assert Decision.objects.count() == 1


def test_the_database_refuses_a_second_decision_with_the_same_submission_key(practitioner):
    from django.db import IntegrityError

    key = uuid.uuid4()
    fields = dict(
        author=practitioner,
        case_reference="C1",
        outcome="share",
        flowchart_version="2018.1",
        route=[],
        answers={},
        form_data={},
        rationale="r",
    )
    Decision.objects.create(submission_key=key, **fields)

    with pytest.raises(IntegrityError):
        Decision.objects.create(submission_key=key, **fields)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_store_one_decision(practitioner):
    draft = services.draft_start(author=practitioner)
    answers = {
        "triage": {"answer": "no"},
        "request": {"case_reference": "C-1"},
        "purpose": {"answer": "no"},
        "withhold": {"reasons": "x"},
        "rationale": {"rationale": "y"},
        "check": {},
    }
    results, errors = [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            results.append(
                services.decision_record(
                    author=practitioner, draft_id=draft.pk, answers=answers, form_data={}
                ).pk
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    assert Decision.objects.count() == 1


def test_an_incomplete_set_of_answers_cannot_be_recorded(practitioner):
    draft = services.draft_start(author=practitioner)

    with pytest.raises(services.DecisionIncomplete):
        services.decision_record(
            author=practitioner,
            draft_id=draft.pk,
            answers={"triage": {"answer": "no"}, "check": {}},
            form_data={},
        )
    assert not Decision.objects.exists()


def test_a_missing_answer_shows_an_error_and_stores_nothing(practitioner_client):
    draft_url = start_draft(practitioner_client)
    walk_to = practitioner_client.post(draft_url, step_data(Step.TRIAGE))
    request_url = walk_to["Location"]

    response = practitioner_client.post(
        request_url, {**step_data(Step.REQUEST), "request-case_reference": ""}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a case reference" in content
    assert "<title>Error:" in content
    assert Step.REQUEST not in Draft.objects.get().data["step_data"]


@pytest.mark.parametrize(
    ("step", "overrides", "message"),
    [
        (Step.CONSENT, {"answer": "yes", "consent_details": ""}, "Enter who gave consent"),
        (Step.LAWFUL_REASON, {"answer": "yes", "lawful_reason": ""}, "Enter the lawful reason"),
        (Step.PURPOSE, {"answer": "perhaps"}, "Select yes if there is a clear and legitimate purpose"),
        (Step.REQUEST, {"case_reference": "<script>"}, "Case reference must only include"),
        (
            Step.RECIPIENT,
            {"safeguarding_role": "no"},
            "Only share with someone who has a role in safeguarding",
        ),
        (
            Step.TRANSPARENCY,
            {"told": "no-other", "not_told_reason": ""},
            "Explain why you have not told them",
        ),
        (Step.EMERGENCY_SHARE, {"shared_on_2": "2999"}, "must be in the past"),
        (Step.EMERGENCY_SHARE, {"shared_time": "25:00"}, "Enter a real time"),
        (Step.METHOD, {"shared_on_0": "31", "shared_on_1": "2"}, "Enter a real date"),
    ],
)
def test_forms_explain_what_is_wrong(step, overrides, message):
    from decisions.forms import WIZARD_FORMS

    form = WIZARD_FORMS[step](data=step_data(step, overrides), prefix=step)

    assert not form.is_valid()
    assert any(message in error for errors in form.errors.values() for error in errors), form.errors


def test_session_expiry_mid_wizard_then_resume_where_you_stopped(client, practitioner):
    client.force_login(practitioner)
    draft_url = start_draft(client)
    next_url = client.post(draft_url, step_data(Step.TRIAGE))["Location"]
    next_url = client.post(next_url, step_data(Step.REQUEST))["Location"]
    assert current_step(next_url) == Step.PURPOSE

    client.session.flush()  # the session times out
    client.cookies.pop("sessionid", None)
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(practitioner)
    my_decisions = client.get(reverse("decisions:my_decisions")).content.decode()
    assert "CASE-0042" in my_decisions
    resume = client.get(reverse("decisions:resume", kwargs={"draft_id": Draft.objects.get().pk}))
    assert resume["Location"] == next_url
    back = client.get(wizard_url(draft_url, Step.REQUEST)).content.decode()
    assert 'value="CASE-0042"' in back


def test_an_answer_posted_after_the_session_expired_is_kept_for_after_sign_in(client, practitioner):
    client.force_login(practitioner)
    draft_url = start_draft(client)
    request_url = client.post(draft_url, step_data(Step.TRIAGE))["Location"]
    client.logout()

    response = client.post(request_url, step_data(Step.REQUEST, {"case_reference": "TYPED-BEFORE-EXPIRY"}))
    assert response["Location"].startswith(reverse("login"))
    signed_in = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert signed_in.status_code == 302
    page = client.get(request_url).content.decode()

    assert 'value="TYPED-BEFORE-EXPIRY"' in page
    assert "We kept what you typed" in page
    assert Step.REQUEST not in Draft.objects.get().data["step_data"]


def test_a_draft_is_only_visible_to_its_author(client, practitioner, other_practitioner):
    client.force_login(practitioner)
    draft_url = start_draft(client)
    client.force_login(other_practitioner)

    assert client.get(draft_url).status_code == 404
    assert client.post(draft_url, step_data(Step.TRIAGE)).status_code == 404
    assert (
        client.get(reverse("decisions:resume", kwargs={"draft_id": Draft.objects.get().pk})).status_code
        == 404
    )
    assert Draft.objects.get().data.get("step_data", {}) == {}


def test_change_from_check_your_answers_returns_to_check(practitioner_client):
    answers = {"triage": "no", "purpose": "no"}
    draft_url = start_draft(practitioner_client)
    url = draft_url
    url = answer_until_check(practitioner_client, url, answers)
    page = practitioner_client.get(url).content.decode()
    assert "Change" in page

    practitioner_client.get(wizard_url(url, Step.REQUEST) + "?change=1")
    after = practitioner_client.post(
        wizard_url(url, Step.REQUEST), step_data(Step.REQUEST, {"case_reference": "NEW-1"})
    )
    assert current_step(after["Location"]) == Step.CHECK

    practitioner_client.get(wizard_url(url, Step.PURPOSE) + "?change=1")
    after = practitioner_client.post(
        wizard_url(url, Step.PURPOSE), step_data(Step.PURPOSE, {"answer": "yes"})
    )
    assert current_step(after["Location"]) == Step.CONSENT


def test_continuing_after_advice_reopens_the_flowchart_where_it_stopped(practitioner_client, practitioner):
    _, final = walk(practitioner_client, {"triage": "no", "purpose": "yes", "consent": "not-sure"})
    waiting = recorded(final)
    assert waiting.outcome == Outcome.AWAITING_ADVICE

    response = practitioner_client.post(
        reverse("decisions:advice_received", kwargs={"reference": waiting.reference}),
        {"advice_from": "Jo Lead, DSL", "text": "Share without consent: the risk is high."},
    )
    resume = practitioner_client.get(response["Location"])
    assert current_step(resume["Location"]) == Step.CONSENT

    url = resume["Location"]
    routing = {"consent": "no", "identifiable": "yes", "lawful-reason": "yes"}
    url = answer_until_check(practitioner_client, url, routing)
    done = practitioner_client.post(url, step_data(Step.CHECK))["Location"]
    practitioner_client.get(done)
    completed = Decision.objects.exclude(pk=waiting.pk).get()

    assert completed.continues == waiting
    assert completed.outcome == Outcome.SHARE
    assert completed.answers[Step.PURPOSE]["purpose"] == waiting.answers[Step.PURPOSE]["purpose"]
    assert waiting.addenda.get().kind == "advice-received"
    lists = practitioner_client.get(reverse("decisions:my_decisions")).context
    assert list(lists["awaiting_advice"]) == []


def test_expired_drafts_are_hidden_and_purged(practitioner_client, practitioner):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    start_draft(practitioner_client)
    Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=31))

    assert (
        practitioner_client.get(
            reverse("decisions:resume", kwargs={"draft_id": Draft.objects.get().pk})
        ).status_code
        == 404
    )
    call_command("purge_expired_drafts")
    assert not Draft.objects.exists()


def test_discarding_a_draft_deletes_it(practitioner_client):
    start_draft(practitioner_client)

    response = practitioner_client.post(
        reverse("decisions:discard", kwargs={"draft_id": Draft.objects.get().pk})
    )

    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_answers_stay_in_the_draft_when_recording_is_refused(practitioner_client, monkeypatch):
    def refuse(**kwargs):
        raise services.DecisionIncomplete("refused")

    monkeypatch.setattr(services, "decision_record", refuse)
    answers = {"triage": "no", "purpose": "no"}
    url = start_draft(practitioner_client)
    url = answer_until_check(practitioner_client, url, answers)
    done = practitioner_client.post(url, step_data(Step.CHECK))["Location"]

    response = practitioner_client.get(done)

    assert response.status_code == 302
    assert not Decision.objects.exists()
    assert Step.WITHHOLD in Draft.objects.get().data["step_data"]


def test_a_wizard_page_sends_one_csrf_token(practitioner_client):
    page = practitioner_client.get(start_draft(practitioner_client)).content.decode()
    main = page.split('id="main-content"')[1]  # the header's sign-out form has its own

    assert main.count('name="csrfmiddlewaretoken"') == 1


def test_a_request_date_in_the_future_is_refused_and_a_past_one_stored(practitioner_client):
    from decisions.forms import RequestForm

    future = RequestForm(data=step_data(Step.REQUEST, {"requested_on_2": "2999"}), prefix=Step.REQUEST)
    assert not future.is_valid()
    assert "must be today or in the past" in str(future.errors)

    _, final = walk(practitioner_client, {"triage": "no", "purpose": "no"})
    assert recorded(final).requested_on.isoformat() == "2026-02-02"
