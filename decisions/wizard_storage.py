"""Wizard storage in the practitioner's draft, instead of the session.

django-formtools keeps the answers in the session by default. A session ends with a time-out or
sign-out, and the answers with it. Here the answers live in a ``Draft`` row, loaded by the view
(which has already checked that the draft is the signed-in user's) and saved after every request.
"""

from formtools.wizard.storage.base import BaseStorage

from decisions import services


class DraftStorage(BaseStorage):
    """``version`` changes whenever an answer is stored or all are cleared, so what is worked out
    from the answers (the route) can be kept until then."""

    version = 0

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.draft = request.wizard_draft
        self.data = self.draft.data
        if not self.data:
            self.init_data()
        self._saved = repr(self.data)

    def init_data(self):
        super().init_data()
        self.version += 1

    def set_step_data(self, step, cleaned_data):
        super().set_step_data(step, cleaned_data)
        self.version += 1

    def update_response(self, response):
        super().update_response(response)
        if repr(self.data) != self._saved:
            services.draft_save(draft_id=self.draft.pk, data=self.data)
            self._saved = repr(self.data)
