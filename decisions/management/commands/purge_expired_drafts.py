from django.core.management.base import BaseCommand

from decisions import services


class Command(BaseCommand):
    help = "Delete unfinished decisions left unchanged for longer than the local settings allow."

    def handle(self, *args, **options):
        deleted = services.drafts_purge_expired()
        self.stdout.write(f"Deleted {deleted} expired draft(s).")
