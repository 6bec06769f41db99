from django.urls import path

from decisions.views import manager

app_name = "manager"

urlpatterns = [
    path("", manager.queue, name="queue"),
    path("decisions/<str:reference>/", manager.review, name="review"),
    path("cases/", manager.chronology, name="chronology"),
    path("dashboard/", manager.dashboard, name="dashboard"),
    path("access-log/", manager.access_log, name="access_log"),
]
