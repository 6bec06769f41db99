from django.urls import path

from decisions.views import records, wizard

app_name = "decisions"

urlpatterns = [
    path("", records.my_decisions, name="my_decisions"),
    path("start/", records.start_page, name="start"),
    path("guidance/", records.guidance_page, name="guidance"),
    path("new/", wizard.first_question, name="new"),
    path("draft/<uuid:draft_id>/", wizard.resume, name="resume"),
    path("draft/<uuid:draft_id>/delete/", wizard.delete_draft, name="discard"),
    path("draft/<uuid:draft_id>/<str:step>/", wizard.decision_wizard, name="wizard"),
    path("<str:reference>/", records.detail, name="detail"),
    path("<str:reference>/confirmation/", records.confirmation, name="confirmation"),
    path("<str:reference>/print/", records.print_view, name="print"),
    path("<str:reference>/addendum/", records.add_addendum, name="add_addendum"),
    path("<str:reference>/answer-concern/", records.answer_concern, name="answer_concern"),
    path("<str:reference>/advice-received/", records.continue_after_advice, name="advice_received"),
    path("<str:reference>/reconsider/", records.reconsider, name="reconsider"),
]
