"""Create demo users for each role, and a few dozen demo decisions, for trying the service on a
development machine."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from decisions import reviews, services
from decisions.demo import demo_answers
from decisions.models import Decision, LocalSettings, ReviewEvent, Role, Team
from decisions.questions import registry
from decisions.questions.base import Step

# Routes through the default question set, by their routing answers, and how many of each to make.
DEMO_ROUTES = [
    ({Step.ENGAGE: "told"}, 10),
    ({Step.ENGAGE: "not-safe", Step.TRANSPARENCY: "no-risk"}, 5),
    ({Step.PURPOSE: "no"}, 5),
    ({Step.LAWFUL_BASIS: "none"}, 2),
    ({Step.PURPOSE: "not-sure"}, 3),
    ({Step.SIGNIFICANT_HARM: "yes"}, 3),
    ({Step.TRIAGE: "yes", Step.EMERGENCY: "yes", Step.PURPOSE: "no"}, 1),
    ({Step.TRIAGE: "yes", Step.EMERGENCY: "yes"}, 2),
    ({Step.IDENTITIES: "not-protected"}, 1),
]

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
        made = self.demo_decisions(
            User.objects.get(username="practitioner"), User.objects.get(username="manager")
        )
        self.stdout.write("")
        if made:
            self.stdout.write(f"Recorded {made} demo decisions, with a concern, advice and emergencies.")
        self.stdout.write(self.style.SUCCESS("Demo users (development only):"))
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<14} username: {username:<13} password: {password}")
        self.stdout.write("Sign in at http://127.0.0.1:8000/\n")

    def demo_decisions(self, practitioner, manager) -> int:
        """A few dozen decisions across outcomes, once: a manager or auditor signing in sees a working
        service. Recorded through the same service as the wizard, so they join the hash chain."""
        if Decision.objects.filter(author=practitioner).exists():
            return 0
        question_set = registry.get(LocalSettings.load().question_set)
        made = []
        number = 0
        for routing, count in DEMO_ROUTES:
            for _ in range(count):
                number += 1
                overrides = {Step.REQUEST: {"case_reference": f"DEMO-{number:03d}"}}
                answers, form_data, _ = demo_answers(question_set, routing, overrides)
                draft = services.draft_start(author=practitioner, question_set=question_set.key)
                made.append(
                    services.decision_record(
                        author=practitioner, draft_id=draft.pk, answers=answers, form_data=form_data
                    )
                )
        shared = next(d for d in made if d.outcome == "share" and not d.needs_attention)
        reviews.review_record(
            decision=shared,
            reviewer=manager,
            action=ReviewEvent.Action.CONCERN,
            comment="Please say which parts of the record you shared and why that much was needed.",
        )
        waiting = next(d for d in made if d.awaiting_advice)
        reviews.review_record(
            decision=waiting,
            reviewer=manager,
            action=ReviewEvent.Action.ADVICE,
            comment="There is a clear safeguarding purpose: carry on, and share only what the school needs.",
        )
        for decision in made[1:6]:
            reviews.review_record(
                decision=decision, reviewer=manager, action=ReviewEvent.Action.ENDORSE, comment="Agreed."
            )
        return len(made)
