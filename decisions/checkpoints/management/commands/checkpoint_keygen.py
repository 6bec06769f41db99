"""Make the Ed25519 key that signs checkpoints and manifests; it stays on the app server."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.checkpoints.services import keypair_write


class Command(BaseCommand):
    help = "Write a new signing key (PEM, owner-only) and its public key (PATH.pub)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the private key; it must not exist yet.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            public_path, key_id = keypair_write(path=path)
        except FileExistsError as error:
            raise CommandError(f"{path} exists: a key is never overwritten") from error
        self.stdout.write(
            f"Private key: {path} (set AUDIT_SIGNING_KEY_FILE={path} on the app servers; keep it out of "
            f"the database and its backups)\nPublic key: {public_path} (give it to auditors and the "
            f"witness)\nKey id: {key_id}"
        )
