"""Write an inclusion proof for one decision: it, and the hashes that tie it to a signed checkpoint."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.checkpoints.services import ProofUnavailable, inclusion_proof
from decisions.models import Decision


class Command(BaseCommand):
    help = "Prove that one decision is in the log, without showing any other record."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The decision's reference, like D-7KQ3-M9XP.")
        parser.add_argument("--output", help="File to write (default: REFERENCE.proof.json).")

    def handle(self, *args, **options):
        decision = Decision.objects.filter(reference=options["reference"]).first()
        if decision is None:
            raise CommandError(f"No decision {options['reference']}")
        try:
            proof = inclusion_proof(decision=decision)
        except ProofUnavailable as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"] or f"{decision.reference}.proof.json")
        output.write_text(json.dumps(proof, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(
            f"Proof: {output} (record {decision.chain_seq} of {proof['tree_size']}). "
            "Check it with: python3 scripts/verify_proof.py "
            f"{output} --public-key KEY.pub"
        )
