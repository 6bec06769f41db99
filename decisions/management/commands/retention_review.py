"""List the decisions due for a retention review; keep or dispose of one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decisions.audit import DisposalRefused, decision_dispose
from decisions.models import Decision, LocalSettings
from decisions.retention import decisions_due_for_review, retention_keep


class Command(BaseCommand):
    help = (
        "List decisions older than the retention period. With --keep or --dispose and --by and "
        "--reason, record a review of one decision."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--keep", metavar="REFERENCE", help="Keep this decision for another interval.")
        action.add_argument("--dispose", metavar="REFERENCE", help="Replace this decision by a tombstone.")
        parser.add_argument("--by", metavar="USERNAME", help="Who decided (required with --keep/--dispose).")
        parser.add_argument("--reason", help="Why (required with --keep/--dispose).")
        parser.add_argument(
            "--legal-reason",
            help="With --dispose, before the retention period ends: the legal reason (it is recorded).",
        )

    def handle(self, *args, **options):
        reference = options["keep"] or options["dispose"]
        if reference:
            if not options["by"] or not options["reason"]:
                raise CommandError("--by and --reason are required")
            user = get_user_model().objects.filter(username=options["by"]).first()
            decision = Decision.objects.filter(reference=reference).first()
            if user is None or decision is None:
                raise CommandError("No such user or decision")
            if options["keep"]:
                retention_keep(decision=decision, reviewer=user, reason=options["reason"])
                self.stdout.write(f"Kept {reference}")
            else:
                try:
                    decision_dispose(
                        decision=decision,
                        actor=user,
                        reason=options["reason"],
                        legal_override=options["legal_reason"],
                    )
                except DisposalRefused as refusal:
                    raise CommandError(str(refusal)) from refusal
                self.stdout.write(f"Disposed of {reference}: its content is now a tombstone")
            return
        local = LocalSettings.load()
        due = decisions_due_for_review()
        self.stdout.write(
            f"Retention period {local.retention_years} years, review interval "
            f"{local.retention_review_interval_years} years: {due.count()} decisions due for review"
        )
        for decision in due.iterator():
            team = decision.team.name if decision.team else "no team"
            self.stdout.write(
                f"{decision.reference}\t{decision.created_at:%Y-%m-%d}\t{decision.case_reference}\t{team}"
            )
