"""The manager's pages over HTTP: scope, review actions, access log, filters and query counts."""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from decisions import reviews, services
from decisions.models import AccessLog, Addendum, ReviewEvent, Role
from decisions.questions.base import Outcome
from decisions.reviews import Section
from tests.manager.conftest import client_for


def date_input(name: str, day: datetime.date) -> dict[str, int]:
    """What the GOV.UK date input sends for a day."""
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


Action = ReviewEvent.Action
ROLES = [
    "anonymous",
    "practitioner",
    "colleague",
    "manager",
    "other_manager",
    "other_practitioner",
    "auditor",
    "admin",
]


@pytest.fixture
def decision(people, record_decision):
    return record_decision(people["practitioner"], case="CASE-9")


def urls(decision):
    return {
        "queue": reverse("manager:queue"),
        "review": reverse("manager:review", args=[decision.reference]),
        "chronology": reverse("manager:chronology") + "?case=CASE-9",
        "dashboard": reverse("manager:dashboard"),
        "access_log": reverse("manager:access_log"),
    }


# Who may open each page: only the manager of the decision's team sees the decision; another
# team's manager gets 404 for the decision and its case, but has their own queue and dashboard.
ALLOWED = {
    "queue": {"manager", "other_manager"},
    "review": {"manager"},
    "chronology": {"manager"},
    "dashboard": {"manager", "other_manager"},
    "access_log": {"manager", "other_manager"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(ALLOWED))
def test_scope_matrix(people, decision, role, page):
    user = None if role == "anonymous" else people[role]
    response = client_for(user).get(urls(decision)[page])
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in ALLOWED[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert decision.rationale not in response.content.decode()
        assert AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).exists()


@pytest.mark.parametrize("role", ["practitioner", "colleague", "other_manager", "auditor", "admin"])
def test_review_post_outside_scope_is_404_and_stores_nothing(people, decision, role):
    url = reverse("manager:review", args=[decision.reference])
    response = client_for(people[role]).post(url, {"action": Action.ENDORSE, "comment": "Fine"})
    assert response.status_code == 404
    assert not ReviewEvent.objects.exists()


def test_queue_lists_only_the_teams_decisions_and_never_another_teams(
    people, record_decision, manager_client
):
    mine = record_decision(people["colleague"], case="CASE-MINE")
    theirs = record_decision(people["other_practitioner"], case="CASE-THEIRS")
    body = manager_client.get(reverse("manager:queue")).content.decode()
    assert mine.reference in body
    assert theirs.reference not in body


def test_manager_endorses_over_http(people, decision, manager_client):
    url = reverse("manager:review", args=[decision.reference])
    response = manager_client.post(url, {"action": Action.ENDORSE, "comment": "A well-reasoned decision."})
    assert response.status_code == 302
    event = ReviewEvent.objects.get()
    assert (event.decision, event.reviewer, event.action) == (decision, people["manager"], Action.ENDORSE)
    page = manager_client.get(url).content.decode()
    assert "A well-reasoned decision." in page


def test_review_form_errors_are_shown(decision, manager_client):
    url = reverse("manager:review", args=[decision.reference])
    response = manager_client.post(url, {"action": Action.ESCALATE, "comment": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter a comment" in body
    assert "Select where you are escalating the decision to" in body
    assert not ReviewEvent.objects.exists()


def test_review_form_is_rendered_once_per_actions_and_routes(people, record_decision, manager_client):
    """The unbound review form is kept, rendered, per set of actions and escalation routes: it
    reads as a fresh rendering, a decision waiting for advice offers advice, and a route added in
    the local settings is offered at once."""
    from crispy_forms.utils import render_crispy_form

    from decisions.models import LocalSettings
    from decisions.views import manager as views

    views._rendered_forms.clear()
    finished = record_decision(people["practitioner"])
    waiting = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE)
    routes = LocalSettings.load().escalation_route_list
    page = manager_client.get(reverse("manager:review", args=[finished.reference])).content.decode()
    fresh = views.ReviewForm(actions=reviews.allowed_actions(finished, people["manager"]), routes=routes)
    assert render_crispy_form(fresh, helper=fresh.helper) in page
    assert "Give advice" not in page

    advice = manager_client.get(reverse("manager:review", args=[waiting.reference])).content.decode()
    assert "Give advice so the practitioner can finish the decision" in advice

    local = LocalSettings.load()
    local.escalation_routes += "\nHead of children's services"
    local.save()
    page = manager_client.get(reverse("manager:review", args=[finished.reference])).content.decode()
    assert "Head of children&#x27;s services" in page
    assert len(views._rendered_forms) == 3


def test_review_page_links_the_decisions_that_continue_it(people, record_decision, manager_client):
    waiting = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE)
    assert (
        "Completed by"
        not in manager_client.get(reverse("manager:review", args=[waiting.reference])).content.decode()
    )
    done = record_decision(people["practitioner"], Outcome.SHARE, continues=waiting)
    page = manager_client.get(reverse("manager:review", args=[waiting.reference])).content.decode()
    link = reverse("manager:review", args=[done.reference])
    row = page.split("Completed by</dt>", 1)[1].split("</dd>", 1)[0]
    assert f'<a class="govuk-link" href="{link}">{done.reference}</a>' in row
    assert "Give advice" not in page  # advice no longer applies once continued
    page = manager_client.get(link).content.decode()
    row = page.split("Continues</dt>", 1)[1].split("</dd>", 1)[0]
    back = reverse("manager:review", args=[waiting.reference])
    assert f'<a class="govuk-link" href="{back}">{waiting.reference}</a> (after advice)' in row
    assert "Completed by" not in page


def test_escalate_to_a_route_from_local_settings(decision, manager_client):
    url = reverse("manager:review", args=[decision.reference])
    page = manager_client.get(url).content.decode()
    assert "Local authority designated officer (LADO)" in page
    response = manager_client.post(
        url,
        {
            "action": Action.ESCALATE,
            "comment": "Needs the LADO.",
            "escalation_route": "Local authority designated officer (LADO)",
        },
    )
    assert response.status_code == 302
    assert ReviewEvent.objects.get().escalation_route == "Local authority designated officer (LADO)"


def test_manager_cannot_review_own_decision(people, record_decision, manager_client):
    own = record_decision(people["manager"])
    url = reverse("manager:review", args=[own.reference])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "another manager must review it" in page.content.decode()
    assert manager_client.post(url, {"action": Action.ENDORSE, "comment": "Me"}).status_code == 404
    assert not ReviewEvent.objects.exists()


def test_concern_round_trip_over_http(people, decision, manager_client):
    url = reverse("manager:review", args=[decision.reference])
    manager_client.post(url, {"action": Action.CONCERN, "comment": "Add who received it."})
    assert list(reviews.concerns_for_practitioner(people["practitioner"])) == [decision]

    practitioner = client_for(people["practitioner"])
    response = practitioner.post(
        reverse("decisions:add_addendum", args=[decision.reference]),
        {"kind": "correction", "text": "Chris Social, children's social care."},
    )
    assert response.status_code == 302
    assert not reviews.concerns_for_practitioner(people["practitioner"]).exists()
    queue = manager_client.get(reverse("manager:queue")).content.decode()
    assert decision.reference in queue


def test_advice_over_http_unblocks_the_practitioner(people, record_decision, manager_client):
    waiting = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE)
    url = reverse("manager:review", args=[waiting.reference])
    assert "Give advice" in manager_client.get(url).content.decode()
    manager_client.post(url, {"action": Action.ADVICE, "comment": "You have a clear purpose: share."})
    assert ReviewEvent.objects.get().action == Action.ADVICE

    practitioner = client_for(people["practitioner"])
    continue_url = reverse("decisions:advice_received", args=[waiting.reference])
    response = practitioner.post(continue_url, reviews.advice_initial(waiting))
    assert response.status_code == 302
    assert "/decisions/draft/" in response["Location"]
    assert reviews.review_queue(people["manager"], Section.AWAITING_ADVICE).count() == 0


def test_pages_write_access_log_rows(people, decision, manager_client):
    manager = people["manager"]
    manager_client.get(reverse("manager:queue"))
    manager_client.get(reverse("manager:review", args=[decision.reference]))
    manager_client.get(reverse("manager:chronology") + "?case=CASE-9")
    manager_client.get(reverse("manager:dashboard"))
    manager_client.get(reverse("manager:review", args=["D-NONE-XXXX"]))
    rows = list(
        AccessLog.objects.filter(user=manager).order_by("id").values_list("action", "decision", "target")
    )
    assert rows == [
        (AccessLog.Action.VIEW_LIST, None, "Review queue: Awaiting review"),
        (AccessLog.Action.VIEW_REVIEW, decision.pk, decision.reference),
        (AccessLog.Action.VIEW_CHRONOLOGY, None, "CASE-9"),
        (AccessLog.Action.VIEW_LIST, None, "Dashboard: 90 days"),
        (AccessLog.Action.DENIED, None, "D-NONE-XXXX"),
    ]


def test_access_log_page_shows_views_of_the_teams_decisions_only(people, record_decision, manager_client):
    mine = record_decision(people["practitioner"])
    theirs = record_decision(people["other_practitioner"])
    client_for(people["auditor"]).get(reverse("decisions:detail", args=[mine.reference]))
    client_for(people["other_practitioner"]).get(reverse("decisions:detail", args=[theirs.reference]))
    body = manager_client.get(reverse("manager:access_log")).content.decode()
    assert mine.reference in body and "Avery" in body
    assert theirs.reference not in body
    assert list(reviews.access_log_for(people["auditor"]).filter(decision=theirs))


def test_queue_filters(people, record_decision, manager_client):
    share = record_decision(people["practitioner"], Outcome.SHARE, case="CASE-A")
    withhold = record_decision(people["colleague"], Outcome.DO_NOT_SHARE, case="CASE-B")
    emergency = record_decision(people["colleague"], Outcome.SHARE, case="CASE-C", emergency=True)
    url = reverse("manager:queue")

    def shown(**params):
        body = manager_client.get(url, {"section": "all", **params}).content.decode()
        return {d.reference for d in (share, withhold, emergency) if d.reference in body}

    assert shown() == {share.reference, withhold.reference, emergency.reference}
    assert shown(outcome="do-not-share") == {withhold.reference}
    assert shown(case="CASE-A") == {share.reference}
    assert shown(practitioner=people["colleague"].pk) == {withhold.reference, emergency.reference}
    assert shown(flags="emergency") == {emergency.reference}
    today = timezone.localdate(share.created_at)
    assert shown(**date_input("recorded_from", today), **date_input("recorded_to", today)) == {
        share.reference,
        withhold.reference,
        emergency.reference,
    }
    old = datetime.date(2000, 1, 1)
    assert shown(**date_input("recorded_from", old), **date_input("recorded_to", old)) == set()
    body = manager_client.get(url, {"section": "all", "sort": "case"}).content.decode()
    assert body.index(share.reference) < body.index(withhold.reference) < body.index(emergency.reference)
    response = manager_client.get(
        url, {"recorded_from_0": "31", "recorded_from_1": "2", "recorded_from_2": "2026"}
    )
    body = response.content.decode()
    assert "Recorded from must be a real date" in body


def practitioner_options(body: str) -> list[str]:
    select = re.search(r'<select[^>]*name="practitioner".*?</select>', body, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_unfiltered_filter_form_is_rendered_once_and_follows_the_team(
    people, teams, make_user, manager_client, client_for_manager_of_hillside
):
    """The unfiltered queue's filter form is kept, rendered, per list of practitioners: it reads
    exactly as a fresh rendering, and someone joining the team is offered at once."""
    from crispy_forms.utils import render_crispy_form

    from decisions.filters import ReviewQueueFilter
    from decisions.views import manager as views

    views._rendered_forms.clear()
    url = reverse("manager:queue")
    first = manager_client.get(url).content.decode()
    assert practitioner_options(first) == ["Anyone", "Morgan", "Pat", "Sam"]
    request = RequestFactory().get(url)
    request.user = people["manager"]
    fresh = ReviewQueueFilter(None, queryset=reviews.review_queue(people["manager"]), request=request).form
    assert render_crispy_form(fresh, helper=fresh.helper) in first

    make_user("kit", Role.PRACTITIONER, teams[0])
    assert practitioner_options(manager_client.get(url).content.decode()) == [
        "Anyone",
        "Kit",
        "Morgan",
        "Pat",
        "Sam",
    ]
    # Another team's manager is offered their own people, never these.
    other = client_for_manager_of_hillside.get(url).content.decode()
    assert practitioner_options(other) == ["Anyone", "Hana", "Olly"]
    # Filtered, the form shows what was chosen (rendered for the request, never kept).
    chosen = manager_client.get(url, {"practitioner": people["colleague"].pk}).content.decode()
    assert re.search(rf'<option value="{people["colleague"].pk}"[^>]*selected', chosen)
    assert len(views._rendered_forms) == 3


@pytest.fixture
def client_for_manager_of_hillside(people):
    return client_for(people["other_manager"])


def test_queue_date_filters_are_gov_uk_date_inputs_with_a_number_keypad(manager_client):
    body = manager_client.get(reverse("manager:queue")).content.decode()
    for name in ("recorded_from", "recorded_to"):
        for part in range(3):
            field = re.search(rf'<input[^>]*name="{name}_{part}"[^>]*>', body).group(0)
            assert 'inputmode="numeric"' in field
    response = manager_client.get(reverse("manager:queue"), {"recorded_to_0": "3", "recorded_to_2": "2026"})
    assert "Recorded to must include a month" in response.content.decode()


def test_queue_paginates(people, record_decision, manager_client, monkeypatch):
    monkeypatch.setattr("decisions.pagination.PER_PAGE", 2)
    made = [record_decision(people["practitioner"], case=f"CASE-{n}") for n in range(5)]
    first = manager_client.get(reverse("manager:queue")).content.decode()
    assert made[-1].reference in first and made[0].reference not in first
    assert "page=2" in first
    last = manager_client.get(reverse("manager:queue"), {"page": 3}).content.decode()
    assert made[0].reference in last and "page=4" not in last


def make_many(people, record_decision, count):
    for n in range(count):
        author = people["practitioner"] if n % 2 else people["colleague"]
        record_decision(
            author,
            [Outcome.SHARE, Outcome.DO_NOT_SHARE, Outcome.AWAITING_ADVICE][n % 3],
            case=f"CASE-{n % 4}",
            emergency=n % 5 == 0,
        )


# Every page reads the session, the manager with their roles, teams, authenticator and unread alerts
# (the header; one query: decisions.accounts.backends) and their two-factor device; the local
# settings come from the process's copy (decisions.settings_cache). Then:
EXPECTED_QUERIES = {
    "queue": 7,  # + the page of decisions, the capped section counts (one query), practitioner choices
    # (in "awaiting review" and "awaiting advice" a listed decision's age says whether it is overdue)
    "queue-filtered": 8,  # + which decisions on the page are overdue
    "review": 7,  # + decision with the references continuing it, addenda, reviews
    "chronology": 7,  # + decisions, addenda, reviews of the case
    "dashboard": 7,  # + series, figures, section and overdue counts (one query)
    "access_log": 6,  # + the page of log rows, the people to filter by
}


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("queue", lambda d: reverse("manager:queue")),
        (
            "queue-filtered",
            lambda d: reverse("manager:queue") + "?section=all&outcome=share&sort=case&flags=emergency",
        ),
        ("review", lambda d: reverse("manager:review", args=[d.reference])),
        ("chronology", lambda d: reverse("manager:chronology") + f"?case={d.case_reference}"),
        ("dashboard", lambda d: reverse("manager:dashboard")),
        ("access_log", lambda d: reverse("manager:access_log")),
    ],
)
def test_query_count_is_constant(
    people, record_decision, manager_client, django_assert_num_queries, name, url
):
    made = 0
    for size in (5, 50):
        make_many(people, record_decision, size - made)
        made = size
        target = reviews.review_queue(people["manager"], Section.AWAITING_REVIEW).first()
        reviews.review_record(decision=target, reviewer=people["manager"], action=Action.CONCERN, comment="x")
        manager_client.get(url(target))  # the access log has rows to show
        with django_assert_num_queries(EXPECTED_QUERIES[name]):
            response = manager_client.get(url(target))
        assert response.status_code == 200


def test_dashboard_with_no_decisions_says_so_plainly(manager_client):
    page = manager_client.get(reverse("manager:dashboard")).content.decode()

    assert "No finished decisions" in page
    assert "No finished decisions of finished decisions" not in page


def test_review_page_shows_the_history_oldest_first_with_who_added_each_part(
    people, record_decision, manager_client
):
    practitioner, manager = people["practitioner"], people["manager"]
    decision = record_decision(practitioner)
    reviews.review_record(
        decision=decision, reviewer=manager, action=ReviewEvent.Action.CONCERN, comment="Who received it?"
    )
    for text in ("Sent to the social worker.", "Confirmed by phone the next day."):
        services.addendum_add(
            decision=decision, author=practitioner, kind=Addendum.Kind.CORRECTION, text=text
        )
    reviews.review_record(
        decision=decision, reviewer=manager, action=ReviewEvent.Action.ENDORSE, comment="Thank you."
    )

    for url in (
        reverse("manager:review", args=[decision.reference]),
        reverse("decisions:detail", args=[decision.reference]),
    ):
        client = manager_client if "manage" in url else client_for(practitioner)
        page = client.get(url).content.decode()
        addenda = page.split('id="addenda"', 1)[1].split('id="reviews"', 1)[0]
        assert addenda.index("Sent to the social worker.") < addenda.index("Confirmed by phone the next day.")
        assert addenda.count(f"Added by {practitioner.get_full_name()}") == 2
        history = page.split('id="reviews"', 1)[1]
        assert history.index("Who received it?") < history.index("Thank you.")
        assert history.count(f"By {manager.get_full_name()}") == 2
