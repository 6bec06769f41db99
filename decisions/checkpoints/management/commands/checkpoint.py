"""Sign a checkpoint of the decision log now and hand it to the witness. Run it on a schedule."""

from django.core.management.base import BaseCommand, CommandError

from decisions.checkpoints.services import SigningKeyMissing, checkpoint_create


class Command(BaseCommand):
    help = "Sign the log's current size, head hash and Merkle root; store it and write it to the witness."

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_create()
        except SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Checkpoint: {checkpoint.size} records, head {checkpoint.chain_hash}, "
            f"root {checkpoint.merkle_root}, key {checkpoint.key_id}"
        )
        if not checkpoint.witnessed:
            raise CommandError("The checkpoint is stored, but the witness did not receive it (see the log)")
