from django.urls import path

from decisions.pages import session, views

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("session/keep-alive/", session.keep_alive, name="session_keep_alive"),
]
