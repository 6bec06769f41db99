"""The auditor's pages: the integrity of the log, exports with manifests, the logs, retention.

Every page is for auditors only; anyone else gets "page not found", as for a record out of scope.
Every page view and every export is itself written to the access log.
"""

import uuid

from crispy_forms.layout import Layout
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from decisions import exports, services
from decisions.access import role_required
from decisions.checkpoints.services import verify_log
from decisions.filters import filtered_access_log
from decisions.forms import page_form_helper
from decisions.models import AccessLog, ExportEvent, LocalSettings, Role, Team
from decisions.pagination import paginate
from decisions.questions.base import Outcome
from decisions.retention import decisions_due_for_review

auditors_only = role_required(Role.AUDITOR)


class PeriodField(DateInputField):
    def __init__(self, label: str, hint: str):
        super().__init__(label=label, help_text=hint, require_all_fields=False, required=False)

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, ValueError, TypeError) as error:
            raise ValidationError("Enter a real date, for example 27 3 2026", code="invalid") from error


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(
        label="What do you want to export?",
        choices=exports.Dataset.choices,
        initial=exports.Dataset.DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to export"},
    )
    period_from = PeriodField("From", "The first day, for example 1 4 2026")
    period_to = PeriodField("To", "The last day, for example 31 3 2027")
    team = forms.ModelChoiceField(
        label="Team (decisions only)", queryset=Team.objects.all(), required=False, empty_label="All teams"
    )
    outcome = forms.ChoiceField(
        label="Decision (decisions only)", choices=[("", "All decisions"), *Outcome.choices], required=False
    )
    flags = forms.MultipleChoiceField(
        label="Only decisions that are (decisions only)",
        choices=[("emergency", "Emergency shares"), ("needs_attention", "Flagged for attention")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    file_format = forms.ChoiceField(
        label="File format",
        choices=exports.FileFormat.choices,
        initial=exports.FileFormat.CSV,
        widget=forms.RadioSelect,
        help_text="CSV and JSON Lines suit any number of rows. Excel starts a new sheet every million rows.",
        error_messages={"required": "Select a file format"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(
            Field.radios("dataset", legend_size=Size.MEDIUM),
            Field("period_from", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("period_to", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.select("team"),
            Field.select("outcome"),
            Field.checkboxes("flags", legend_size=Size.SMALL),
            Field.radios("file_format", legend_size=Size.MEDIUM),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The last day must be the same as or after the first day")
        return cleaned

    def spec(self) -> exports.ExportSpec:
        data = self.cleaned_data
        return exports.ExportSpec(
            dataset=data["dataset"],
            file_format=data["file_format"],
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            team_id=data["team"].pk if data.get("team") else None,
            outcome=data.get("outcome") or "",
            emergency="emergency" in data.get("flags", []),
            needs_attention="needs_attention" in data.get("flags", []),
        )


@auditors_only
def index(request):
    result = verify_log()
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_LIST, target="audit: integrity of the log"
    )
    return render(request, "audit/index.html", {"result": result})


@auditors_only
def export(request):
    submitted = "dataset" in request.GET
    form = ExportForm(request.GET if submitted else None)
    context = {"form": form}
    if submitted and form.is_valid():
        token = uuid.uuid4()
        query = request.GET.copy()
        query["token"] = str(token)
        context.update(
            ready=True,
            spec=form.spec(),
            download_url=f"{reverse('audit:download')}?{query.urlencode()}",
            manifest_url=reverse("audit:manifest", kwargs={"token": token}),
        )
    services.access_log_record(request=request, action=AccessLog.Action.VIEW_LIST, target="audit: export")
    return render(request, "audit/export.html", context, status=400 if submitted and form.errors else 200)


@auditors_only
def download(request):
    form = ExportForm(request.GET)
    try:
        token = uuid.UUID(request.GET.get("token", ""))
    except ValueError:
        token = None
    if token is None or not form.is_valid():
        return render(request, "audit/export.html", {"form": form}, status=400)
    spec = form.spec()
    services.access_log_record(
        request=request, action=AccessLog.Action.EXPORT, target=f"{spec.dataset} as {spec.file_format}"
    )
    response = StreamingHttpResponse(
        exports.export_stream(spec=spec, user=request.user, token=token),
        content_type=exports.CONTENT_TYPES[spec.file_format],
    )
    filename = exports.export_filename(
        dataset=spec.dataset,
        file_format=spec.file_format,
        period_from=spec.period_from,
        period_to=spec.period_to,
        token=token,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@auditors_only
def manifest(request, token):
    event = ExportEvent.objects.filter(token=token, user=request.user).select_related("user").first()
    if event is None:
        return render(request, "audit/manifest_missing.html", status=404)
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_LIST, target=f"audit: manifest of export {event.pk}"
    )
    response = HttpResponse(exports.manifest_json(event), content_type="application/json")
    name = exports.manifest(event)["file"]["name"]
    response["Content-Disposition"] = f'attachment; filename="{name}.manifest.json"'
    return response


@auditors_only
def export_log(request):
    events = ExportEvent.objects.select_related("user")
    page = paginate(events, request, per_page=50)
    services.access_log_record(request=request, action=AccessLog.Action.VIEW_LIST, target="audit: export log")
    return render(request, "audit/export_log.html", {"page": page})


@auditors_only
def access_log(request):
    filterset, page = filtered_access_log(request, per_page=50)
    services.access_log_record(request=request, action=AccessLog.Action.VIEW_LIST, target="audit: access log")
    return render(
        request,
        "audit/access_log.html",
        {"page": page, "form": filterset.form, "filtered": filterset.is_bound},
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


@auditors_only
def retention(request):
    local = LocalSettings.load()
    due = decisions_due_for_review()
    page = paginate(due, request, per_page=50)
    services.access_log_record(
        request=request, action=AccessLog.Action.VIEW_LIST, target="audit: retention review"
    )
    return render(request, "audit/retention.html", {"page": page, "local": local})
