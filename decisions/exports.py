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
return) get a leading apostrophe in CSV and XLSX, by the SQL function ``audit_cell``.
"""

import datetime
import hashlib
import json
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models, transaction
from psycopg import sql

from decisions.audit import chain_head
from decisions.models import ExportEvent

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


UTC_TEXT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

# (column name, SQL expression, is free text that a spreadsheet might run as a formula)
DECISION_COLUMNS = [
    ("chain_seq", "d.chain_seq", False),
    ("chain_prev", "d.chain_prev", False),
    ("chain_hash", "d.chain_hash", False),
    ("content_hash", "d.content_hash", False),
    ("chain_kind", "'decision'", False),
    ("disposed", "EXISTS (SELECT 1 FROM decisions_disposal p WHERE p.decision_id = d.id)", False),
    ("reference", "d.reference", True),
    ("case_reference", "d.case_reference", True),
    ("recorded_at", UTC_TEXT.format("d.created_at"), False),
    ("author", "u.username", True),
    ("team", "t.name", True),
    ("outcome", "d.outcome", True),
    ("emergency", "d.emergency", False),
    ("needs_attention", "d.needs_attention", False),
    ("flowchart_version", "d.flowchart_version", True),
    ("continues", "c.reference", True),
    ("lawful_basis", "d.lawful_basis", True),
    ("special_category_condition", "d.special_category_condition", True),
    ("recipient_organisation", "d.recipient_organisation", True),
    ("shared_on", "d.shared_on::text", False),
    ("shared_at", UTC_TEXT.format("d.shared_at"), False),
    ("advice_from", "d.advice_from", True),
    ("rationale", "d.rationale", True),
    ("canonical", "audit_canonical(d)", False),
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

CHAIN_UNION = """(
    SELECT d.chain_seq, d.chain_prev, d.chain_hash, d.content_hash, 'decision' AS kind, d.created_at,
           d.reference AS decision, audit_canonical(d) AS canonical,
           EXISTS (SELECT 1 FROM decisions_disposal p WHERE p.decision_id = d.id) AS disposed
      FROM decisions_decision d
    UNION ALL
    SELECT a.chain_seq, a.chain_prev, a.chain_hash, a.content_hash, 'addendum', a.created_at,
           d.reference, audit_canonical(a),
           EXISTS (SELECT 1 FROM decisions_disposal p WHERE p.decision_id = a.decision_id)
      FROM decisions_addendum a JOIN decisions_decision d ON d.id = a.decision_id
    UNION ALL
    SELECT r.chain_seq, r.chain_prev, r.chain_hash, r.content_hash, 'review', r.created_at,
           d.reference, audit_canonical(r),
           EXISTS (SELECT 1 FROM decisions_disposal p WHERE p.decision_id = r.decision_id)
      FROM decisions_reviewevent r JOIN decisions_decision d ON d.id = r.decision_id
    UNION ALL
    SELECT s.chain_seq, s.chain_prev, s.chain_hash, s.content_hash, 'disposal', s.created_at,
           d.reference, audit_canonical(s), false
      FROM decisions_disposal s JOIN decisions_decision d ON d.id = s.decision_id
    UNION ALL
    SELECT e.chain_seq, e.chain_prev, e.chain_hash, e.content_hash, 'export', e.created_at,
           NULL, audit_canonical(e), false
      FROM decisions_exportevent e
) x"""


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


def _copy_chunks(spec: ExportSpec, head_seq: int, counter: list[int]) -> Iterator[bytes]:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(copy_sql(spec, head_seq)) as copy:
            for chunk in copy:
                yield bytes(chunk)
        counter[0] = cursor.rowcount


def _xlsx_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _xlsx_chunks(
    spec: ExportSpec, head_seq: int, counter: list[int], sheet_rows: int | None = None
) -> Iterator[bytes]:
    from openpyxl import Workbook

    sheet_rows = sheet_rows or XLSX_SHEET_ROWS
    names = column_names(spec.dataset)
    workbook = Workbook(write_only=True)
    sheet = None
    rows = 0
    connection.ensure_connection()
    pg = connection.connection
    with pg.transaction(), pg.cursor(name=f"xlsx_{uuid.uuid4().hex}") as cursor:
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


def export_stream(
    *, spec: ExportSpec, user: AbstractBaseUser, token: uuid.UUID, xlsx_sheet_rows: int | None = None
) -> Iterator[bytes]:
    """The export file, chunk by chunk; when the last chunk has gone, the export is recorded.

    An export abandoned half way (the browser closed) is not recorded as an export; the access
    log still has the request.
    """
    head_seq, head_hash = chain_head()
    digest = hashlib.sha256()
    counter = [0]
    if spec.file_format == FileFormat.XLSX:
        chunks = _xlsx_chunks(spec, head_seq, counter, xlsx_sheet_rows)
    else:
        chunks = _copy_chunks(spec, head_seq, counter)
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
    return {
        "manifest_version": 1,
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
    }


def manifest_json(event: ExportEvent) -> str:
    return json.dumps(manifest(event), indent=2, sort_keys=False) + "\n"
