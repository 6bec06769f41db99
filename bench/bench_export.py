"""Benchmark: the app's CSV export against a bare COPY of the same rows, and the verifier.

    DEBUG=true .venv/bin/python bench/bench_export.py [ROWS]      # default 1,000,000

Works on a scratch database it creates (``bench_export``) on the same server as the project's
database, and drops it at the end. Generates ROWS decisions with one INSERT ... SELECT (the chain
trigger runs for each), then times in the same run:
  * a bare ``COPY (SELECT <same columns> ...) TO STDOUT (FORMAT csv)`` read to the end;
  * ``decisions.exports.export_stream`` (the code path behind the download view), CSV;
  * ``decisions.audit.verify_chain``.
Prints rows per second, the ratio of export to bare COPY (target at least 0.5) and peak memory
(target under 200 MB). Not collected by pytest.
"""

import os
import resource
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharing_wizard.settings")
os.environ.setdefault("DATABASE_POOL", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

BENCH_DB = "bench_export"
BATCH = 5000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def use_scratch_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB


def drop_scratch_database(original: str) -> None:
    connections.close_all()
    connections["default"].settings_dict["NAME"] = original
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def generate(rows: int) -> float:
    from django.contrib.auth import get_user_model

    from decisions.models import Team

    author = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}")
    team = Team.objects.create(name="Bench team")
    started = time.perf_counter()
    # Batches, each its own transaction: one transaction updating the chain head row a million
    # times would make every lookup of that row walk a million dead versions.
    with connection.cursor() as cursor:
        for first in range(1, rows + 1, BATCH):
            last = min(first + BATCH - 1, rows)
            cursor.execute(
                """
            INSERT INTO decisions_decision (reference, submission_key, author_id, team_id, case_reference,
                outcome, flowchart_version, route, answers, form_data, emergency, needs_attention, rationale,
                lawful_basis, special_category_condition, recipient_organisation, advice_from, created_at)
            SELECT 'B-' || lpad(g::text, 9, '0'), gen_random_uuid(), %s, %s, 'CASE-' || g,
                   (ARRAY['share', 'do-not-share', 'awaiting-advice'])[1 + g %% 3], '2018',
                   '["triage", "purpose", "consent"]',
                   jsonb_build_object(
                       'triage', jsonb_build_object('answer', 'no'),
                       'purpose', jsonb_build_object('answer', 'yes', 'purpose', 'To protect ' || g)),
                   '{}', g %% 17 = 0, g %% 101 = 0, 'The answers support this decision, case ' || g,
                   '6-1-e', 'sch1-18', 'Children''s social care', '',
                   now() - make_interval(secs => %s - g)
              FROM generate_series(%s, %s) g
            """,
                [author.pk, team.pk, rows, first, last],
            )
    return time.perf_counter() - started


def bare_copy(head_seq: int) -> tuple[int, float]:
    from decisions.exports import ExportSpec, select_sql

    statement = select_sql(ExportSpec(), head_seq, neutralise=False)
    connection.ensure_connection()
    started = time.perf_counter()
    size = 0
    with connection.connection.cursor() as cursor:
        with cursor.copy(
            f"COPY ({statement.as_string(connection.connection)}) TO STDOUT (FORMAT csv, HEADER true)"
        ) as copy:
            for chunk in copy:
                size += len(chunk)
        rows = cursor.rowcount
    return rows, time.perf_counter() - started


def app_export(user) -> tuple[int, float, int]:
    from decisions.exports import ExportSpec, export_stream
    from decisions.models import ExportEvent

    token = uuid.uuid4()
    started = time.perf_counter()
    size = 0
    for chunk in export_stream(spec=ExportSpec(), user=user, token=token):
        size += len(chunk)
    seconds = time.perf_counter() - started
    return ExportEvent.objects.get(token=token).row_count, seconds, size


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    original = settings.DATABASES["default"]["NAME"]
    use_scratch_database()
    try:
        call_command("migrate", verbosity=0)
        print(f"Generating {rows:,} decisions (chain trigger on every row)...")
        generate_seconds = generate(rows)
        print(f"  inserted in {generate_seconds:.1f} s: {rows / generate_seconds:,.0f} rows/s")
        from django.contrib.auth import get_user_model

        from decisions.audit import chain_head, verify_chain

        user = get_user_model().objects.get(username__startswith="bench-")
        head_seq, _hash = chain_head()
        copy_rows, copy_seconds = bare_copy(head_seq)
        export_rows, export_seconds, size = app_export(user)
        assert copy_rows == export_rows == rows, (copy_rows, export_rows, rows)
        copy_rate, export_rate = copy_rows / copy_seconds, export_rows / export_seconds
        print(f"Bare COPY:        {copy_rate:,.0f} rows/s ({copy_seconds:.2f} s)")
        print(f"App CSV export:   {export_rate:,.0f} rows/s ({export_seconds:.2f} s, {size / 1e6:,.0f} MB)")
        print(f"Ratio export/COPY: {export_rate / copy_rate:.2f} (target >= 0.5)")
        started = time.perf_counter()
        result = verify_chain()
        verify_seconds = time.perf_counter() - started
        assert result.ok, str(result.broken)
        print(f"Verifier:         {result.checked / verify_seconds:,.0f} records/s ({verify_seconds:.1f} s)")
        print(f"Peak memory (RSS): {peak_mb():.0f} MB (target < 200 MB)")
    finally:
        drop_scratch_database(original)


if __name__ == "__main__":
    main()
