import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from decisions import services
from decisions.models import Decision, Draft, LocalSettings
from decisions.questions import pages, registry
from decisions.questions.base import Outcome, Step
from tests.conftest import PASSWORD
from tests.paths import ALL_PATH_IDS, ALL_PATHS
from tests.wizard import (
    MANAGEMENT_FIELD,
    answer_until_check,
    cleaned_answers,
    current_step,
    recorded,
    start_draft,
    step_data,
    walk,
)


def wizard_url(draft_url: str, step: str) -> str:
    return draft_url.rsplit("/", 2)[0] + f"/{step}/"


def use_question_set(key: str) -> None:
    LocalSettings.objects.filter(pk=LocalSettings.load().pk).update(question_set=key)


@pytest.mark.parametrize(
    ("key", "name", "answers", "route", "outcome", "emergency", "attention", "extra"),
    ALL_PATHS,
    ids=ALL_PATH_IDS,
)
def test_every_path_through_http_records_its_outcome(
    practitioner_client, practitioner, key, name, answers, route, outcome, emergency, attention, extra
):
    use_question_set(key)
    seen, final = walk(practitioner_client, {"triage": "no", **answers}, extra=extra)

    decision = recorded(final)
    assert seen == route
    assert decision.outcome == outcome
    assert decision.route == route
    assert decision.emergency is emergency
    assert decision.attention == list(attention)
    assert decision.needs_attention is bool(attention)
    assert decision.significant_harm is (Step.REFERRAL in route)
    assert decision.author == practitioner
    assert decision.flowchart_version == key
    assert decision.case_reference == "CASE-0042"
    assert not Draft.objects.exists()


def test_a_decision_stores_every_answer_on_its_route_and_no_other(practitioner_client):
    _, final = walk(practitioner_client, {"triage": "no", "purpose": "no"})

    decision = recorded(final)
    assert set(decision.answers) == set(decision.route)
    assert decision.answers[Step.WITHHOLD]["reasons"] == "The request had no safeguarding purpose."
    assert decision.rationale == "The answers to the flowchart support this decision."
    assert Step.LAWFUL_BASIS not in decision.answers


def test_a_share_records_the_basis_power_and_conditions_as_codes_and_shows_their_names(practitioner_client):
    _, final = walk(practitioner_client, {"criminal-offence": "co-sch1-10"})

    decision = recorded(final)
    assert (decision.lawful_basis, decision.power) == ("6-1-e", "ca2004-s11")
    assert (decision.special_category_condition, decision.criminal_offence_condition) == (
        "sch1-18",
        "co-sch1-10",
    )
    page = practitioner_client.get(decision.get_absolute_url()).content.decode()
    assert "Public task – Article 6(1)(e)" in page
    assert "Children Act 2004, section 11" in page
    assert "Preventing or detecting unlawful acts – Schedule 1, paragraph 10" in page
    assert "6-1-e" not in page and "sch1-18" not in page


def test_significant_harm_always_leads_to_a_referral_with_when_and_to_whom(practitioner_client):
    _, final = walk(practitioner_client, {"significant-harm": "yes"})

    decision = recorded(final)
    assert decision.outcome == Outcome.SHARE
    assert decision.significant_harm is True
    assert decision.referred_at.isoformat().startswith("2026-02-03T09:15")
    assert decision.answers[Step.REFERRAL]["referred_to"] == "childrens-social-care"
    assert Step.WITHHOLD not in decision.route


def test_the_referral_page_shows_the_local_numbers(practitioner_client):
    LocalSettings.objects.update(
        childrens_social_care_number="01632 960 001", out_of_hours_number="01632 960 999"
    )
    url = start_draft(practitioner_client)
    url = practitioner_client.post(url, step_data(Step.TRIAGE))["Location"]
    url = practitioner_client.post(url, step_data(Step.SIGNIFICANT_HARM, {"answer": "yes"}))["Location"]

    page = practitioner_client.get(url).content.decode()

    assert current_step(url) == Step.REFERRAL
    assert "01632 960 001" in page and "01632 960 999" in page and "999" in page


def test_do_not_share_cannot_be_recorded_after_significant_harm_whatever_is_posted(practitioner_client):
    """A forged "no lawful basis" after a referral is refused: the record would say "do not share"."""
    url = start_draft(practitioner_client)
    url = answer_until_check(practitioner_client, url, {"significant-harm": "yes"})
    draft = Draft.objects.get()
    data = draft.data
    data["step_data"][Step.LAWFUL_BASIS][f"{Step.LAWFUL_BASIS}-answer"] = ["none"]
    Draft.objects.filter(pk=draft.pk).update(data=data)

    done = practitioner_client.post(url, step_data(Step.CHECK))["Location"]
    practitioner_client.get(done)

    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("organisation", "basis", "offered"),
    [
        ("local-authority", "6-1-f", False),
        ("local-authority", "6-1-ea", False),
        ("school", "6-1-e", True),
        ("voluntary", "6-1-f", True),
        ("voluntary", "6-1-ea", True),
        ("local-authority", "6-1-a", False),  # no consent on this route
    ],
)
def test_the_lawful_basis_page_offers_only_bases_that_fit_the_organisation(
    practitioner_client, organisation, basis, offered
):
    LocalSettings.objects.update(organisation_type=organisation)
    url = start_draft(practitioner_client)
    url = answer_until_check(practitioner_client, url, {})
    basis_url = wizard_url(url, Step.LAWFUL_BASIS)

    page = practitioner_client.get(basis_url).content.decode()
    posted = practitioner_client.post(basis_url, step_data(Step.LAWFUL_BASIS, {"answer": basis}))

    assert (f'value="{basis}"' in page) is offered
    assert (posted.status_code == 302) is offered
    if not offered:
        assert "Select the lawful basis you are relying on" in posted.content.decode()


def test_the_service_refuses_an_incoherent_record_whatever_is_posted(practitioner, team):
    """Answers no page would offer (legitimate interests for a local authority; consent without
    consent; paragraph 18 with consent) are refused by the service itself, and nothing is stored."""
    question_set = registry.get("2024.1")
    for tampered in (
        {Step.LAWFUL_BASIS: "6-1-f"},
        {Step.LAWFUL_BASIS: "6-1-a"},
        {Step.LAWFUL_BASIS: "none"},
        {Step.RECIPIENT: "no"},
    ):
        answers, form_data, _ = cleaned_answers(question_set, {})
        for step, value in tampered.items():
            answers[step] = {**answers[step], "answer": value}
        draft = services.draft_start(author=practitioner)
        with pytest.raises((services.DecisionIncoherent, services.DecisionIncomplete)):
            services.decision_record(
                author=practitioner, draft_id=draft.pk, answers=answers, form_data=form_data
            )
    assert not Decision.objects.exists()


def test_the_appropriate_policy_document_is_linked_where_conditions_are_chosen(practitioner_client):
    LocalSettings.objects.update(appropriate_policy_document_url="https://example.org/apd")
    url = answer_until_check(practitioner_client, start_draft(practitioner_client), {})

    page = practitioner_client.get(wizard_url(url, Step.SPECIAL_CATEGORY)).content.decode()

    assert 'href="https://example.org/apd"' in page


def test_the_consent_basis_is_offered_only_where_consent_was_given(practitioner_client):
    url = start_draft(practitioner_client)
    url = answer_until_check(
        practitioner_client, url, {"engage": "consent", "lawful-basis": "6-1-a", "special-category": "9-2-a"}
    )
    page = practitioner_client.get(wizard_url(url, Step.SPECIAL_CATEGORY)).content.decode()

    assert 'value="9-2-a"' in page  # explicit consent
    assert 'value="sch1-18"' not in page  # paragraph 18 is only for sharing without consent


def test_a_public_body_names_the_power_it_shares_under_and_others_are_not_asked(practitioner_client):
    _, final = walk(
        practitioner_client, {"power": "other"}, extra={Step.POWER: {"other_power": "Local Act s.12"}}
    )
    assert recorded(final).answers[Step.POWER]["other_power"] == "Local Act s.12"

    LocalSettings.objects.update(organisation_type="voluntary")
    seen, final = walk(practitioner_client, {"lawful-basis": "6-1-f"})
    assert Step.POWER not in seen
    assert recorded(final).power == ""


def test_a_share_already_made_to_someone_without_a_safeguarding_role_is_recorded_and_flagged(
    practitioner_client,
):
    _, final = walk(practitioner_client, {"triage": "yes", "emergency": "yes", "recipient": "no"})

    decision = recorded(final)
    assert decision.needs_attention
    assert "no-safeguarding-role" in decision.attention


def test_identities_not_protected_needs_a_reason_and_flags_the_record(practitioner_client):
    form = pages.IdentitiesForm(
        data=step_data(Step.IDENTITIES, {"answer": "not-protected", "not_protected_reason": ""}),
        prefix=Step.IDENTITIES,
    )
    assert not form.is_valid()
    assert "Explain why you could not protect their details" in str(form.errors)

    _, final = walk(practitioner_client, {"identities": "not-protected"})
    assert "identities-not-protected" in recorded(final).attention


def test_the_2018_set_asks_the_seed_flowchart_questions_in_its_order(practitioner_client):
    use_question_set("2018.2")
    seen, final = walk(practitioner_client, {})

    assert seen[:7] == [
        Step.TRIAGE,
        Step.SIGNIFICANT_HARM,
        Step.REQUEST,
        Step.PURPOSE,
        Step.CONSENT,
        Step.IDENTIFIABLE,
        Step.LAWFUL_REASON,
    ]
    assert recorded(final).flowchart_version == "2018.2"


def test_a_draft_keeps_the_set_it_was_started_with(practitioner_client):
    url = start_draft(practitioner_client)
    use_question_set("2018.2")  # the administrator changes the set while the draft is open
    seen_2024 = []
    url = answer_until_check(practitioner_client, url, {})
    done = practitioner_client.post(url, step_data(Step.CHECK))["Location"]
    decision = recorded(practitioner_client.get(done)["Location"])

    assert decision.flowchart_version == "2024.1"
    assert Step.ENGAGE in decision.route and Step.CONSENT not in decision.route
    assert seen_2024 == []


def test_a_retired_sets_decision_still_reads_in_its_own_words(practitioner_client, practitioner, team):
    old = Decision.objects.create(
        submission_key=uuid.uuid4(),
        author=practitioner,
        team=team,
        case_reference="OLD-1",
        outcome="share",
        flowchart_version="2018.1",
        route=["triage", "request", "purpose", "consent", "lawful-basis", "how-much", "rationale", "check"],
        answers={
            "triage": {"answer": "no"},
            "purpose": {"answer": "yes", "purpose": "Protect the child."},
            "consent": {"answer": "yes", "consent_details": "Mother, in writing."},
            "lawful-basis": {"lawful_basis": "6-1-e"},
            "how-much": {"identities_protected": "not-needed", "what_shared": "Dates"},
        },
        form_data={},
        rationale="Old reasons",
        lawful_basis="6-1-e",
    )

    page = practitioner_client.get(old.get_absolute_url()).content.decode()

    assert "When and how to share information (2018)" in page
    assert "Do you have consent to share?" in page
    assert "Have you protected the identity of anyone who could be harmed if they were identified?" in page
    assert "Nobody else could be harmed" in page
    assert "Public task – Article 6(1)(e)" in page
    assert registry.get(old.flowchart_version).selectable is False


def test_emergency_record_keeps_when_it_was_shared(practitioner_client):
    _, final = walk(practitioner_client, {"triage": "yes", "emergency": "yes", "purpose": "no"})

    decision = recorded(final)
    assert decision.shared_at.isoformat().startswith("2026-02-03T14:30")
    assert decision.needs_attention


def test_posting_to_a_later_page_without_earlier_answers_records_nothing(practitioner_client):
    draft_url = start_draft(practitioner_client)

    response = practitioner_client.post(wizard_url(draft_url, Step.CHECK), step_data(Step.CHECK))
    assert response.status_code == 302
    assert current_step(response["Location"]) == Step.SIGNIFICANT_HARM

    response = practitioner_client.get(wizard_url(draft_url, "done"))
    assert response.status_code == 302
    assert current_step(response["Location"]) == Step.SIGNIFICANT_HARM
    assert not Decision.objects.exists()


def test_a_page_posted_with_another_pages_step_name_is_not_stored(practitioner_client):
    draft_url = start_draft(practitioner_client)
    forged = {**step_data(Step.TRIAGE), MANAGEMENT_FIELD: Step.RATIONALE, "rationale-rationale": "forged"}

    before = Draft.objects.get().data["step_data"]

    response = practitioner_client.post(draft_url, forged)

    assert response.status_code == 302
    assert Draft.objects.get().data["step_data"] == before
    assert Step.RATIONALE not in before


def test_an_outcome_sent_by_the_browser_is_ignored(practitioner_client):
    forged = {step: {"outcome": Outcome.SHARE} for step in Step}
    answers = {"triage": "no", "purpose": "yes", "lawful-basis": "none"}

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
        flowchart_version="2024.1",
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
        "significant-harm": {"answer": "no"},
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
    harm_url = practitioner_client.post(draft_url, step_data(Step.TRIAGE))["Location"]
    request_url = practitioner_client.post(harm_url, step_data(Step.SIGNIFICANT_HARM))["Location"]

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
    ("form_class", "step", "overrides", "message"),
    [
        (
            pages.PurposeForm,
            Step.PURPOSE,
            {"answer": "perhaps"},
            "Select yes if there is a clear and legitimate purpose",
        ),
        (pages.PurposeForm, Step.PURPOSE, {"answer": "yes", "purpose": ""}, "Select the purpose"),
        (pages.RequestForm, Step.REQUEST, {"case_reference": "<script>"}, "Case reference must only include"),
        (pages.RequestForm, Step.REQUEST, {"requested_by": ""}, "Enter who asked for the information"),
        (
            pages.RecipientForm,
            Step.RECIPIENT,
            {"answer": "no"},
            "Only share with someone who has a role in safeguarding",
        ),
        (
            pages.TransparencyForm,
            Step.TRANSPARENCY,
            {"answer": "no-other", "not_told_reason": ""},
            "Explain why you have not told them",
        ),
        (pages.EmergencyShareForm, Step.EMERGENCY_SHARE, {"shared_on_2": "2999"}, "must be in the past"),
        (pages.EmergencyShareForm, Step.EMERGENCY_SHARE, {"shared_time": "25:00"}, "Enter a real time"),
        (pages.ReferralForm, Step.REFERRAL, {"referred_on_2": "2999"}, "must be in the past"),
        (pages.MethodForm, Step.METHOD, {"shared_on_0": "31", "shared_on_1": "2"}, "Enter a real date"),
        (pages.MethodForm, Step.METHOD, {"shared_on_2": "26"}, "Year must include 4 numbers"),
        (pages.RequestForm, Step.REQUEST, {"requested_on_2": "1850"}, "Year must be 1900 or later"),
        (pages.PowerForm, Step.POWER, {"answer": "other", "other_power": ""}, "Enter the power or duty"),
        (
            pages.IdentitiesForm,
            Step.IDENTITIES,
            {"answer": "protected", "recipient_asked": ""},
            "Enter what you asked the recipient to do",
        ),
        (
            pages.WithholdForm,
            Step.WITHHOLD,
            {"discussed": "disagreed", "next_steps": ""},
            "Enter what happens next",
        ),
        (
            registry.get("2024.1").forms[Step.ENGAGE],
            Step.ENGAGE,
            {"answer": "consent", "consent_details": ""},
            "Enter who gave consent",
        ),
        (
            registry.get("2018.2").forms[Step.CONSENT],
            Step.CONSENT,
            {"answer": "not-sought", "not_sought_reason": ""},
            "Select why you have not asked for consent",
        ),
    ],
)
def test_forms_explain_what_is_wrong(form_class, step, overrides, message):
    form = form_class(data=step_data(step, overrides), prefix=step)

    assert not form.is_valid()
    assert any(message in error for errors in form.errors.values() for error in errors), form.errors


def test_every_date_input_asks_for_numbers_on_a_phone_keypad(practitioner_client):
    url = start_draft(practitioner_client)
    url = practitioner_client.post(url, step_data(Step.TRIAGE))["Location"]
    url = practitioner_client.post(url, step_data(Step.SIGNIFICANT_HARM))["Location"]
    page = practitioner_client.get(url).content.decode()

    assert page.count('inputmode="numeric"') == 3  # day, month, year of "when was it asked for"


def test_session_expiry_mid_wizard_then_resume_where_you_stopped(client, practitioner):
    client.force_login(practitioner)
    draft_url = start_draft(client)
    next_url = client.post(draft_url, step_data(Step.TRIAGE))["Location"]
    next_url = client.post(next_url, step_data(Step.SIGNIFICANT_HARM))["Location"]
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
    harm_url = client.post(draft_url, step_data(Step.TRIAGE))["Location"]
    request_url = client.post(harm_url, step_data(Step.SIGNIFICANT_HARM))["Location"]
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
    assert list(Draft.objects.get().data["step_data"]) == [Step.TRIAGE]  # only the author's first answer


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
    assert current_step(after["Location"]) == Step.ENGAGE


def test_back_from_a_changed_answer_returns_to_check_your_answers(practitioner_client):
    url = answer_until_check(practitioner_client, start_draft(practitioner_client), {"purpose": "no"})

    page = practitioner_client.get(wizard_url(url, Step.REQUEST) + "?change=1").content.decode()

    assert f'href="{wizard_url(url, Step.CHECK)}" class="govuk-back-link"' in page


def test_continuing_after_advice_reopens_the_flowchart_where_it_stopped(practitioner_client, practitioner):
    _, final = walk(practitioner_client, {"triage": "no", "purpose": "yes", "engage": "not-sure"})
    waiting = recorded(final)
    assert waiting.outcome == Outcome.AWAITING_ADVICE

    response = practitioner_client.post(
        reverse("decisions:advice_received", kwargs={"reference": waiting.reference}),
        {"advice_from": "Jo Lead, DSL", "text": "Share without consent: the risk is high."},
    )
    resume = practitioner_client.get(response["Location"])
    assert current_step(resume["Location"]) == Step.ENGAGE

    url = resume["Location"]
    routing = {"engage": "not-safe"}
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


def test_start_now_leaves_nothing_behind_until_the_first_answer(practitioner_client):
    page = practitioner_client.get(reverse("decisions:new"))
    assert page.status_code == 200
    assert "Is a child at immediate risk of harm" in page.content.decode()
    assert not Draft.objects.exists()

    refused = practitioner_client.post(reverse("decisions:new"), {MANAGEMENT_FIELD: "triage"})
    assert "Select yes if a child is at immediate risk" in refused.content.decode()
    assert not Draft.objects.exists()

    url = start_draft(practitioner_client)
    assert Draft.objects.get().data["step_data"]["triage"]["triage-answer"] == ["no"]
    assert practitioner_client.get(url).status_code == 200


def test_deleting_a_draft_asks_first_then_deletes_it(practitioner_client):
    start_draft(practitioner_client)
    url = reverse("decisions:discard", kwargs={"draft_id": Draft.objects.get().pk})
    listed = practitioner_client.get(reverse("decisions:my_decisions")).content.decode()
    assert f'href="{url}"' in listed

    confirm = practitioner_client.get(url)
    assert "Delete this unfinished decision?" in confirm.content.decode()
    assert Draft.objects.exists()

    response = practitioner_client.post(url)

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
    future = pages.RequestForm(data=step_data(Step.REQUEST, {"requested_on_2": "2999"}), prefix=Step.REQUEST)
    assert not future.is_valid()
    assert "must be today or in the past" in str(future.errors)

    _, final = walk(practitioner_client, {"triage": "no", "purpose": "no"})
    assert recorded(final).requested_on.isoformat() == "2026-02-02"
