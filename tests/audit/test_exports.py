"""Exports: contents, manifest re-verified offline, formula safety, scope, and the export log."""

import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from decisions import audit, exports
from decisions.models import AccessLog, Addendum, ExportEvent, Team
from decisions.questions.base import Outcome
from tests.audit.conftest import create_decision

VERIFY_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_export.py"
AUDIT_PAGES = [
    "audit:index",
    "audit:export",
    "audit:download",
    "audit:export_log",
    "audit:access_log",
    "audit:retention",
]


def export_through_the_pages(client, **params) -> tuple[bytes, dict, object]:
    query = {"dataset": "decisions", "file_format": "csv", **params}
    page = client.get(reverse("audit:export"), query)
    assert page.status_code == 200
    assert page.context["ready"]
    response = client.get(page.context["download_url"])
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    manifest_response = client.get(page.context["manifest_url"])
    assert manifest_response.status_code == 200
    return body, json.loads(manifest_response.content), response


def verify_offline(tmp_path, body: bytes, manifest: dict) -> subprocess.CompletedProcess:
    path = tmp_path / manifest["file"]["name"]
    path.write_bytes(body)
    (tmp_path / (path.name + ".manifest.json")).write_text(json.dumps(manifest))
    return subprocess.run(
        [sys.executable, str(VERIFY_SCRIPT), str(path)], capture_output=True, text=True, check=False
    )


def test_exports_csv_has_every_decision_with_its_hashes_and_verifies_offline(
    auditor_client, small_log, tmp_path
):
    body, manifest, response = export_through_the_pages(auditor_client)
    assert response["Content-Disposition"].startswith('attachment; filename="decisions-start-to-now-')
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["reference"] for row in rows] == [decision.reference for decision in small_log]
    assert {"chain_seq", "chain_hash", "chain_prev", "content_hash", "canonical"} <= set(rows[0])
    assert manifest["row_count"] == 3
    assert manifest["chain_head"]["seq"] == 5
    assert manifest["file"]["sha256"] == ExportEvent.objects.get().sha256
    result = verify_offline(tmp_path, body, manifest)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: 3 rows")


def test_exports_offline_script_finds_a_changed_file(auditor_client, small_log, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client)
    changed = body.replace(b"The answers support sharing.", b"The answers support withholding")
    result = verify_offline(tmp_path, changed, manifest)
    assert result.returncode == 1
    assert "SHA-256" in result.stdout
    manifest["file"]["sha256"] = exports.hashlib.sha256(changed).hexdigest()  # a forged manifest too
    result = verify_offline(tmp_path, changed, manifest)
    assert result.returncode == 1
    assert "does not match its content hash" in result.stdout


def test_exports_json_lines_of_the_full_chain_verify_offline(auditor_client, small_log, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client, dataset="chain", file_format="jsonl")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [line["chain_kind"] for line in lines] == [
        "decision",
        "decision",
        "addendum",
        "review",
        "decision",
    ]
    assert [line["chain_seq"] for line in lines] == [1, 2, 3, 4, 5]
    result = verify_offline(tmp_path, body, manifest)
    assert result.returncode == 0, result.stdout


def test_exports_json_lines_keep_awkward_text_exactly(auditor_client, practitioner, tmp_path):
    create_decision(practitioner, rationale='Line one\nline two, a "quote", a back\\slash, a tab\t, ünïcödé')
    body, manifest, _response = export_through_the_pages(auditor_client, file_format="jsonl")
    (line,) = [json.loads(text) for text in body.decode().splitlines()]
    assert line["rationale"] == 'Line one\nline two, a "quote", a back\\slash, a tab\t, ünïcödé'
    assert verify_offline(tmp_path, body, manifest).returncode == 0


@pytest.mark.parametrize("dangerous", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_exports_neutralise_formulas_in_csv(auditor_client, practitioner, tmp_path, dangerous):
    create_decision(practitioner, case_reference=dangerous, rationale=dangerous)
    body, manifest, _response = export_through_the_pages(auditor_client)
    (row,) = csv.DictReader(io.StringIO(body.decode(), newline=""))
    assert row["case_reference"] == "'" + dangerous
    assert row["rationale"] == "'" + dangerous
    assert verify_offline(tmp_path, body, manifest).returncode == 0


def test_exports_xlsx_neutralises_formulas_and_splits_sheets(auditor, small_log):
    from openpyxl import load_workbook

    spec = exports.ExportSpec(file_format=exports.FileFormat.XLSX)
    token = exports.uuid.uuid4()
    body = b"".join(exports.export_stream(spec=spec, user=auditor, token=token, xlsx_sheet_rows=2))
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    assert workbook.sheetnames == ["decisions 1", "decisions 2"]
    first = list(workbook["decisions 1"].values)
    second = list(workbook["decisions 2"].values)
    header = first[0]
    assert header == tuple(exports.column_names("decisions"))
    assert len(first) == 3 and len(second) == 2  # a header on each sheet
    rationale = second[1][header.index("rationale")]
    assert rationale.startswith("'=HYPERLINK")
    event = ExportEvent.objects.get(token=token)
    assert event.row_count == 3
    assert event.sha256 == exports.hashlib.sha256(body).hexdigest()


def test_exports_filters_by_period_team_outcome_and_flags(auditor_client, practitioner, make_user):
    other_team = Team.objects.create(name="Northside")
    other = make_user("olu", team=other_team)
    now = timezone.now()
    wanted = create_decision(practitioner, outcome=Outcome.DO_NOT_SHARE, emergency=True, created_at=now)
    create_decision(practitioner, outcome=Outcome.SHARE, emergency=True, created_at=now)
    create_decision(practitioner, outcome=Outcome.DO_NOT_SHARE, created_at=now)
    create_decision(other, outcome=Outcome.DO_NOT_SHARE, emergency=True, created_at=now)
    create_decision(
        practitioner,
        outcome=Outcome.DO_NOT_SHARE,
        emergency=True,
        created_at=now - datetime.timedelta(days=40),
    )
    today = timezone.localdate()
    start = today - datetime.timedelta(days=7)
    body, manifest, _response = export_through_the_pages(
        auditor_client,
        team=practitioner.teams.get().pk,
        outcome=Outcome.DO_NOT_SHARE,
        flags="emergency",
        period_from_0=start.day,
        period_from_1=start.month,
        period_from_2=start.year,
        period_to_0=today.day,
        period_to_1=today.month,
        period_to_2=today.year,
    )
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["reference"] for row in rows] == [wanted.reference]
    assert manifest["period"] == {
        "from": start.isoformat(),
        "to": today.isoformat(),
        "time_zone": "Europe/London",
    }
    assert manifest["filters"] == {
        "team_id": practitioner.teams.get().pk,
        "outcome": Outcome.DO_NOT_SHARE,
        "emergency": True,
    }


def test_exports_are_recorded_in_the_access_log_and_the_export_log(auditor_client, auditor, small_log):
    body, _manifest, _response = export_through_the_pages(auditor_client)
    event = ExportEvent.objects.get()
    assert (event.user, event.dataset, event.file_format, event.row_count) == (auditor, "decisions", "csv", 3)
    assert event.chain_seq == 6  # the export joins the chain
    assert AccessLog.objects.filter(user=auditor, action=AccessLog.Action.EXPORT).count() == 1
    page = auditor_client.get(reverse("audit:export_log"))
    assert event.sha256 in page.content.decode()
    page = auditor_client.get(reverse("audit:access_log"))
    assert "Exported decisions" in page.content.decode()
    body, _manifest, _response = export_through_the_pages(auditor_client, dataset="export-log")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert rows[0]["sha256"] == event.sha256
    body, _manifest, _response = export_through_the_pages(auditor_client, dataset="access-log")
    assert b"Exported decisions" not in body and b"export" in body


@pytest.mark.django_db(transaction=True)
def test_exports_abandoned_download_is_not_an_export_and_frees_the_connection(auditor_client, practitioner):
    """A closed browser ends the COPY; the request's connection goes back to the pool usable."""
    for _ in range(300):
        create_decision(practitioner, rationale="x" * 1000)
    page = auditor_client.get(reverse("audit:export"), {"dataset": "decisions", "file_format": "csv"})
    response = auditor_client.get(page.context["download_url"])
    next(iter(response.streaming_content))
    response.close()
    assert not ExportEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_exports_bad_filters_show_an_error_summary(auditor_client):
    response = auditor_client.get(
        reverse("audit:export"),
        {
            "dataset": "decisions",
            "file_format": "csv",
            "period_from_0": "31",
            "period_from_1": "2",
            "period_from_2": "2026",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a real date" in html
    response = auditor_client.get(
        reverse("audit:export"),
        {
            "dataset": "decisions",
            "file_format": "csv",
            **{"period_from_0": "2", "period_from_1": "2", "period_from_2": "2026"},
            **{"period_to_0": "1", "period_to_1": "2", "period_to_2": "2026"},
        },
    )
    assert "The last day must be the same as or after the first day" in response.content.decode()


def test_exports_manifest_before_the_download_is_not_ready(auditor_client):
    response = auditor_client.get(reverse("audit:manifest", kwargs={"token": exports.uuid.uuid4()}))
    assert response.status_code == 404
    assert "The manifest is not ready" in response.content.decode()


@pytest.mark.parametrize("who", ["practitioner", "manager"])
@pytest.mark.parametrize("page", AUDIT_PAGES)
def test_exports_and_audit_pages_are_for_auditors_only(client, request, small_log, who, page):
    client.force_login(request.getfixturevalue(who))
    response = client.get(
        reverse(page), {"dataset": "decisions", "file_format": "csv", "token": str(exports.uuid.uuid4())}
    )
    assert response.status_code == 404
    assert not ExportEvent.objects.exists()


def test_exports_command_writes_file_and_manifest_that_verify(auditor, small_log, tmp_path, capsys):
    Addendum.objects.create(decision=small_log[0], author=auditor, kind=Addendum.Kind.OTHER, text="-1")
    output = tmp_path / "chain.jsonl"
    call_command("export_decisions", str(output), by=auditor.username, dataset="chain", file_format="jsonl")
    assert "Wrote 6 rows" in capsys.readouterr().out
    result = subprocess.run(
        [sys.executable, str(VERIFY_SCRIPT), str(output)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert ExportEvent.objects.get().user == auditor


def rewrite_jsonl(body: bytes, change) -> bytes:
    lines = [json.loads(line) for line in body.decode().splitlines()]
    lines = change(lines)
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def forge(tmp_path, body: bytes, manifest: dict) -> subprocess.CompletedProcess:
    """An attacker who edits the file also fixes the (unsigned) manifest's hash and count."""
    manifest = {**manifest, "file": {**manifest["file"], "sha256": exports.hashlib.sha256(body).hexdigest()}}
    manifest["row_count"] = len(body.splitlines())
    return verify_offline(tmp_path, body, manifest)


def test_exports_a_row_marked_disposed_needs_a_disposal_in_the_export(auditor_client, small_log, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client, dataset="chain", file_format="jsonl")

    def blank_and_hide(lines):
        content = json.loads(lines[0]["canonical"])
        content["rationale"] = "Rewritten after the fact"
        lines[0]["canonical"] = json.dumps(content)
        lines[0]["disposed"] = True
        return lines

    result = forge(tmp_path, rewrite_jsonl(body, blank_and_hide), manifest)
    assert result.returncode == 1
    assert "no disposal record in the export vouches for it" in result.stdout


@pytest.fixture
def with_a_disposal(small_log, auditor, practitioner):
    old = create_decision(practitioner, created_at=timezone.now() - datetime.timedelta(days=7 * 365))
    Addendum.objects.create(decision=old, author=practitioner, kind=Addendum.Kind.OTHER, text="A name")
    audit.decision_dispose(decision=old, actor=auditor, reason="Retention period over")
    return old


@pytest.mark.parametrize(
    ("dataset", "file_format"), [("chain", "jsonl"), ("chain", "csv"), ("decisions", "csv")]
)
def test_exports_disposed_records_verify_offline(
    auditor_client, with_a_disposal, tmp_path, dataset, file_format
):
    body, manifest, _response = export_through_the_pages(
        auditor_client, dataset=dataset, file_format=file_format
    )
    result = verify_offline(tmp_path, body, manifest)
    assert result.returncode == 0, result.stdout


def test_exports_a_disposal_vouches_only_for_its_own_decision(auditor_client, with_a_disposal, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client, dataset="chain", file_format="jsonl")

    def borrow_the_voucher(lines):
        voucher = next(line["disposal_record"] for line in lines if line["disposal_record"])
        lines[0]["disposal_record"] = voucher
        lines[0]["disposed"] = True
        return lines

    result = forge(tmp_path, rewrite_jsonl(body, borrow_the_voucher), manifest)
    assert result.returncode == 1
    assert "disposal record is for another record" in result.stdout


def test_exports_a_rewritten_tombstone_in_a_chain_export_is_found(auditor_client, with_a_disposal, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client, dataset="chain", file_format="jsonl")

    def change_outcome(lines):
        line = next(line for line in lines if line["disposed"] and line["chain_kind"] == "decision")
        content = json.loads(line["canonical"])
        content["outcome"] = "do-not-share"
        line["canonical"] = json.dumps(content)
        return lines

    result = forge(tmp_path, rewrite_jsonl(body, change_outcome), manifest)
    assert result.returncode == 1
    assert "a tombstone it made was changed" in result.stdout


def test_exports_a_record_missing_from_a_full_chain_export_is_found(auditor_client, small_log, tmp_path):
    body, manifest, _response = export_through_the_pages(auditor_client, dataset="chain", file_format="jsonl")
    result = forge(tmp_path, rewrite_jsonl(body, lambda lines: lines[:2] + lines[3:]), manifest)
    assert result.returncode == 1
    assert "expected record 3: records are missing" in result.stdout
    result = forge(tmp_path, rewrite_jsonl(body, lambda lines: lines[:-1]), manifest)
    assert result.returncode == 1
    assert "the export ends at record 4, but the head is 5" in result.stdout


@pytest.mark.parametrize("typed", ["'=1+1", "'-- see notes", "'", "''=x", "'plain"])
@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_exports_any_typed_text_verifies(auditor_client, practitioner, tmp_path, typed, file_format):
    create_decision(practitioner, case_reference=typed, rationale=typed)
    create_decision(practitioner, rationale="=1+1")
    body, manifest, _response = export_through_the_pages(auditor_client, file_format=file_format)
    result = verify_offline(tmp_path, body, manifest)
    assert result.returncode == 0, result.stdout
    if file_format == "csv":
        first = next(csv.DictReader(io.StringIO(body.decode(), newline="")))
        assert first["rationale"] == "'" + typed  # one apostrophe more, always


def test_exports_xlsx_shows_control_characters_and_says_so(auditor_client, practitioner):
    from openpyxl import load_workbook

    create_decision(practitioner, rationale="one\rtwo\x07three\tfour\nfive")
    page = auditor_client.get(reverse("audit:export"), {"dataset": "decisions", "file_format": "xlsx"})
    body = b"".join(auditor_client.get(page.context["download_url"]).streaming_content)
    manifest = json.loads(auditor_client.get(page.context["manifest_url"]).content)
    rows = list(load_workbook(io.BytesIO(body), read_only=True)["decisions 1"].values)
    assert rows[1][rows[0].index("rationale")] == "one\u240dtwo\u2407three\tfour\nfive"
    assert "control pictures" in manifest["xlsx_text"]


def test_exports_carry_each_code_and_its_name(auditor_client, practitioner, tmp_path):
    """Codes are for machines, names for people: a decisions export has both, and still verifies."""
    decision = create_decision(
        practitioner, lawful_basis="6-1-e", special_category_condition="sch1-18", power="ca2004-s11"
    )

    body, manifest, _ = export_through_the_pages(auditor_client)
    row = next(r for r in csv.DictReader(io.StringIO(body.decode())) if r["reference"] == decision.reference)

    assert row["lawful_basis"] == "6-1-e"
    assert row["lawful_basis_label"] == "Public task – Article 6(1)(e)"
    assert row["power_label"] == "Children Act 2004, section 11"
    assert row["special_category_label"].startswith("Safeguarding of children and individuals at risk")
    assert row["question_set"] == "2024 advice (England)"
    assert row["outcome_label"] == "Share the information"
    assert verify_offline(tmp_path, body, manifest).returncode == 0


def test_exports_offline_checker_knows_the_same_tombstone_as_the_database():
    import importlib.util

    spec = importlib.util.spec_from_file_location("verify_export", VERIFY_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.TOMBSTONES == audit.TOMBSTONES
