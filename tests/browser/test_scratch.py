from tests.browser.conftest import axe_check

def test_scratch(signed_in_page):
    page = signed_in_page
    page.goto("/decisions/start/")
    axe_check(page)
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/triage/")
    open("/tmp/triage.html","w").write(page.content())
    page.get_by_role("button", name="Continue").click()
    open("/tmp/triage_err.html","w").write(page.content())
    print(page.title(), page.evaluate("document.activeElement.outerHTML"))
