"""Walk the decision log's hash chain and say whether it is intact."""

import time

from django.core.management.base import BaseCommand, CommandError

from decisions.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of decisions, addenda, reviews, disposals and exports."

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = verify_chain()
        seconds = time.perf_counter() - started
        if not result.ok:
            raise CommandError(f"BROKEN at {result.broken} ({result.checked} records verified before it)")
        rate = result.checked / seconds if seconds else 0
        self.stdout.write(
            f"OK: {result.checked} records, head {result.head_seq} {result.head_hash}"
            f" ({result.disposed} disposed of; {rate:,.0f} records/s)"
        )
