"""A practitioner answers a manager's concern: they see it, the kind is preselected, and the decision
goes back to the manager's queue."""

import re

import pytest
from django.urls import reverse

from decisions import reviews
from decisions.models import Addendum, ReviewEvent
from decisions.reviews import Section
from tests.manager.conftest import client_for

CONCERN = "Say who received the information, and their role."


@pytest.fixture
def concerned(people, record_decision):
    decision = record_decision(people["practitioner"])
    reviews.review_record(
        decision=decision, reviewer=people["manager"], action=ReviewEvent.Action.CONCERN, comment=CONCERN
    )
    return decision


def url(decision) -> str:
    return reverse("decisions:answer_concern", args=[decision.reference])


def test_answer_concern_page_shows_the_concern_and_preselects_the_kind(people, concerned):
    page = client_for(people["practitioner"]).get(url(concerned)).content.decode()
    assert CONCERN in page
    checked = re.search(r'<input[^>]*value="concern-response"[^>]*>', page).group(0)
    assert "checked" in checked
    assert 'value="other"' in page and not re.search(r'value="other"[^>]*checked', page)


def test_my_decisions_and_the_decision_link_to_answer_the_concern(people, concerned):
    client = client_for(people["practitioner"])
    for page in (reverse("decisions:my_decisions"), concerned.get_absolute_url()):
        assert f'href="{url(concerned)}"' in client.get(page).content.decode()


def test_answering_the_concern_puts_the_decision_back_in_the_queue(people, concerned):
    manager = people["manager"]
    assert concerned not in reviews.review_queue(manager, Section.AWAITING_REVIEW)
    response = client_for(people["practitioner"]).post(
        url(concerned), {"kind": Addendum.Kind.CONCERN_RESPONSE, "text": "Sent to Jo Bloggs, school nurse."}
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get(decision=concerned)
    assert addendum.kind == Addendum.Kind.CONCERN_RESPONSE
    assert concerned in reviews.review_queue(manager, Section.AWAITING_REVIEW)
    assert concerned not in reviews.review_queue(manager, Section.CONCERN)
    assert not reviews.concerns_for_practitioner(people["practitioner"]).exists()
    follow = client_for(people["practitioner"]).get(url(concerned))
    assert follow.status_code == 302  # nothing left to answer


def test_an_empty_answer_is_refused_and_changes_nothing(people, concerned):
    response = client_for(people["practitioner"]).post(
        url(concerned), {"kind": "concern-response", "text": ""}
    )
    assert response.status_code == 400
    assert "Enter the details" in response.content.decode()
    assert CONCERN in response.content.decode()
    assert not Addendum.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "manager", "other_practitioner", "auditor"])
def test_only_the_author_answers_a_concern(people, concerned, who):
    client = client_for(people[who])
    assert client.get(url(concerned)).status_code == 404
    assert client.post(url(concerned), {"kind": "concern-response", "text": "x"}).status_code == 404
    assert not Addendum.objects.exists()


def test_without_an_open_concern_the_page_returns_to_the_decision(people, record_decision):
    decision = record_decision(people["practitioner"])
    response = client_for(people["practitioner"]).get(url(decision))
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
