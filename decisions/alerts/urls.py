from django.urls import path

from decisions.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark_read"),
    path("email/", views.preferences, name="preferences"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("decision/<str:reference>/", views.decision_alerts, name="decision"),
]
