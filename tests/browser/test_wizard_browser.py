"""The decision wizard in a real browser: every page answered as a practitioner would, with axe
run on each page, the keyboard alone, the GOV.UK error pattern, advice and resuming."""

import re

import pytest
from playwright.sync_api import Page, expect

from decisions.models import Decision, LocalSettings
from decisions.questions.base import Step
from tests.browser.conftest import (
    answer,
    axe_check,
    expect_step,
    press_continue,
    start_decision,
)
from tests.conftest import PASSWORD

REFERENCE = re.compile(r"D-[A-Z0-9]{4}-[A-Z0-9]{4}")
# The "how" pages of the default (2024) set after "talked to the family, public task".
HOW_2024 = (
    Step.POWER,
    Step.SPECIAL_CATEGORY,
    Step.CRIMINAL_OFFENCE,
    Step.RECIPIENT,
    Step.IDENTITIES,
    Step.METHOD,
    Step.FACTS_OPINION,
)


def radio(page: Page, name: str):
    return page.get_by_role("radio", name=name, exact=True)


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def record_and_confirm(page: Page) -> Decision:
    """On "Check your answers": record the decision, check the confirmation page, return the row."""
    expect_step(page, Step.CHECK)
    page.get_by_role("button", name="Record the decision").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Decision recorded", level=1)).to_be_visible()
    expect(panel).to_contain_text(REFERENCE)
    axe_check(page)
    reference = REFERENCE.search(panel.inner_text())[0]
    return Decision.objects.get(reference=reference)


# --- The share path, clicking labels --------------------------------------------------------


def test_share_path_in_browser(signed_in_page: Page):
    page = signed_in_page
    axe_check(page)  # My decisions, empty
    start_decision(page)

    radio(page, "No").check()
    press_continue(page)

    expect_step(page, Step.SIGNIFICANT_HARM)
    page.get_by_text("Guidance: significant harm must be shared").click()  # the guidance opens
    expect(page.locator(".app-guidance")).to_contain_text("Seed 001")
    axe_check(page)
    radio(page, "No").check()
    press_continue(page)

    expect_step(page, Step.REQUEST)
    page.get_by_label("Case reference").fill("CASE-0042")
    radio(page, "Phone call").check()
    page.get_by_label("Who asked for the information? (if someone asked)").fill(
        "A school nurse, Riverside Primary"
    )
    asked_on = page.get_by_role("group", name="When was the information asked for?")
    asked_on.get_by_label("Day").fill("2")
    asked_on.get_by_label("Month").fill("2")
    asked_on.get_by_label("Year").fill("2026")
    page.get_by_label("What information was asked for, or are you thinking of sharing?").fill(
        "Whether the family is known to early help."
    )
    press_continue(page)

    expect_step(page, Step.PURPOSE)
    radio(page, "Yes").check()
    radio(page, "To protect a child from harm").check()
    press_continue(page)

    expect_step(page, Step.ENGAGE)
    radio(page, "Yes, and they gave clear consent to sharing this information").check()
    radio(page, "The child and a parent or carer").check()
    page.get_by_label("Who gave consent, when, and how was it recorded?").fill(
        "The mother agreed by phone on 3 February; noted on the case file."
    )
    press_continue(page)

    expect_step(page, Step.LAWFUL_BASIS)
    expect(page.get_by_text("Legitimate interests – Article 6(1)(f)")).to_have_count(0)  # a public body
    radio(page, "Consent – UK GDPR Article 6(1)(a)").check()
    press_continue(page)

    expect_step(page, Step.POWER)
    radio(page, "Children Act 2004, section 11").check()
    press_continue(page)

    expect_step(page, Step.SPECIAL_CATEGORY)
    radio(page, "Explicit consent – UK GDPR Article 9(2)(a)").check()
    press_continue(page)

    expect_step(page, Step.CRIMINAL_OFFENCE)
    radio(page, "No, it does not").check()
    press_continue(page)

    expect_step(page, Step.RECIPIENT)
    page.get_by_label("Name", exact=True).fill("Chris Social")
    page.get_by_label("Role", exact=True).fill("Social worker")
    page.get_by_label("Organisation", exact=True).fill("Children's social care")
    radio(page, "I know them in their role").check()
    radio(page, "Yes").check()
    press_continue(page)

    expect_step(page, Step.IDENTITIES)
    radio(page, "No, nobody else could be harmed").check()
    press_continue(page)

    expect_step(page, Step.METHOD)
    radio(page, "Secure email").check()
    date = page.get_by_role("group", name="When did you or will you share it?")
    date.get_by_label("Day").fill("4")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2026")
    press_continue(page)

    expect_step(page, Step.FACTS_OPINION)
    page.get_by_label("Facts", exact=True).fill("Visits on 1, 8 and 15 January.")
    page.get_by_label("Opinion (optional)").fill("The family is engaging well.")
    radio(page, "No").check()
    page.get_by_label("Why is this much necessary and proportionate?").fill("Only the dates are needed.")
    press_continue(page)

    expect_step(page, Step.RATIONALE)
    expect(page.locator("main")).to_contain_text("Share the information")
    page.get_by_label("Is there anything else that explains your decision? (optional)").fill(
        "Consent was given and the purpose is clear."
    )
    press_continue(page)

    expect(
        page.get_by_role("heading", name="Check your answers before recording the decision")
    ).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Share the information")
    expect(page.locator("main")).to_contain_text("CASE-0042")
    decision = record_and_confirm(page)
    assert decision.outcome == "share"
    assert decision.case_reference == "CASE-0042"
    expect(page.locator("main")).to_contain_text("The decision is: Share the information")

    page.get_by_role("link", name="View the decision record").click()
    expect(page.get_by_role("heading", name=f"Decision {decision.reference}", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Printable version").click()
    expect(
        page.get_by_role("heading", name=re.compile(re.escape(decision.reference)), level=1)
    ).to_be_visible()
    axe_check(page)

    menu(page).get_by_role("link", name="My decisions").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()
    recorded = page.get_by_role("table", name="Recorded decisions")
    expect(recorded).to_contain_text(decision.reference)
    expect(recorded).to_contain_text("CASE-0042")
    axe_check(page)

    # Signing out lands on the sign-in page, which must be accessible too (also in its error state).
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_role("link", name="Enter your username")).to_be_visible()
    axe_check(page)


# --- The do-not-share path, keyboard only ---------------------------------------------------


def active(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
                    type: el.getAttribute('type'), value: el.value,
                    text: (el.innerText || el.textContent || '').trim().slice(0, 60)};
        }"""
    )


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
        focused = active(page)
        visited.append(focused["id"] or focused["text"] or focused["tag"])
    raise AssertionError(f"{key} never reached {selector} on {page.url}; focus went: {visited}")


def key_type(page: Page, field_id: str, text: str) -> None:
    tab_to(page, f"#{field_id}")
    page.keyboard.type(text)
    expect(page.locator(f"#{field_id}")).to_have_value(text)


def key_choose(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, then move to the option with the arrow keys (or Space if already there)."""
    tab_to(page, f'input[type="radio"][name="{name}"]')
    values = page.eval_on_selector_all(f'input[type="radio"][name="{name}"]', "els => els.map(e => e.value)")
    here, target = values.index(active(page)["value"]), values.index(value)
    if here == target:
        page.keyboard.press("Space")
    for _ in range(abs(target - here)):
        page.keyboard.press("ArrowDown" if target > here else "ArrowUp")
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()


def key_press_button(page: Page, name: str) -> None:
    tab_to(page, 'button[type="submit"].govuk-button, a.govuk-button, button.govuk-button')
    focused = active(page)
    while name not in focused["text"]:  # another button first: keep tabbing
        page.keyboard.press("Tab")
        focused = active(page)
        assert focused["tag"] != "body", f"no {name!r} button reached by Tab on {page.url}"
    page.keyboard.press("Enter")


def key_continue(page: Page) -> None:
    key_press_button(page, "Continue")


def test_do_not_share_path_keyboard_only(browser_page: Page, practitioner):
    page = browser_page
    page.goto("/sign-in/")
    axe_check(page)
    key_type(page, "id_username", practitioner.username)
    key_type(page, "id_password", PASSWORD)
    page.keyboard.press("Enter")  # submits the form from the password field

    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()
    axe_check(page)
    tab_to(page, "a.govuk-button")  # "Start a new decision"
    expect(page.locator(":focus")).to_have_text("Start a new decision")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name="Record an information sharing decision", level=1)
    ).to_be_visible()
    axe_check(page)
    tab_to(page, ".govuk-button--start")
    page.keyboard.press("Enter")

    expect_step(page, Step.TRIAGE)
    key_choose(page, "triage-answer", "no")
    key_continue(page)

    expect_step(page, Step.SIGNIFICANT_HARM)
    key_choose(page, "significant-harm-answer", "no")
    key_continue(page)

    expect_step(page, Step.REQUEST)
    key_type(page, "id_request-case_reference", "CASE-KEYS")
    key_choose(page, "request-request_method", "email")
    key_type(page, "id_request-requested_by", "A youth worker")
    key_type(page, "id_request-requested_on_0", "2")
    key_type(page, "id_request-requested_on_1", "2")
    key_type(page, "id_request-requested_on_2", "2026")
    key_type(page, "id_request-request_details", "Whether the child attends school.")
    key_continue(page)

    expect_step(page, Step.PURPOSE)
    key_choose(page, "purpose-answer", "yes")
    key_choose(page, "purpose-purpose", "welfare")
    key_continue(page)

    expect_step(page, Step.ENGAGE)
    key_choose(page, "engage-answer", "not-practicable")
    key_continue(page)

    expect_step(page, Step.LAWFUL_BASIS)
    key_choose(page, "lawful-basis-answer", "none")
    key_continue(page)

    expect_step(page, Step.WITHHOLD)
    expect(page.get_by_role("heading", name="Why you are not sharing", level=1)).to_be_visible()
    key_type(page, "id_withhold-reasons", "There is no lawful basis to share.")
    key_choose(page, "withhold-discussed", "disagreed")
    key_type(page, "id_withhold-next_steps", "I will ask the DSL to look at it today.")
    # Back up with Shift+Tab to the reasons and add to them.
    tab_to(page, "#id_withhold-reasons", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" The school has no role here.")
    expect(page.locator("#id_withhold-reasons")).to_have_value(
        "There is no lawful basis to share. The school has no role here."
    )
    key_continue(page)

    expect_step(page, Step.RATIONALE)
    key_type(page, "id_rationale-rationale", "No lawful basis to share.")
    key_continue(page)

    expect_step(page, Step.CHECK)
    expect(page.locator(".govuk-inset-text")).to_contain_text("Do not share the information")
    key_press_button(page, "Record the decision")

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Decision recorded")).to_be_visible()
    axe_check(page)
    reference = REFERENCE.search(panel.inner_text())[0]
    decision = Decision.objects.get(reference=reference)
    assert decision.outcome == "do-not-share"
    assert decision.case_reference == "CASE-KEYS"


# --- Errors ---------------------------------------------------------------------------------


def check_error_state(page: Page, message: str, target_id: str) -> None:
    """The GOV.UK error pattern: a focused summary, "Error:" in the title, and a link that moves
    focus to the field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    summary.get_by_role("link", name=message).click()
    expect(page.locator(f"#{target_id}")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == target_id


def test_error_state_is_accessible_and_links_to_the_field(signed_in_page: Page):
    page = signed_in_page
    start_decision(page, check_axe=False)

    # A radio question.
    press_continue(page)
    check_error_state(
        page, "Select yes if a child is at immediate risk or a crime has been committed", "id_triage-answer_1"
    )
    expect(page.locator("#id_triage-answer-error, .govuk-error-message")).to_contain_text(
        "Select yes if a child is at immediate risk"
    )
    radio(page, "No").check()
    press_continue(page)
    answer(page, Step.SIGNIFICANT_HARM)

    # Text fields and a radio group further down the page.
    expect_step(page, Step.REQUEST, check_axe=False)
    press_continue(page)
    check_error_state(page, "Enter a case reference", "id_request-case_reference")
    check_error_state_link(page, "Select how the request came", "id_request-request_method_1")
    check_error_state_link(page, "Enter what information was asked for", "id_request-request_details")

    # A value that is there but wrong: the error keeps what was typed.
    page.get_by_label("Case reference").fill("<Jane Smith>")
    press_continue(page)
    check_error_state(
        page,
        "Case reference must only include letters, numbers, spaces and / _ . : -",
        "id_request-case_reference",
    )
    expect(page.get_by_label("Case reference")).to_have_value("<Jane Smith>")

    # On to the method page for a date.
    answer(page, Step.REQUEST)
    for step in (Step.PURPOSE, Step.ENGAGE, Step.LAWFUL_BASIS, *HOW_2024[:5]):
        answer(page, step)
    expect_step(page, Step.METHOD, check_axe=False)
    radio(page, "Phone call").check()
    press_continue(page)
    check_error_state(
        page, "Enter the date you shared or will share the information", "id_method-shared_on_0"
    )
    # A date that does not exist: the error still links to the date's inputs.
    date = page.get_by_role("group", name="When did you or will you share it?")
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2026")
    press_continue(page)
    check_error_state(page, "Enter a real date", "id_method-shared_on_0")
    expect(
        page.get_by_role("group", name="When did you or will you share it?").get_by_label("Day")
    ).to_have_value("31")
    # A two-digit year is not taken as year 26.
    page.get_by_role("group", name="When did you or will you share it?").get_by_label("Day").fill("3")
    page.get_by_role("group", name="When did you or will you share it?").get_by_label("Year").fill("26")
    press_continue(page)
    check_error_state(page, "Year must include 4 numbers", "id_method-shared_on_0")


def check_error_state_link(page: Page, message: str, target_id: str) -> None:
    """Another link in a summary already checked: it too moves focus to its field."""
    page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    expect(page.locator(f"#{target_id}")).to_be_focused()


# --- Awaiting advice, and carrying on afterwards ---------------------------------------------


def test_awaiting_advice_and_resume(signed_in_page: Page):
    page = signed_in_page
    start_decision(page, check_axe=False)
    answer(page, Step.TRIAGE)
    answer(page, Step.SIGNIFICANT_HARM)
    answer(page, Step.REQUEST, {"case_reference": "CASE-ADVICE"})
    expect_step(page, Step.PURPOSE, check_axe=False)
    radio(page, "Yes").check()
    radio(page, "To support the child's welfare, for example early help or a child in need").check()
    press_continue(page)

    expect_step(page, Step.ENGAGE)
    radio(page, "I'm not sure if I should").check()
    press_continue(page)

    expect_step(page, Step.ADVICE)
    radio(page, "The designated safeguarding lead").check()
    page.get_by_label("Their name").fill("Jo Lead")
    page.get_by_label("What are you asking them?").fill("Whether the father's consent is needed.")
    press_continue(page)

    expect_step(page, Step.RATIONALE)
    press_continue(page)  # nothing to add: the reasons are in the answers

    expect(page.locator(".govuk-inset-text")).to_contain_text("Awaiting advice")
    expect_step(page, Step.CHECK)
    page.get_by_role("button", name="Record the decision").click()
    # No decision was made: no green "Decision recorded" panel.
    expect(
        page.get_by_role("heading", name="Saved: your decision is waiting for advice", level=1)
    ).to_be_visible()
    expect(page.locator(".govuk-panel--confirmation")).to_have_count(0)
    axe_check(page)
    decision = Decision.objects.get(case_reference="CASE-ADVICE")
    assert decision.outcome == "awaiting-advice"
    main = page.locator("main")
    expect(main.get_by_role("heading", name="What happens next")).to_be_visible()

    page.get_by_role("link", name="Go to my decisions").click()
    waiting = page.get_by_role("table", name="Waiting for advice")
    expect(waiting).to_contain_text("CASE-ADVICE")
    axe_check(page)
    waiting.get_by_role("link", name=decision.reference).click()

    expect(page.get_by_role("heading", name=f"Decision {decision.reference}")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Record the advice and continue").click()

    expect(page.get_by_role("heading", name="Record the advice you received", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Save and continue").click()  # empty: the error state
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    page.get_by_label("Who gave the advice?").fill("Jo Lead, designated safeguarding lead")
    page.get_by_label("What did they advise?").fill("Ask the mother; her consent is enough.")
    page.get_by_role("button", name="Save and continue").click()

    # Back at the question the practitioner was unsure about, with the earlier answers kept.
    expect_step(page, Step.ENGAGE)
    expect(radio(page, "I'm not sure if I should")).not_to_be_checked()
    page.get_by_role("link", name="Back", exact=True).click()
    expect_step(page, Step.PURPOSE, check_axe=False)
    expect(radio(page, "Yes")).to_be_checked()
    expect(
        radio(page, "To support the child's welfare, for example early help or a child in need")
    ).to_be_checked()
    press_continue(page)

    expect_step(page, Step.ENGAGE, check_axe=False)
    answer(page, Step.ENGAGE)
    for step in (Step.LAWFUL_BASIS, *HOW_2024, Step.RATIONALE):
        answer(page, step)
    completed = record_and_confirm(page)
    assert completed.outcome == "share"
    assert completed.case_reference == "CASE-ADVICE"
    assert completed.continues_id == decision.pk


# --- Coming back to an unfinished decision ---------------------------------------------------


def test_resume_unfinished_decision(signed_in_page: Page):
    page = signed_in_page
    start_decision(page, check_axe=False)
    answer(page, Step.TRIAGE)
    answer(page, Step.SIGNIFICANT_HARM)
    answer(page, Step.REQUEST, {"case_reference": "CASE-LATER"})
    answer(page, Step.PURPOSE)
    expect_step(page, Step.ENGAGE, check_axe=False)
    stopped_at = page.url

    menu(page).get_by_role("link", name="My decisions").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()
    unfinished = page.get_by_role("table", name="Not finished")
    row = unfinished.get_by_role("row").filter(has_text="CASE-LATER")
    expect(row).to_have_count(1)
    axe_check(page)
    row.get_by_role("link", name=re.compile(r"^Continue")).click()

    expect_step(page, Step.ENGAGE)
    assert page.url == stopped_at
    page.get_by_role("link", name="Back", exact=True).click()
    expect_step(page, Step.PURPOSE, check_axe=False)
    expect(radio(page, "Yes")).to_be_checked()


# --- The emergency pages ---------------------------------------------------------------------


def test_emergency_path_in_browser(signed_in_page: Page):
    page = signed_in_page
    start_decision(page, check_axe=False)
    radio(page, "Yes").check()
    press_continue(page)

    expect_step(page, Step.EMERGENCY)
    expect(page.get_by_role("heading", name="Act now to keep the child safe", level=1)).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text("call the police on 999 now")
    radio(page, "Yes, I have already shared it").check()
    press_continue(page)

    expect_step(page, Step.EMERGENCY_SHARE)
    expect(page.get_by_text("Emergency: recording after sharing")).to_be_visible()
    # A time that is not a time: the error links to the time field.
    date = page.get_by_role("group", name="When did you share it?")
    date.get_by_label("Day").fill("3")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2026")
    page.get_by_label("What time did you share it?").fill("25:99")
    page.get_by_label("Why could it not wait?").fill("The child said they were afraid to go home tonight.")
    press_continue(page)
    check_error_state(page, "Enter a real time, like 09:15 or 14:30", "id_emergency-share-shared_time")
    page.get_by_label("What time did you share it?").fill("14:30")
    press_continue(page)

    answer(page, Step.SIGNIFICANT_HARM)
    answer(page, Step.REQUEST, {"case_reference": "CASE-999"})
    # Afterwards, the practitioner finds no clear purpose: the record is flagged for a manager.
    expect_step(page, Step.PURPOSE, check_axe=False)
    radio(page, "No").check()
    press_continue(page)

    # An emergency share is always followed by the "how" pages; the method page asks no date.
    for step in (Step.LAWFUL_BASIS, *HOW_2024[:5]):
        answer(page, step)
    expect_step(page, Step.METHOD)
    expect(page.get_by_role("group", name="When did you or will you share it?")).to_have_count(0)
    answer(page, Step.METHOD)
    answer(page, Step.FACTS_OPINION)
    answer(page, Step.TRANSPARENCY)
    answer(page, Step.RATIONALE)

    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Shared in an emergency, but the answers lead to not sharing"
    )
    decision = record_and_confirm(page)
    assert decision.emergency
    assert decision.needs_attention
    assert decision.outcome == "do-not-share"
    expect(page.locator("main")).to_contain_text("A manager will look at this record")


# --- Significant harm, and the 2018 question set, with and without JavaScript --------------------


@pytest.mark.parametrize("browser_page", [True, False], indirect=True, ids=["javascript", "no-javascript"])
def test_significant_harm_leads_to_a_referral_in_browser(signed_in_page: Page):
    LocalSettings.objects.update(childrens_social_care_number="01632 960 123")
    page = signed_in_page
    start_decision(page, check_axe=False)
    answer(page, Step.TRIAGE)
    expect_step(page, Step.SIGNIFICANT_HARM)
    radio(page, "Yes").check()
    press_continue(page)

    expect_step(page, Step.REFERRAL)
    expect(page.locator("main")).to_contain_text("01632 960 123")
    radio(page, "Children's social care").check()
    when = page.get_by_role("group", name="When did you tell them?")
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("2")
    when.get_by_label("Year").fill("2026")
    page.get_by_label("What time did you tell them?").fill("09:15")
    press_continue(page)

    answer(page, Step.REQUEST, {"case_reference": "CASE-HARM"})
    expect_step(page, Step.LAWFUL_BASIS)
    expect(page.get_by_text("None of these applies")).to_have_count(0)  # no "do not share" after harm
    expect(page.get_by_text("Referred for significant harm")).to_be_visible()
    for step in (Step.LAWFUL_BASIS, *HOW_2024, Step.TRANSPARENCY, Step.RATIONALE):
        answer(page, step)
    decision = record_and_confirm(page)
    assert decision.outcome == "share"
    assert decision.significant_harm is True
    page.get_by_role("link", name="View the decision record").click()
    expect(page.locator(".app-flow__node--taken").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Referred to children's social care or the police")
    axe_check(page)


def test_the_2018_question_set_in_browser(signed_in_page: Page):
    LocalSettings.objects.update(question_set="2018.2")
    page = signed_in_page
    start_decision(page, check_axe=False)
    for step in (Step.TRIAGE, Step.SIGNIFICANT_HARM, Step.REQUEST, Step.PURPOSE):
        answer(page, step, key="2018.2")
    expect_step(page, Step.CONSENT, key="2018.2")
    radio(page, "No, I have not asked for consent").check()
    radio(page, "Asking would put a child at greater risk").check()
    press_continue(page)
    expect_step(page, Step.IDENTIFIABLE, key="2018.2")
    radio(page, "Yes").check()
    press_continue(page)
    expect_step(page, Step.LAWFUL_REASON, key="2018.2")
    expect(page.locator("main")).to_contain_text("Not having consent is not a reason in itself")
    radio(page, "No").check()
    press_continue(page)
    answer(page, Step.WITHHOLD, key="2018.2")
    answer(page, Step.RATIONALE, key="2018.2")
    decision = record_and_confirm(page)
    assert (decision.flowchart_version, decision.outcome) == ("2018.2", "do-not-share")

    page.get_by_role("link", name="View the decision record").click()
    page.get_by_role("link", name="New information: reconsider").click()
    expect(page.get_by_role("heading", name="New information: reconsider the decision")).to_be_visible()
    axe_check(page)
    page.get_by_label("What new information do you have?").fill("The school now reports bruising.")
    page.get_by_role("button", name="Continue").click()
    expect_step(page, Step.TRIAGE, key="2018.2")


def test_the_golden_rules_page(signed_in_page: Page):
    page = signed_in_page
    page.goto("/decisions/guidance/")
    expect(page.get_by_role("heading", name="The golden rules of sharing information")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Protecting a child comes first")
    axe_check(page)
    page.get_by_role("link", name="2018 advice, as in the partnership guidance").click()
    expect(page.locator("main")).to_contain_text("Data protection law is not a barrier")
