"""The access logs (manager's and auditor's): filter by person, action and day; UK times with the
zone; names, not usernames."""

import datetime
import re

import pytest
from django.urls import reverse

from decisions.models import AccessLog
from tests.manager.conftest import aware, client_for

PAGES = {"manager": "manager:access_log", "auditor": "audit:access_log"}


@pytest.fixture
def log(people, record_decision):
    """Three views of a Riverside decision: by Sam in winter, by Pat in summer, and a refusal."""
    decision = record_decision(people["practitioner"])
    rows = {
        "winter": AccessLog.objects.create(
            user=people["colleague"],
            action=AccessLog.Action.VIEW_DECISION,
            decision=decision,
            target=decision.reference,
            path="/x/",
            created_at=aware(2026, 1, 15, 12),
        ),
        "summer": AccessLog.objects.create(
            user=people["practitioner"],
            action=AccessLog.Action.PRINT_DECISION,
            decision=decision,
            target=decision.reference,
            path="/x/",
            created_at=aware(2026, 7, 1, 23),  # 2 July, 00:00 in London
        ),
    }
    return decision, rows


def rows_shown(client, name: str, **params) -> list[str]:
    body = client.get(reverse(name), params).content.decode()
    table = body.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in body else ""
    return re.findall(r"<td class=\"govuk-table__cell\">([^<]*(?:GMT|BST))</td>", table)


def day(name: str, value: datetime.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


@pytest.mark.parametrize("role", ["manager", "auditor"])
def test_times_are_uk_time_with_the_zone_and_people_are_named(people, log, role):
    body = client_for(people[role]).get(reverse(PAGES[role])).content.decode()
    assert "15 Jan 2026, 12:00:00 GMT" in body
    assert "2 Jul 2026, 00:00:00 BST" in body
    assert ">Sam</td>" in body  # first name, not the username "sam"
    assert ">sam</td>" not in body


@pytest.mark.parametrize("role", ["manager", "auditor"])
def test_filter_by_person_action_and_day(people, log, role):
    client = client_for(people[role])
    name = PAGES[role]
    assert rows_shown(client, name, person=people["colleague"].pk) == ["15 Jan 2026, 12:00:00 GMT"]
    assert rows_shown(client, name, action=AccessLog.Action.PRINT_DECISION) == ["2 Jul 2026, 00:00:00 BST"]
    # Days are UK days: 23:00 UTC on 1 July is 2 July in London.
    july_2 = datetime.date(2026, 7, 2)
    assert rows_shown(client, name, **day("viewed_from", july_2), **day("viewed_to", july_2)) == [
        "2 Jul 2026, 00:00:00 BST"
    ]
    july_1 = datetime.date(2026, 7, 1)
    assert rows_shown(client, name, **day("viewed_to", july_1), person=people["practitioner"].pk) == []


@pytest.mark.parametrize("role", ["manager", "auditor"])
def test_a_wrong_date_says_what_is_wrong(people, log, role):
    response = client_for(people[role]).get(
        reverse(PAGES[role]), {"viewed_from_0": "31", "viewed_from_1": "2", "viewed_from_2": "2026"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "From must be a real date" in body
    response = client_for(people[role]).get(
        reverse(PAGES[role]),
        {**day("viewed_from", datetime.date(2026, 3, 2)), **day("viewed_to", datetime.date(2026, 3, 1))},
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_date_inputs_get_a_number_keypad(people, log):
    body = client_for(people["auditor"]).get(reverse("audit:access_log")).content.decode()
    parts = re.findall(r'<input[^>]*name="viewed_(?:from|to)_[012]"[^>]*>', body)
    assert len(parts) == 6
    assert all('inputmode="numeric"' in part for part in parts)


def test_a_manager_can_only_filter_by_people_in_their_log(people, log):
    body = client_for(people["manager"]).get(reverse("manager:access_log")).content.decode()
    select = body.split('name="person"', 1)[1].split("</select>", 1)[0]
    assert people["colleague"].get_full_name() in select
    assert people["other_practitioner"].get_full_name() not in select
    auditor_body = client_for(people["auditor"]).get(reverse("audit:access_log")).content.decode()
    assert (
        people["other_practitioner"].get_full_name()
        in auditor_body.split('name="person"', 1)[1].split("</select>")[0]
    )
