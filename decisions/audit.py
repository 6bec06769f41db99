"""The decision log's hash chain: how a record is hashed, and the verifier that walks the chain.

Every decision, addendum, review event, disposal and export event joins one chain. The database
extends it (trigger ``audit_chain_extend``, migration 0005), so no insert can skip it:

* ``canonical`` is ``to_jsonb(row)`` without the four chain columns and without null fields
  (so a nullable column added later leaves old rows' hashes as they were), as PostgreSQL prints it
  (keys in jsonb order, times in UTC). It is computed by the SQL function ``audit_canonical``
  both when a row is stored and when it is verified, and is included in every export.
* ``content_hash = sha256(canonical)``
* ``chain_hash = sha256(f"{chain_prev}|{chain_seq}|{kind}|{content_hash}")``, where ``chain_prev``
  is the previous record's ``chain_hash`` (64 zeros for the first).

A disposed decision keeps its hashes but not its content: its ``content_hash`` can no longer be
recomputed, and the verifier accepts that only when a (chained) disposal row vouches for it.
"""

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from decisions.models import ChainHead, Decision, Disposal, ExportEvent, Role
from decisions.selectors import user_roles

GENESIS = "0" * 64

KINDS = {
    "decision": "decisions_decision",
    "addendum": "decisions_addendum",
    "review": "decisions_reviewevent",
    "disposal": "decisions_disposal",
    "export": "decisions_exportevent",
}

# The chained tables and the head row (``app_label.model``): what a snapshot of the log reads.
CHAIN_TABLES = (
    "decisions.decision",
    "decisions.addendum",
    "decisions.reviewevent",
    "decisions.disposal",
    "decisions.exportevent",
    "decisions.chainhead",
)

# What a disposal writes over a record's content (must match ``audit_dispose_decision``, migration
# 0008). ``None`` means the column is NULL, so the key is absent from the canonical text.
TOMBSTONES: dict[str, dict] = {
    "decision": {
        "case_reference": "DISPOSED",
        "route": [],
        "answers": {},
        "form_data": {},
        "rationale": "",
        "lawful_basis": "",
        "special_category_condition": "",
        "recipient_organisation": "",
        "shared_on": None,
        "shared_at": None,
        "advice_from": "",
        "referred_at": None,
        "power": None,
        "criminal_offence_condition": None,
    },
    "addendum": {"text": "", "advice_from": ""},
    "review": {"comment": "", "escalation_route": ""},
}

# A record counts as disposed of only when a disposal of its decision comes later in the chain: an
# addendum added after a disposal keeps its content and is checked like any other record.
DISPOSED_SQL = (
    "EXISTS (SELECT 1 FROM decisions_disposal p WHERE p.decision_id = {decision} AND p.chain_seq > {seq})"
)

# Every chained record, in chain order, with what the verifier needs to recompute its hashes.
CHAIN_SQL = f"""
SELECT x.chain_seq, x.chain_prev, x.chain_hash, x.content_hash, x.kind, x.id, x.label, x.canonical,
       x.disposed, x.decision_id
FROM (
    SELECT d.chain_seq, d.chain_prev, d.chain_hash, d.content_hash, 'decision' AS kind, d.id,
           d.reference::text AS label, audit_canonical(d) AS canonical,
           {DISPOSED_SQL.format(decision="d.id", seq="d.chain_seq")} AS disposed, d.id AS decision_id
      FROM decisions_decision d
    UNION ALL
    SELECT a.chain_seq, a.chain_prev, a.chain_hash, a.content_hash, 'addendum', a.id,
           'addendum ' || a.id || ' on ' || d.reference, audit_canonical(a),
           {DISPOSED_SQL.format(decision="a.decision_id", seq="a.chain_seq")}, a.decision_id
      FROM decisions_addendum a JOIN decisions_decision d ON d.id = a.decision_id
    UNION ALL
    SELECT r.chain_seq, r.chain_prev, r.chain_hash, r.content_hash, 'review', r.id,
           'review ' || r.id || ' on ' || d.reference, audit_canonical(r),
           {DISPOSED_SQL.format(decision="r.decision_id", seq="r.chain_seq")}, r.decision_id
      FROM decisions_reviewevent r JOIN decisions_decision d ON d.id = r.decision_id
    UNION ALL
    SELECT s.chain_seq, s.chain_prev, s.chain_hash, s.content_hash, 'disposal', s.id,
           'disposal ' || s.id || ' of ' || d.reference, audit_canonical(s), false, s.decision_id
      FROM decisions_disposal s JOIN decisions_decision d ON d.id = s.decision_id
    UNION ALL
    SELECT e.chain_seq, e.chain_prev, e.chain_hash, e.content_hash, 'export', e.id,
           'export ' || e.id, audit_canonical(e), false, NULL
      FROM decisions_exportevent e
) x
ORDER BY x.chain_seq
"""  # noqa: S608 (built from constants only)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tombstone_problem(kind: str, canonical: str) -> str | None:
    """Why a disposed-of record's content is not exactly the tombstone, or None when it is."""
    content = json.loads(canonical)
    for name, value in TOMBSTONES.get(kind, {}).items():
        if value is None and name in content:
            return f"disposed of, but its {name} is no longer blank"
        if value is not None and content.get(name) != value:
            return f"disposed of, but its {name} is not the tombstone value"
    return None


def tombstone_digest(lines: list[str]) -> str:
    """The disposal's ``tombstone_hash``: SHA-256 of ``seq:sha256(canonical)`` lines, in chain order."""
    return sha256_hex("\n".join(lines))


def link_hash(prev: str, seq: int, kind: str, content_hash: str) -> str:
    """The hash that ties a record to the one before it (same formula as ``audit_link_hash``)."""
    return sha256_hex(f"{prev}|{seq}|{kind}|{content_hash}")


@dataclass
class ChainBreak:
    seq: int
    kind: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"record {self.seq} ({self.kind} {self.label}): {self.reason}"


@dataclass
class VerifyResult:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    disposed: int = 0
    checkpoints: int = 0
    broken: ChainBreak | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


def lift_statement_timeout() -> None:
    """Long reads of the whole log (verifying, exporting, signing) may run past the app's statement
    timeout: lift it until the current transaction ends. Call inside ``transaction.atomic``."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")


def chain_rows(batch_size: int = 5000, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[tuple]:
    """Stream every chained record in order through a server-side cursor (memory stays flat)."""
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
        with connections[using].connection.cursor(name="audit_chain_walk") as cursor:
            cursor.itersize = batch_size
            cursor.execute(CHAIN_SQL)
            yield from cursor


@dataclass(frozen=True)
class Anchor:
    """A hash some outside party saw at a record: a signed checkpoint, or an export's recorded head."""

    seq: int
    chain_hash: str
    what: str


def export_anchors(*, using: str = DEFAULT_DB_ALIAS) -> list[Anchor]:
    """Every export recorded the chain head it was cut at: that record must still have that hash."""
    return [
        Anchor(seq=seq, chain_hash=head_hash, what=f"export {pk}'s recorded chain head")
        for pk, seq, head_hash in ExportEvent.objects.using(using)
        .filter(head_seq__gt=0)
        .values_list("pk", "head_seq", "head_hash")
    ]


@dataclass(frozen=True)
class DisposalRecord:
    seq: int
    decision_chain_seq: int
    decision_content_hash: str
    tombstone_hash: str | None


def verify_chain(*, anchors: Iterable[Anchor] = (), using: str = DEFAULT_DB_ALIAS) -> VerifyResult:
    """Walk the chain from the first record and report the first one that does not add up.

    A record breaks the chain when its sequence number is not the next one (a record is missing),
    when it does not point at the previous record's hash, when its content no longer hashes to
    its content hash (it was changed), or when its own hash does not match. A disposed-of record
    must hold exactly the tombstone values, its disposal must name its content hash, and the
    tombstones together must hash to the disposal's ``tombstone_hash`` (so a later edit of a
    tombstone shows). Finally the head row must point at the last record.

    ``using``: the connection to read (the replica's, inside one snapshot: ``decisions.replica``).

    ``anchors`` are hashes seen from outside (signed checkpoints, exports' recorded heads): the
    record at each must still have that hash, and the log must still reach it. That is what shows
    a rewrite of the whole chain (edit and recompute every hash, or delete the newest records and
    move the head back), which the chain alone cannot.
    """
    disposals = {
        row["decision_id"]: DisposalRecord(
            seq=row["chain_seq"],
            decision_chain_seq=row["decision_chain_seq"],
            decision_content_hash=row["decision_content_hash"],
            tombstone_hash=row["tombstone_hash"],
        )
        for row in Disposal.objects.using(using).values(
            "decision_id", "chain_seq", "decision_chain_seq", "decision_content_hash", "tombstone_hash"
        )
    }
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.seq > 0:
            by_seq.setdefault(anchor.seq, []).append(anchor)
    with contextlib.closing(chain_rows(using=using)) as rows:  # an early return closes the cursor too
        return _walk(rows, disposals, by_seq, using)


def _walk(
    rows: Iterable[tuple], disposals: dict[int, DisposalRecord], anchors: dict[int, list[Anchor]], using: str
) -> VerifyResult:
    result = VerifyResult()
    prev_hash, prev_seq = GENESIS, 0
    tombstones: dict[int, list[str]] = {}
    for seq, chain_prev, chain_hash, content_hash, kind, _pk, label, canonical, disposed, decision_id in rows:

        def broken(reason: str, seq=seq, kind=kind, label=label) -> VerifyResult:
            result.broken = ChainBreak(seq=seq, kind=kind, label=label, reason=reason)
            return result

        if seq != prev_seq + 1:
            return broken(f"expected record {prev_seq + 1} next: records are missing")
        if chain_prev != prev_hash:
            return broken("does not point at the previous record's hash")
        if disposed:
            result.disposed += 1
            disposal = disposals.get(decision_id)
            if disposal is None:
                return broken("content blanked, but no disposal record vouches for it")
            if kind == "decision" and (seq, content_hash) != (
                disposal.decision_chain_seq,
                disposal.decision_content_hash,
            ):
                return broken("content blanked, but the disposal record does not match it")
            if problem := tombstone_problem(kind, canonical):
                return broken(problem)
            tombstones.setdefault(decision_id, []).append(f"{seq}:{sha256_hex(canonical)}")
        elif sha256_hex(canonical) != content_hash:
            return broken("its content has changed since it was recorded")
        if link_hash(chain_prev, seq, kind, content_hash) != chain_hash:
            return broken("its hash does not match its content and place in the chain")
        if kind == "disposal":
            disposal = disposals.get(decision_id)
            made = tombstone_digest(tombstones.get(decision_id, []))
            if disposal and disposal.tombstone_hash is not None and made != disposal.tombstone_hash:
                return broken("a tombstone it made was changed after the disposal")
        for anchor in anchors.get(seq, ()):
            if anchor.chain_hash != chain_hash:
                return broken(
                    f"its hash contradicts {anchor.what}: the log was rewritten at or before this record"
                )
        prev_hash, prev_seq = chain_hash, seq
        result.checked += 1
    result.head_seq, result.head_hash = prev_seq, prev_hash
    beyond = [anchor for seq, found in anchors.items() if seq > prev_seq for anchor in found]
    if beyond:
        anchor = max(beyond, key=lambda anchor: anchor.seq)
        result.broken = ChainBreak(
            seq=anchor.seq,
            kind="checkpoint",
            label="missing records",
            reason=f"the log ends at record {prev_seq}, but {anchor.what} saw {anchor.seq} records:"
            " records were removed",
        )
        return result
    head_seq, head_hash = chain_head(using=using)
    if (head_seq, head_hash) != (prev_seq, prev_hash):
        result.broken = ChainBreak(
            seq=head_seq,
            kind="head",
            label="chain head",
            reason=f"the head says record {head_seq}, but the last record is {prev_seq}",
        )
    return result


def chain_head(*, using: str | None = None) -> tuple[int, str]:
    head = ChainHead.objects.using(using).filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


class DisposalRefused(Exception):
    """A disposal the rules do not allow; the message is fit to show to the user."""


@transaction.atomic
def decision_dispose(
    *, decision: Decision, actor: AbstractBaseUser, reason: str, legal_override: str | None = None
) -> Disposal:
    """Replace a decision's content (and its addenda's and reviews') with a tombstone.

    Only the database function ``audit_dispose_decision`` can do it; it writes a chained
    ``Disposal`` row first, which is what lets the verifier accept the blanked content. The rules
    are checked here for a clear message, and again in the database, which is the last word: the
    actor must be an auditor or administrator, and the decision past its retention period unless
    a legal reason for an early disposal is recorded.
    """
    from decisions.retention import retention_passed  # retention imports this module

    if not reason or not reason.strip():
        raise DisposalRefused("Enter why the decision is being disposed of")
    if not (user_roles(actor) & {Role.AUDITOR, Role.ADMINISTRATOR}) or not actor.is_active:
        raise DisposalRefused("Only an auditor or an administrator can dispose of a decision")
    if Disposal.objects.filter(decision=decision).exists():
        raise DisposalRefused(f"{decision.reference} has already been disposed of")
    if not retention_passed(decision) and not (legal_override or "").strip():
        raise DisposalRefused(
            f"{decision.reference} is still within its retention period: to dispose of it now, "
            "record the legal reason for doing so"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_dispose_decision(%s, %s, %s, %s)", [decision.pk, actor.pk, reason, legal_override]
        )
        (disposal_id,) = cursor.fetchone()
    return Disposal.objects.get(pk=disposal_id)
