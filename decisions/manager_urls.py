from django.urls import path

from decisions.replica import reads_from_replica
from decisions.views import manager

app_name = "manager"

urlpatterns = [
    path("", manager.queue, name="queue"),
    path("decisions/<str:reference>/", manager.review, name="review"),
    path("cases/", reads_from_replica(manager.chronology), name="chronology"),
    path("dashboard/", reads_from_replica(manager.dashboard), name="dashboard"),
    path("access-log/", manager.access_log, name="access_log"),
]
