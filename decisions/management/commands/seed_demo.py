"""Create demo users for each role, for trying the service on a development machine."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from decisions.models import LocalSettings, Role, Team

DEMO_USERS = [
    ("practitioner", "Pat", "Practitioner", Role.PRACTITIONER),
    ("manager", "Morgan", "Manager", Role.MANAGER),
    ("auditor", "Alex", "Auditor", Role.AUDITOR),
    ("admin", "Ash", "Administrator", Role.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Create (or reset) demo users for each role and print their password. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are for development only: this refuses to run unless DEBUG is on.")
        password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
        team, _ = Team.objects.get_or_create(name="Demo safeguarding team")
        local = LocalSettings.load()
        if (
            local.childrens_social_care_number
            == LocalSettings._meta.get_field("childrens_social_care_number").default
        ):
            local.childrens_social_care_number = "01632 960000 (demo number)"
            local.out_of_hours_number = "01632 960001 (demo number)"
            local.save()
        User = get_user_model()
        for username, first, last, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=role)[0]])
            if role in (Role.PRACTITIONER, Role.MANAGER):
                team.members.add(user)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo users (development only):"))
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<14} username: {username:<13} password: {password}")
        self.stdout.write("Sign in at http://127.0.0.1:8000/\n")
