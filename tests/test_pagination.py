from django.test import RequestFactory

from decisions.models import AccessLog
from decisions.pagination import paginate


def test_pages_are_cut_without_counting_and_keep_the_filters(practitioner, django_assert_num_queries):
    AccessLog.objects.bulk_create(
        AccessLog(user=practitioner, action="view-list", path="/") for _ in range(60)
    )
    request = RequestFactory().get("/", {"page": "3", "outcome": "share"})

    with django_assert_num_queries(1):
        page = paginate(AccessLog.objects.order_by("id"), request, per_page=25)

    assert len(page.items) == 10
    assert not page.has_next and page.has_previous
    assert page.previous_url == "?outcome=share&page=2"
    assert page.first_index == 51


def test_a_page_number_that_is_not_a_number_shows_the_first_page(practitioner):
    request = RequestFactory().get("/", {"page": "x"})

    assert paginate(AccessLog.objects.all(), request).number == 1
