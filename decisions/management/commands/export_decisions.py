"""Export the decision log to a file with its manifest, for scheduled or very large exports."""

import datetime
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decisions.exports import Dataset, ExportSpec, FileFormat, export_stream, manifest_json
from decisions.models import ExportEvent
from decisions.replica import replica_reads


def date_arg(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = "Write an export (CSV, JSON Lines or XLSX) and its manifest; the export is logged."

    def add_arguments(self, parser):
        parser.add_argument("output", help="File to write; the manifest goes to OUTPUT.manifest.json")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="The auditor the export is for.")
        parser.add_argument("--dataset", choices=Dataset.values, default=Dataset.DECISIONS)
        parser.add_argument("--format", dest="file_format", choices=FileFormat.values, default=FileFormat.CSV)
        parser.add_argument("--from", dest="period_from", type=date_arg, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", type=date_arg, help="Last day, YYYY-MM-DD")
        parser.add_argument("--team", type=int, help="Team id")
        parser.add_argument("--outcome", default="")
        parser.add_argument("--emergency", action="store_true")
        parser.add_argument("--needs-attention", action="store_true")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No user {options['by']}")
        spec = ExportSpec(
            dataset=options["dataset"],
            file_format=options["file_format"],
            period_from=options["period_from"],
            period_to=options["period_to"],
            team_id=options["team"],
            outcome=options["outcome"],
            emergency=options["emergency"],
            needs_attention=options["needs_attention"],
        )
        token = uuid.uuid4()
        output = Path(options["output"])
        with replica_reads(), output.open("wb") as file:  # the rows from the replica, if there is one
            for chunk in export_stream(spec=spec, user=user, token=token):
                file.write(chunk)
        event = ExportEvent.objects.get(token=token)
        manifest_path = output.with_name(output.name + ".manifest.json")
        manifest_path.write_text(manifest_json(event))
        self.stdout.write(f"Wrote {event.row_count} rows to {output} (sha256 {event.sha256})")
        self.stdout.write(f"Manifest: {manifest_path}")
