"""Fixtures for the pages tests: decisions recorded through the service, as the manager tests do."""

from tests.manager.conftest import people, record_decision, teams  # noqa: F401 (fixtures)
