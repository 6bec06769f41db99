"""Template access to the GOV.UK components rendered in Python (decisions/govuk/components.py)."""

from django import template

from decisions.govuk import components

register = template.Library()

register.filter("hidden_inputs", components.hidden_inputs)
register.filter("summary_lists", components.summary_lists)
