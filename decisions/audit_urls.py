from django.urls import path

from decisions.replica import reads_from_replica
from decisions.views import audit

app_name = "audit"

urlpatterns = [
    path("", reads_from_replica(audit.index), name="index"),
    path("export/", reads_from_replica(audit.export), name="export"),
    path("export/download/", reads_from_replica(audit.download), name="download"),
    path("export/<uuid:token>/manifest/", audit.manifest, name="manifest"),
    path("exports/", audit.export_log, name="export_log"),
    path("access-log/", audit.access_log, name="access_log"),
    path("retention/", audit.retention, name="retention"),
]
