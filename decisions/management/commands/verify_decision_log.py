"""Walk the decision log's hash chain and say whether it is intact, and matches every checkpoint."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.checkpoints.services import verify_log
from decisions.replica import replica_reads


class Command(BaseCommand):
    help = (
        "Verify the hash chain of decisions, addenda, reviews, disposals and exports, against the "
        "signed checkpoints in the database, those in --checkpoints files (a witness's "
        "checkpoints.jsonl) and the chain heads recorded by exports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="A witness's checkpoints file (JSON lines); may be given more than once.",
        )

    def handle(self, *args, **options):
        files = tuple(Path(name) for name in options["checkpoints"])
        for path in files:
            if not path.is_file():
                raise CommandError(f"No checkpoints file {path}")
        started = time.perf_counter()
        with replica_reads():  # from the replica, if there is one and it is close enough behind
            result = verify_log(witness_files=files)
        seconds = time.perf_counter() - started
        if not result.ok:
            raise CommandError(f"BROKEN at {result.broken} ({result.checked} records verified before it)")
        rate = result.checked / seconds if seconds else 0
        self.stdout.write(
            f"OK: {result.checked} records, head {result.head_seq} {result.head_hash}"
            f" ({result.disposed} disposed of; {result.checkpoints} signed checkpoints hold;"
            f" {rate:,.0f} records/s)"
        )
