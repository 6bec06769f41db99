"""Signed checkpoints, the witness, and inclusion proofs.

A checkpoint says "the log had N records, record N's chain hash was H, the Merkle root of the N
records was R, at time T", signed with an Ed25519 key that only the app server holds. Copies go
to the database and to a witness outside the DBA's reach. Later, ``verify_decision_log`` checks the
chain against every checkpoint: a DBA who edits a record and recomputes every later hash changes
record N's hash; one who deletes the newest records and moves the head back leaves fewer than N.
Neither can sign a new checkpoint without the key.
"""

import base64
import datetime
import hashlib
import json
import logging
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from decisions import replica
from decisions.audit import (
    CHAIN_TABLES,
    Anchor,
    ChainBreak,
    VerifyResult,
    chain_head,
    export_anchors,
    lift_statement_timeout,
    verify_chain,
)
from decisions.checkpoints import merkle
from decisions.checkpoints.models import Checkpoint

logger = logging.getLogger(__name__)

STATEMENT_TITLE = "sharing-wizard decision log checkpoint v1"
WITNESS_FILE = "checkpoints.jsonl"

LEAVES_SQL = """
SELECT chain_seq, kind, content_hash FROM (
    SELECT chain_seq, 'decision' AS kind, content_hash FROM decisions_decision WHERE chain_seq <= %(size)s
    UNION ALL SELECT chain_seq, 'addendum', content_hash FROM decisions_addendum WHERE chain_seq <= %(size)s
    UNION ALL SELECT chain_seq, 'review', content_hash FROM decisions_reviewevent WHERE chain_seq <= %(size)s
    UNION ALL SELECT chain_seq, 'disposal', content_hash FROM decisions_disposal WHERE chain_seq <= %(size)s
    UNION ALL SELECT chain_seq, 'export', content_hash FROM decisions_exportevent WHERE chain_seq <= %(size)s
) x ORDER BY chain_seq
"""


class SigningKeyMissing(Exception):
    """No signing key is configured on this server."""


# Keys ---------------------------------------------------------------------------------------


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the public key's 32 bytes (as tlog_ed25519.key_id)."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


@lru_cache(maxsize=4)
def _load_private(path: str, text: str) -> Ed25519PrivateKey | None:
    pem = Path(path).read_bytes() if path else text.encode() if text else None
    if pem is None:
        return None
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 key")
    return key


def signing_key() -> Ed25519PrivateKey | None:
    return _load_private(settings.AUDIT_SIGNING_KEY_FILE, settings.AUDIT_SIGNING_KEY)


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The keys whose signatures count: this server's, and retired ones named in the settings."""
    keys = {}
    private = signing_key()
    if private is not None:
        keys[key_id(private.public_key())] = private.public_key()
    for path in settings.AUDIT_PREVIOUS_PUBLIC_KEYS:
        public = serialization.load_pem_public_key(Path(path).read_bytes())
        if isinstance(public, Ed25519PublicKey):
            keys[key_id(public)] = public
    return keys


def keypair_write(*, path: Path) -> tuple[Path, str]:
    """Write a new private key (PEM, readable by its owner only) and PATH.pub; return that and the id."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    public_path = path.with_name(path.name + ".pub")
    public_path.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public_path, key_id(private.public_key())


# Statements and signatures -------------------------------------------------------------------


def statement(
    *, origin: str, size: int, chain_hash: str, merkle_root: str, signed_at: datetime.datetime
) -> str:
    """The exact text a checkpoint's signature covers (also parsed by scripts/verify_proof.py)."""
    when = signed_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    lines = [
        STATEMENT_TITLE,
        f"origin {origin}",
        f"size {size}",
        f"chain {chain_hash}",
        f"root {merkle_root}",
    ]
    return "\n".join([*lines, f"time {when}"]) + "\n"


def checkpoint_statement(checkpoint: Checkpoint) -> str:
    return statement(
        origin=checkpoint.origin,
        size=checkpoint.size,
        chain_hash=checkpoint.chain_hash,
        merkle_root=checkpoint.merkle_root,
        signed_at=checkpoint.signed_at,
    )


def witness_record(checkpoint: Checkpoint) -> dict:
    """A checkpoint as the witness keeps it: everything needed to check it, nothing personal."""
    return {
        "statement": checkpoint_statement(checkpoint),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


@dataclass(frozen=True)
class SignedCheckpoint:
    size: int
    chain_hash: str
    merkle_root: str
    time: str
    key_id: str
    source: str

    def __str__(self) -> str:
        return f"the checkpoint of {self.time} ({self.source}: {self.size} records, key {self.key_id})"


def parse_statement(text: str) -> dict[str, str]:
    lines = text.rstrip("\n").split("\n")
    if not lines or lines[0] != STATEMENT_TITLE:
        raise ValueError("not a checkpoint statement")
    fields = dict(line.split(" ", 1) for line in lines[1:])
    return fields


def check_signed(record: dict, *, source: str, keys: dict[str, Ed25519PublicKey]) -> SignedCheckpoint:
    """A witness record whose signature holds, parsed; ValueError saying why not."""
    public = keys.get(record.get("key_id", ""))
    if public is None:
        raise ValueError(f"signed by key {record.get('key_id')!r}, which is not a trusted key")
    try:
        public.verify(base64.b64decode(record["signature"]), record["statement"].encode())
    except (InvalidSignature, ValueError) as error:
        raise ValueError("its signature does not match its statement") from error
    fields = parse_statement(record["statement"])
    return SignedCheckpoint(
        size=int(fields["size"]),
        chain_hash=fields["chain"],
        merkle_root=fields["root"],
        time=fields["time"],
        key_id=record["key_id"],
        source=source,
    )


# Making checkpoints --------------------------------------------------------------------------


def leaf_hashes(size: int) -> Iterator[bytes]:
    """The Merkle leaf hashes of records 1..size, streamed through a server-side cursor."""
    with transaction.atomic():
        lift_statement_timeout()
        with connection.connection.cursor(name="checkpoint_leaves") as cursor:
            cursor.itersize = 10000
            cursor.execute(LEAVES_SQL, {"size": size})
            for seq, kind, content_hash in cursor:
                yield merkle.leaf_hash(merkle.leaf_data(seq, kind, content_hash))


def witness_write(record: dict) -> None:
    """Hand a checkpoint to the witness: a folder (append a line) or an http(s) endpoint (POST)."""
    target = settings.AUDIT_WITNESS
    if not target:
        raise OSError("no witness is configured (AUDIT_WITNESS)")
    line = json.dumps(record, sort_keys=True)
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            target, data=line.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"the witness answered {response.status}")
        return
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / WITNESS_FILE).open("a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())


def checkpoint_create(*, reason: str = Checkpoint.Reason.SCHEDULED) -> Checkpoint:
    """Sign the log as it is now, store the checkpoint and give it to the witness.

    Raises ``SigningKeyMissing`` when no key is configured. A witness that cannot be reached does
    not stop the checkpoint: it is stored with ``witnessed`` false and the failure is logged (the
    scheduled command then fails loudly, so the operator hears of it).
    """
    key = signing_key()
    if key is None:
        raise SigningKeyMissing("no signing key: set AUDIT_SIGNING_KEY_FILE (manage.py checkpoint_keygen)")
    with transaction.atomic():  # on the primary: a checkpoint signs the log as it is now
        size, chain_hash = chain_head(using=DEFAULT_DB_ALIAS)
        root = merkle.root(leaf_hashes(size)).hex()
    signed_at = timezone.now()
    origin = settings.AUDIT_LOG_ORIGIN
    text = statement(origin=origin, size=size, chain_hash=chain_hash, merkle_root=root, signed_at=signed_at)
    checkpoint = Checkpoint(
        size=size,
        chain_hash=chain_hash,
        merkle_root=root,
        signed_at=signed_at,
        origin=origin,
        key_id=key_id(key.public_key()),
        signature=base64.b64encode(key.sign(text.encode())).decode(),
        reason=reason,
    )
    try:
        witness_write(witness_record(checkpoint))
        checkpoint.witnessed = True
    except OSError as error:
        logger.error("The checkpoint at record %s was not witnessed: %s", size, error)
    checkpoint.save()
    return checkpoint


def checkpoint_after_export() -> Checkpoint | None:
    """Every export leaves a checkpoint behind, when the server has a key."""
    try:
        return checkpoint_create(reason=Checkpoint.Reason.EXPORT)
    except SigningKeyMissing:
        return None


# Checking the chain against checkpoints --------------------------------------------------------


def read_witness_file(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def anchors_from(records: list[tuple[dict, str]]) -> tuple[list[Anchor], list[str]]:
    """Turn signed checkpoints into anchors for the verifier; problems for the unsigned or forged."""
    keys = trusted_public_keys()
    anchors, problems = [], []
    for record, source in records:
        try:
            signed = check_signed(record, source=source, keys=keys)
        except (ValueError, KeyError) as error:
            problems.append(f"a checkpoint from {source} is not valid: {error}")
            continue
        anchors.append(Anchor(seq=signed.size, chain_hash=signed.chain_hash, what=str(signed)))
    return anchors, problems


def stored_checkpoints(*, using: str | None = None) -> list[tuple[dict, str]]:
    checkpoints = Checkpoint.objects.using(using).order_by("id")
    return [(witness_record(checkpoint), "the database") for checkpoint in checkpoints]


# Inclusion proofs ------------------------------------------------------------------------------


class ProofUnavailable(Exception):
    """No proof can be given; the message says why."""


def inclusion_proof(*, decision) -> dict:
    """One decision, with the path that ties it to a signed checkpoint's Merkle root.

    Uses the newest checkpoint that covers the decision, making one if none does. Holds no other
    record's content: only the sibling hashes. ``scripts/verify_proof.py`` checks it offline.
    """
    checkpoint = Checkpoint.objects.filter(size__gte=decision.chain_seq).order_by("-size", "-id").first()
    if checkpoint is None:
        try:
            checkpoint = checkpoint_create(reason=Checkpoint.Reason.PROOF)
        except SigningKeyMissing as error:
            raise ProofUnavailable(str(error)) from error
    root, path = merkle.root_and_path(list(leaf_hashes(checkpoint.size)), decision.chain_seq - 1)
    if root.hex() != checkpoint.merkle_root:
        raise ProofUnavailable(
            f"the log no longer matches the checkpoint at record {checkpoint.size}: run verify_decision_log"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_canonical(d) FROM decisions_decision d WHERE d.id = %s", [decision.pk])
        (canonical,) = cursor.fetchone()
    return {
        "proof_version": 1,
        "record": {
            "reference": decision.reference,
            "chain_seq": decision.chain_seq,
            "chain_kind": "decision",
            "canonical": canonical,
        },
        "leaf": "sha256(0x00 || utf8(chain_seq|chain_kind|sha256(utf8(canonical)))), RFC 9162 leaf",
        "leaf_index": decision.chain_seq - 1,
        "tree_size": checkpoint.size,
        "inclusion_path": [node.hex() for node in path],
        "checkpoint": witness_record(checkpoint),
    }


def verify_log(*, witness_files: tuple[Path, ...] = ()) -> VerifyResult:
    """Verify the chain against every signed checkpoint (stored, and the witness's copies given)
    and every export's recorded head. A checkpoint whose signature fails is itself a break: someone
    wrote it without the key.

    The chain, the stored checkpoints and the exports' heads are read in one snapshot, on the
    replica when the caller allows it (``decisions.replica``): read apart, a checkpoint newer than
    the chain read would look like records removed.
    """
    witnessed = [(record, str(path)) for path in witness_files for record in read_witness_file(path)]

    def verify(using: str) -> tuple[VerifyResult, list[Anchor], list[str]]:
        anchors, problems = anchors_from([*stored_checkpoints(using=using), *witnessed])
        return verify_chain(anchors=[*anchors, *export_anchors(using=using)], using=using), anchors, problems

    result, anchors, problems = replica.consistent_read(verify, *CHAIN_TABLES, "checkpoints.checkpoint")
    result.checkpoints = len(anchors)
    if result.ok and problems:
        result.broken = ChainBreak(seq=0, kind="checkpoint", label="signatures", reason="; ".join(problems))
    return result
