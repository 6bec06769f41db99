"""The question pages' GOV.UK fields (decisions/govuk/components.py), as a browser and a screen
reader meet them: one h1 a page, every input labelled, every description and reveal pointing at
something on the page, and what was typed kept (and escaped) when an answer is refused."""

from html.parser import HTMLParser

import pytest

from decisions.questions import pages
from decisions.questions.base import Step
from tests.paths import SETS
from tests.test_wizard import use_question_set, wizard_url
from tests.wizard import MANAGEMENT_FIELD, current_step, start_draft, step_data


class Page(HTMLParser):
    """The start tags of a page's <main>, and the text of its h1s."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.h1s: list[str] = []
        self._in_main = self._in_h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "main":
            self._in_main = True
        if not self._in_main:
            return
        self.tags.append((tag, attrs))
        if tag == "h1":
            self._in_h1 = True
            self.h1s.append("")

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1s[-1] += data

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.tags if "id" in attrs]

    def inputs(self) -> list[dict]:
        return [
            attrs
            for tag, attrs in self.tags
            if tag in ("input", "textarea", "select") and attrs.get("type") != "hidden"
        ]


def assert_well_formed(html: str, where: str) -> None:
    page = Page(html)
    ids = page.ids()
    labelled = {attrs["for"] for tag, attrs in page.tags if tag == "label" and "for" in attrs}
    assert len(page.h1s) == 1, f"{where}: h1s {page.h1s}"
    assert len(ids) == len(set(ids)), f"{where}: repeated ids {sorted(i for i in ids if ids.count(i) > 1)}"
    for attrs in page.inputs():
        assert attrs.get("id") in labelled, f"{where}: input without a label {attrs}"
    for _, attrs in page.tags:
        for name in ("aria-describedby", "data-aria-controls"):
            for target in attrs.get(name, "").split():
                assert target in ids, f"{where}: {name} points at no element: {target}"


def covering_routes(paths) -> list[tuple[dict, dict]]:
    """Few routes that between them show every page of a question set (from tests/paths.py)."""
    chosen, seen = [], set()
    remaining = list(paths)
    while remaining:
        best = max(remaining, key=lambda path: len(set(path[2]) - seen))
        if not set(best[2]) - seen:
            break
        chosen.append((best[1], best[6]))
        seen |= set(best[2])
        remaining.remove(best)
    return chosen


@pytest.mark.parametrize("key", list(SETS))
def test_every_question_page_has_one_heading_labelled_inputs_and_working_references(practitioner_client, key):
    use_question_set(key)
    checked = set()
    for routing, extra in covering_routes(SETS[key]):
        routing = {"triage": "no", **routing}
        url = start_draft(practitioner_client)
        while True:
            step = current_step(url)
            if step not in checked and step != Step.CHECK:
                checked.add(step)
                assert_well_formed(practitioner_client.get(url).content.decode(), f"{key} {step}")
                refused = practitioner_client.post(url, {MANAGEMENT_FIELD: step})
                if refused.status_code == 200:  # (a page of optional fields goes on instead)
                    assert_well_formed(refused.content.decode(), f"{key} {step}, nothing answered")
            overrides = {**extra.get(step, {}), **({"answer": routing[step]} if step in routing else {})}
            response = practitioner_client.post(url, step_data(step, overrides))
            assert response.status_code == 302, (step, response.content[:2000])
            url = response["Location"]
            if step == Step.CHECK:
                break
    assert len(checked) >= 15


def request_page(practitioner_client) -> str:
    url = start_draft(practitioner_client)
    url = practitioner_client.post(url, step_data(Step.TRIAGE))["Location"]
    url = practitioner_client.post(url, step_data(Step.SIGNIFICANT_HARM))["Location"]
    assert current_step(url) == Step.REQUEST
    return url


def test_a_refused_answer_keeps_what_was_typed_escaped(practitioner_client):
    url = request_page(practitioner_client)
    typed = 'Dr <b>Smith</b> & "partners"'

    page = practitioner_client.post(
        url,
        step_data(
            Step.REQUEST,
            {"case_reference": "", "requested_by": typed, "request_details": typed, "requested_on_0": "12"},
        ),
    ).content.decode()

    escaped = "Dr &lt;b&gt;Smith&lt;/b&gt; &amp; &quot;partners&quot;"
    assert "<b>Smith" not in page
    assert f'value="{escaped}"' in page  # the text input
    assert f">\n{escaped}</textarea>" in page  # the textarea
    assert 'value="12"' in page  # the day of a date left unfinished
    assert "Enter a case reference" in page


def test_a_date_error_in_one_part_marks_only_that_part(practitioner_client):
    url = request_page(practitioner_client)

    page = Page(
        practitioner_client.post(
            url,
            step_data(Step.REQUEST, {"requested_on_0": "3", "requested_on_1": "", "requested_on_2": "2026"}),
        ).content.decode()
    )

    marked = {attrs["id"] for attrs in page.inputs() if "govuk-input--error" in attrs.get("class", "")}
    assert marked == {"id_request-requested_on_1"}


def test_a_date_left_empty_marks_all_three_parts(practitioner_client):
    url = request_page(practitioner_client)
    blank = {"requested_on_0": "", "requested_on_1": "", "requested_on_2": ""}

    page = Page(practitioner_client.post(url, step_data(Step.REQUEST, blank)).content.decode())

    marked = {attrs["id"] for attrs in page.inputs() if "govuk-input--error" in attrs.get("class", "")}
    assert marked == {f"id_request-requested_on_{n}" for n in range(3)}
    assert all(attrs.get("aria-invalid") == "true" for attrs in page.inputs() if attrs["id"] in marked)


def test_a_chosen_answer_stays_chosen_and_its_follow_up_is_revealed_under_it(practitioner_client):
    url = request_page(practitioner_client)
    url = practitioner_client.post(url, step_data(Step.REQUEST))["Location"]
    assert current_step(url) == Step.PURPOSE

    html = practitioner_client.post(
        url, {MANAGEMENT_FIELD: Step.PURPOSE, "purpose-answer": "yes"}
    ).content.decode()
    page = Page(html)

    radios = {attrs["value"]: attrs for tag, attrs in page.tags if attrs.get("name") == "purpose-answer"}
    assert "checked" in radios["yes"] and "checked" not in radios["no"]
    reveal = radios["yes"]["data-aria-controls"]
    # The follow-up sits in the reveal under "Yes", before the next choice.
    assert html.index(f'id="{reveal}"') < html.index('name="purpose-purpose"') < html.index('value="no"')
    assert "Select the purpose" in html
    assert wizard_url(url, Step.PURPOSE) == url


def test_narrowing_one_pages_choices_leaves_every_other_copy_of_the_page_alone():
    first, second = pages.PurposeForm(prefix=Step.PURPOSE), pages.PurposeForm(prefix=Step.PURPOSE)

    first.narrow("answer", {"no"})
    first.fields["purpose"].choices.clear()

    assert [value for value, _ in first.fields["answer"].choices] == ["no"]
    assert [value for value, _ in second.fields["answer"].choices] == ["yes", "no", "not-sure"]
    assert len(second.fields["purpose"].choices) == 4
    assert len(pages.PurposeForm.base_fields["purpose"].choices) == 4
