"""Pages of a list without counting the whole list: one query with ``LIMIT per_page + 1``.

Counting a million rows for "page 1 of 40,000" costs more than the page itself.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

PER_PAGE = 25
MAX_PAGE = 400  # deep pages use OFFSET; narrow the list with filters instead


@dataclass
class Page:
    """One page of a list, without counting the whole list (``LIMIT per_page + 1``)."""

    items: list
    number: int
    has_next: bool
    query: dict
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def url(self, number: int) -> str:
        return "?" + urlencode({**self.query, "page": number}, doseq=True)

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1)

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1)

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def paginate(queryset, request, per_page: int | None = None) -> Page:
    """The page asked for in ``?page=``; other query parameters (filters) are kept in its links."""
    per_page = per_page or PER_PAGE
    try:
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    items = list(queryset[offset : offset + per_page + 1])
    query = {key: values for key, values in request.GET.lists() if key != "page"}
    return Page(items[:per_page], number, len(items) > per_page, query, per_page)
