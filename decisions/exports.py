"""Exports of the decision log: streamed, self-verifying, safe to open in a spreadsheet.

CSV and JSON Lines come straight from PostgreSQL's ``COPY ... TO STDOUT`` through psycopg's copy
API, chunk by chunk, so memory stays flat however many rows there are. XLSX is written row by row
(openpyxl's write-only mode) into a temporary file, a new sheet every ``XLSX_SHEET_ROWS`` rows.

Every chained row carries its sequence number, the previous hash, its hash, its content hash and
its canonical content, so ``scripts/verify_export.py`` can recompute them offline. Rows are cut at
the chain head read when the export starts, so an export is a snapshot of one moment of the chain.
When the file has been sent, an ``ExportEvent`` (itself chained) records who, what, how many rows
and the file's SHA-256; the manifest is built from that event.

Text cells that a spreadsheet would read as a formula (starting ``= + - @``, tab or carriage
return) get a leading apostrophe in CSV and XLSX, by the SQL function ``audit_cell``; so do cells
that already start with an apostrophe, so that the guard can always be undone exactly (one leading
apostrophe removed) and any text a practitioner typed verifies.

A disposed-of record carries its vouching disposal record (``disposal_record``: that record's
chain columns and canonical text), so an offline checker accepts a tombstone only where a disposal
in the same file vouches for it.

XLSX cannot hold most control characters, and a carriage return comes back as a line feed: those
characters are written as their visible Unicode "control pictures" (U+2400 to U+241F), and the
manifest says so. CSV and JSON Lines keep every character exactly.
"""

import base64
import contextlib
import datetime
import hashlib
import json
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, models, transaction
from psycopg import sql

from decisions import replica
from decisions.audit import CHAIN_TABLES, DISPOSED_SQL, chain_head
from decisions.checkpoints.models import Checkpoint
from decisions.checkpoints.services import checkpoint_after_export, key_id, signing_key, witness_record
from decisions.models import ExportEvent
from decisions.questions import law, registry
from decisions.questions.base import Outcome

XLSX_SHEET_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, one of them the header
COPY_CHUNK = 64 * 1024
LOCAL_TIME_ZONE = "Europe/London"


class Dataset(models.TextChoices):
    DECISIONS = "decisions", "Decisions"
    CHAIN = "chain", "Full log: decisions, addenda, reviews, disposals and exports"
    ACCESS_LOG = "access-log", "Access log: who viewed what"
    EXPORT_LOG = "export-log", "Export log: every export made"


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON Lines"
    XLSX = "xlsx", "Excel (XLSX)"


CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.JSONL: "application/jsonl; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportSpec:
    """What the auditor asked for. Filters other than the period apply to decisions only."""

    dataset: str = Dataset.DECISIONS
    file_format: str = FileFormat.CSV
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    team_id: int | None = None
    outcome: str = ""
    emergency: bool = False
    needs_attention: bool = False

    def filters(self) -> dict:
        chosen = {
            "team_id": self.team_id,
            "outcome": self.outcome,
            "emergency": self.emergency,
            "needs_attention": self.needs_attention,
        }
        return {key: value for key, value in chosen.items() if value}


def user_table() -> sql.Identifier:
    return sql.Identifier(get_user_model()._meta.db_table)


# The disposal that vouches for a tombstoned record: its own chain columns and canonical text.
DISPOSAL_RECORD_SQL = (
    "(SELECT json_build_object('chain_seq', p.chain_seq, 'chain_prev', p.chain_prev, 'chain_hash',"
    " p.chain_hash, 'content_hash', p.content_hash, 'canonical', audit_canonical(p))::text"
    " FROM decisions_disposal p WHERE p.decision_id = {decision} AND p.chain_seq > {seq})"
)

UTC_TEXT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


# (column name, SQL expression, is free text that a spreadsheet might run as a formula)
def label_sql(column: str, labels: dict[str, str]) -> str:
    """A CASE expression giving the name of a stored code (codes for machines, names for people)."""
    quoted = " ".join(
        f"WHEN '{code}' THEN '{name.replace(chr(39), chr(39) * 2)}'" for code, name in labels.items()
    )
    return f"CASE {column} {quoted} ELSE {column} END"


SET_TITLES = {key: question_set.title for key, question_set in registry.SETS.items()}

DECISION_COLUMNS = [
    ("chain_seq", "d.chain_seq", False),
    ("chain_prev", "d.chain_prev", False),
    ("chain_hash", "d.chain_hash", False),
    ("content_hash", "d.content_hash", False),
    ("chain_kind", "'decision'", False),
    ("disposed", DISPOSED_SQL.format(decision="d.id", seq="d.chain_seq"), False),
    ("reference", "d.reference", True),
    ("case_reference", "d.case_reference", True),
    ("recorded_at", UTC_TEXT.format("d.created_at"), False),
    ("author", "u.username", True),
    ("team", "t.name", True),
    ("outcome", "d.outcome", True),
    ("outcome_label", label_sql("d.outcome", dict(Outcome.choices)), False),
    ("emergency", "d.emergency", False),
    ("needs_attention", "d.needs_attention", False),
    ("attention", "d.attention::text", False),
    ("significant_harm", "d.significant_harm", False),
    ("referred_at", UTC_TEXT.format("d.referred_at"), False),
    ("flowchart_version", "d.flowchart_version", True),
    ("question_set", label_sql("d.flowchart_version", SET_TITLES), False),
    ("organisation_type", "d.organisation_type", False),
    ("continues", "c.reference", True),
    ("lawful_basis", "d.lawful_basis", True),
    ("lawful_basis_label", label_sql("d.lawful_basis", law.LABELS), False),
    ("power", "d.power", False),
    ("power_label", label_sql("d.power", law.LABELS), False),
    ("special_category_condition", "d.special_category_condition", True),
    ("special_category_label", label_sql("d.special_category_condition", law.LABELS), False),
    ("criminal_offence_condition", "d.criminal_offence_condition", False),
    ("criminal_offence_label", label_sql("d.criminal_offence_condition", law.LABELS), False),
    ("recipient_organisation", "d.recipient_organisation", True),
    ("shared_on", "d.shared_on::text", False),
    ("shared_at", UTC_TEXT.format("d.shared_at"), False),
    ("advice_from", "d.advice_from", True),
    ("rationale", "d.rationale", True),
    ("canonical", "audit_canonical(d)", False),
    ("disposal_record", DISPOSAL_RECORD_SQL.format(decision="d.id", seq="d.chain_seq"), False),
]

CHAIN_COLUMNS = [
    ("chain_seq", "x.chain_seq", False),
    ("chain_prev", "x.chain_prev", False),
    ("chain_hash", "x.chain_hash", False),
    ("content_hash", "x.content_hash", False),
    ("chain_kind", "x.kind", False),
    ("disposed", "x.disposed", False),
    ("recorded_at", UTC_TEXT.format("x.created_at"), False),
    ("decision", "x.decision", True),
    ("canonical", "x.canonical", False),
    ("disposal_record", "x.disposal_record", False),
]

ACCESS_COLUMNS = [
    ("id", "l.id", False),
    ("recorded_at", UTC_TEXT.format("l.created_at"), False),
    ("user", "u.username", True),
    ("action", "l.action", True),
    ("decision", "d.reference", True),
    ("target", "l.target", True),
    ("path", "l.path", True),
]

EXPORT_COLUMNS = [
    ("chain_seq", "e.chain_seq", False),
    ("chain_prev", "e.chain_prev", False),
    ("chain_hash", "e.chain_hash", False),
    ("content_hash", "e.content_hash", False),
    ("chain_kind", "'export'", False),
    ("disposed", "false", False),
    ("recorded_at", UTC_TEXT.format("e.created_at"), False),
    ("user", "u.username", True),
    ("dataset", "e.dataset", True),
    ("file_format", "e.file_format", True),
    ("period_from", "e.period_from::text", False),
    ("period_to", "e.period_to::text", False),
    ("filters", "e.filters::text", True),
    ("row_count", "e.row_count", False),
    ("sha256", "e.sha256", False),
    ("export_head_seq", "e.head_seq", False),
    ("export_head_hash", "e.head_hash", False),
    ("canonical", "audit_canonical(e)", False),
]


def _chain_branch(alias: str, kind: str, table: str, decision: str | None, reference: str) -> str:
    """One kind of chained record, with the columns the chain export needs."""
    if decision is None:
        disposed, record = "false", "NULL::text"
    else:
        disposed = DISPOSED_SQL.format(decision=decision, seq=f"{alias}.chain_seq")
        record = DISPOSAL_RECORD_SQL.format(decision=decision, seq=f"{alias}.chain_seq")
    if kind == "disposal":
        disposed, record = "false", "NULL::text"
    join = f" LEFT JOIN decisions_decision d ON d.id = {decision}" if decision and alias != "d" else ""
    columns = (
        f"{alias}.chain_seq, {alias}.chain_prev, {alias}.chain_hash, {alias}.content_hash,"
        f" '{kind}' AS kind, {alias}.created_at, {reference} AS decision,"
        f" audit_canonical({alias}) AS canonical, {disposed} AS disposed, {record} AS disposal_record"
    )
    return f"SELECT {columns} FROM {table} {alias}{join}"  # noqa: S608 (constants only)


CHAIN_UNION = (
    "("
    + " UNION ALL ".join(
        [
            _chain_branch("d", "decision", "decisions_decision", "d.id", "d.reference"),
            _chain_branch("a", "addendum", "decisions_addendum", "a.decision_id", "d.reference"),
            _chain_branch("r", "review", "decisions_reviewevent", "r.decision_id", "d.reference"),
            _chain_branch("s", "disposal", "decisions_disposal", "s.decision_id", "d.reference"),
            _chain_branch("e", "export", "decisions_exportevent", None, "NULL::varchar"),
        ]
    )
    + ") x"
)


def columns_for(dataset: str) -> list[tuple[str, str, bool]]:
    return {
        Dataset.DECISIONS: DECISION_COLUMNS,
        Dataset.CHAIN: CHAIN_COLUMNS,
        Dataset.ACCESS_LOG: ACCESS_COLUMNS,
        Dataset.EXPORT_LOG: EXPORT_COLUMNS,
    }[dataset]


def column_names(dataset: str) -> list[str]:
    return [name for name, _expr, _text in columns_for(dataset)]


def period_conditions(column: str, spec: ExportSpec) -> list[sql.Composable]:
    """The period is in local dates, both ends included."""
    conditions: list[sql.Composable] = []
    zone = sql.Literal(LOCAL_TIME_ZONE)
    if spec.period_from:
        conditions.append(
            sql.SQL("{} >= ({}::date)::timestamp AT TIME ZONE {}").format(
                sql.SQL(column), sql.Literal(spec.period_from), zone
            )
        )
    if spec.period_to:
        conditions.append(
            sql.SQL("{} < ({}::date + 1)::timestamp AT TIME ZONE {}").format(
                sql.SQL(column), sql.Literal(spec.period_to), zone
            )
        )
    return conditions


def select_sql(spec: ExportSpec, head_seq: int, *, neutralise: bool) -> sql.Composed:
    """The SELECT behind an export: its rows in chain order, cut at the chain head."""
    selected = []
    for name, expression, is_text in columns_for(spec.dataset):
        expr = sql.SQL(expression)
        if neutralise and is_text:
            expr = sql.SQL("audit_cell({})").format(expr)
        selected.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(name)))
    head = sql.Literal(head_seq)
    if spec.dataset == Dataset.DECISIONS:
        source = sql.SQL(
            "decisions_decision d LEFT JOIN {} u ON u.id = d.author_id "
            "LEFT JOIN decisions_team t ON t.id = d.team_id "
            "LEFT JOIN decisions_decision c ON c.id = d.continues_id"
        ).format(user_table())
        conditions = [sql.SQL("d.chain_seq <= {}").format(head), *period_conditions("d.created_at", spec)]
        if spec.team_id:
            conditions.append(sql.SQL("d.team_id = {}").format(sql.Literal(spec.team_id)))
        if spec.outcome:
            conditions.append(sql.SQL("d.outcome = {}").format(sql.Literal(spec.outcome)))
        if spec.emergency:
            conditions.append(sql.SQL("d.emergency"))
        if spec.needs_attention:
            conditions.append(sql.SQL("d.needs_attention"))
        order = sql.SQL("d.chain_seq")
    elif spec.dataset == Dataset.CHAIN:
        source = sql.SQL(CHAIN_UNION)
        conditions = [sql.SQL("x.chain_seq <= {}").format(head), *period_conditions("x.created_at", spec)]
        order = sql.SQL("x.chain_seq")
    elif spec.dataset == Dataset.ACCESS_LOG:
        source = sql.SQL(
            "decisions_accesslog l LEFT JOIN {} u ON u.id = l.user_id "
            "LEFT JOIN decisions_decision d ON d.id = l.decision_id"
        ).format(user_table())
        conditions = period_conditions("l.created_at", spec)
        order = sql.SQL("l.id")
    else:
        source = sql.SQL("decisions_exportevent e LEFT JOIN {} u ON u.id = e.user_id").format(user_table())
        conditions = [sql.SQL("e.chain_seq <= {}").format(head), *period_conditions("e.created_at", spec)]
        order = sql.SQL("e.chain_seq")
    where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
    return sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY {}").format(
        sql.SQL(", ").join(selected), source, where, order
    )


def copy_sql(spec: ExportSpec, head_seq: int) -> sql.Composed:
    if spec.file_format == FileFormat.CSV:
        return sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER true)").format(
            select_sql(spec, head_seq, neutralise=True)
        )
    # JSON Lines: one JSON object a row. CSV format with a quote and delimiter that JSON text never
    # holds unescaped, so PostgreSQL writes each object out exactly, one a line.
    return sql.SQL(
        "COPY (SELECT row_to_json(r)::text FROM ({}) r) TO STDOUT "
        "(FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e')"
    ).format(select_sql(spec, head_seq, neutralise=False))


def _copy_chunks(spec: ExportSpec, head_seq: int, counter: list[int], using: str) -> Iterator[bytes]:
    """The rows through COPY, inside the caller's snapshot (``replica.read_snapshot``)."""
    with connections[using].connection.cursor() as cursor:
        with cursor.copy(copy_sql(spec, head_seq)) as copy:
            for chunk in copy:
                yield bytes(chunk)
        counter[0] = cursor.rowcount


XLSX_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f]")  # tab and line feed survive XLSX; nothing else does
XLSX_TEXT_NOTE = (
    "Control characters other than tab and line feed (carriage return included) are written as their "
    "Unicode control pictures, U+2400 to U+241F (a carriage return shows as \u240d). CSV and JSON Lines "
    "keep every character exactly: export one of them to check the rows."
)


def _xlsx_cell(value):
    """A value as a spreadsheet can hold it: control characters visible, never silently replaced."""
    if isinstance(value, str):
        return XLSX_CONTROL_RE.sub(lambda match: chr(0x2400 + ord(match.group())), value)
    return value


def _xlsx_chunks(
    spec: ExportSpec, head_seq: int, counter: list[int], using: str, sheet_rows: int | None = None
) -> Iterator[bytes]:
    from openpyxl import Workbook

    sheet_rows = sheet_rows or XLSX_SHEET_ROWS
    names = column_names(spec.dataset)
    workbook = Workbook(write_only=True)
    sheet = None
    rows = 0
    with connections[using].connection.cursor(name=f"xlsx_{uuid.uuid4().hex}") as cursor:
        cursor.itersize = 2000
        cursor.execute(select_sql(spec, head_seq, neutralise=True))
        for row in cursor:
            if rows % sheet_rows == 0:
                sheet = workbook.create_sheet(f"{spec.dataset} {rows // sheet_rows + 1}")
                sheet.append(names)
            sheet.append([_xlsx_cell(value) for value in row])
            rows += 1
    if sheet is None:
        workbook.create_sheet(f"{spec.dataset} 1").append(names)
    counter[0] = rows
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(COPY_CHUNK):
            yield chunk


def export_filename(*, dataset: str, file_format: str, period_from, period_to, token) -> str:
    start = period_from.isoformat() if period_from else "start"
    end = period_to.isoformat() if period_to else "now"
    return f"{dataset}-{start}-to-{end}-{str(token)[:8]}.{file_format}"


# What each export reads (``app_label.model``): a write to one of them in the same request keeps
# the export on the primary (``replica.read_alias``).
DATASET_TABLES = {
    Dataset.DECISIONS: ("decisions.decision", "decisions.disposal", "decisions.team", "decisions.chainhead"),
    Dataset.CHAIN: CHAIN_TABLES,
    Dataset.ACCESS_LOG: ("decisions.accesslog", "decisions.decision", "decisions.chainhead"),
    Dataset.EXPORT_LOG: ("decisions.exportevent", "decisions.chainhead"),
}


def export_stream(
    *, spec: ExportSpec, user: AbstractBaseUser, token: uuid.UUID, xlsx_sheet_rows: int | None = None
) -> Iterator[bytes]:
    """The export file, chunk by chunk; when the last chunk has gone, the export is recorded.

    The chain head and the rows are read in one REPEATABLE READ snapshot, on the replica when the
    page may read from it: chosen now, since the file is sent after the view has returned. The
    export's record and the checkpoint after it are written on the primary.

    An export abandoned half way (the browser closed) is not recorded as an export; the access
    log still has the request.
    """
    alias = replica.read_alias(*DATASET_TABLES[spec.dataset])
    return _export_stream(spec, user, token, xlsx_sheet_rows, alias)


def _export_stream(
    spec: ExportSpec, user: AbstractBaseUser, token: uuid.UUID, xlsx_sheet_rows: int | None, alias: str
) -> Iterator[bytes]:
    digest = hashlib.sha256()
    counter = [0]
    with replica.read_snapshot(*DATASET_TABLES[spec.dataset], alias=alias) as using:
        head_seq, head_hash = chain_head(using=using)
        if spec.file_format == FileFormat.XLSX:
            chunks = _xlsx_chunks(spec, head_seq, counter, using, xlsx_sheet_rows)
        else:
            chunks = _copy_chunks(spec, head_seq, counter, using)
        with contextlib.closing(chunks):  # a download abandoned half way ends the COPY first
            for chunk in chunks:
                digest.update(chunk)
                yield chunk
    export_event_record(
        spec=spec,
        user=user,
        token=token,
        row_count=counter[0],
        sha256=digest.hexdigest(),
        head_seq=head_seq,
        head_hash=head_hash,
    )
    checkpoint_after_export()


@transaction.atomic
def export_event_record(
    *,
    spec: ExportSpec,
    user: AbstractBaseUser,
    token: uuid.UUID,
    row_count: int,
    sha256: str,
    head_seq: int,
    head_hash: str,
) -> ExportEvent:
    """Record a finished export in the append-only, chained export log."""
    return ExportEvent.objects.create(
        token=token,
        user=user,
        dataset=spec.dataset,
        file_format=spec.file_format,
        period_from=spec.period_from,
        period_to=spec.period_to,
        filters=spec.filters(),
        row_count=row_count,
        sha256=sha256,
        head_seq=head_seq,
        head_hash=head_hash,
    )


def manifest(event: ExportEvent) -> dict:
    """What an auditor needs to check the file offline (see scripts/verify_export.py)."""
    event.refresh_from_db()
    body = {
        "manifest_version": 2,
        "file": {
            "name": export_filename(
                dataset=event.dataset,
                file_format=event.file_format,
                period_from=event.period_from,
                period_to=event.period_to,
                token=event.token,
            ),
            "format": event.file_format,
            "sha256": event.sha256,
        },
        "dataset": event.dataset,
        "period": {
            "from": event.period_from.isoformat() if event.period_from else None,
            "to": event.period_to.isoformat() if event.period_to else None,
            "time_zone": LOCAL_TIME_ZONE,
        },
        "filters": event.filters,
        "row_count": event.row_count,
        "chain_head": {"seq": event.head_seq, "hash": event.head_hash},
        "exported_by": event.user.get_username(),
        "exported_at": event.created_at.isoformat(),
        "export_record": {
            "token": str(event.token),
            "chain_seq": event.chain_seq,
            "chain_hash": event.chain_hash,
        },
        "hashes": {
            "content_hash": "sha256(utf8(canonical))",
            "chain_hash": "sha256(utf8(chain_prev|chain_seq|chain_kind|content_hash)), '|' between",
            "first_chain_prev": "0" * 64,
        },
        "cell_guard": (
            "In CSV and XLSX, text starting with = + - @ ' a tab or a carriage return has one apostrophe "
            "added in front; remove exactly one leading apostrophe to get the text back."
        ),
    }
    if event.file_format == FileFormat.XLSX:
        body["xlsx_text"] = XLSX_TEXT_NOTE
    checkpoint = Checkpoint.objects.filter(size__gte=event.chain_seq).order_by("size", "id").first()
    if checkpoint is not None:
        body["checkpoint"] = witness_record(checkpoint)
    key = signing_key()
    if key is not None:
        signature = key.sign(manifest_signed_bytes(body))
        body["signature"] = {
            "algorithm": "ed25519",
            "key_id": key_id(key.public_key()),
            "covers": "the manifest without 'signature', as JSON with sorted keys, no spaces, ASCII only",
            "value": base64.b64encode(signature).decode(),
        }
    return body


def manifest_signed_bytes(body: dict) -> bytes:
    """What a manifest's signature covers (scripts/verify_export.py rebuilds the same bytes)."""
    unsigned = {key: value for key, value in body.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def manifest_json(event: ExportEvent) -> str:
    return json.dumps(manifest(event), indent=2, sort_keys=False) + "\n"
