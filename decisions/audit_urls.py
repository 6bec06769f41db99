from django.urls import path

from decisions.views import audit

app_name = "audit"

urlpatterns = [
    path("", audit.index, name="index"),
    path("export/", audit.export, name="export"),
    path("export/download/", audit.download, name="download"),
    path("export/<uuid:token>/manifest/", audit.manifest, name="manifest"),
    path("exports/", audit.export_log, name="export_log"),
    path("access-log/", audit.access_log, name="access_log"),
    path("retention/", audit.retention, name="retention"),
]
