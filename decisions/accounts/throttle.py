"""Sign-in throttling per address, on top of django-axes' lock per account.

django-axes locks an account after ``AXES_FAILURE_LIMIT`` failures, from any address. Password
spraying tries a few passwords on many accounts, staying under that limit on each, so failures
are also counted per address: past ``SIGN_IN_ADDRESS_LIMIT`` failures within the cool-off period,
an address may not try again until it is over. The limit is higher than the account's because
many staff can share one office address. The count reads axes' own records of failures.
"""

import datetime

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(request: HttpRequest) -> int:
    address = get_client_ip_address(request)
    if address is None:
        return 0
    cool_off = get_cool_off(request) or datetime.timedelta(minutes=15)
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=timezone.now() - cool_off)
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_throttled(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.SIGN_IN_ADDRESS_LIMIT
