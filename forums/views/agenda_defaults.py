from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import FormView

from ..exceptions import ForumActionRefused
from ..forms.agenda import AgendaDefaultsForm
from ..selectors.agenda import agenda_defaults
from ..services.agenda import set_agenda_defaults
from .mixins import ForumPermissionMixin


class AgendaDefaultsView(ForumPermissionMixin, FormView):
    """A forum's minutes per kind of agenda item, used when an item is added or routed
    without minutes of its own."""

    permission_required = "forums.manage_membership"
    template_name = "forums/agenda_defaults_form.html"
    form_class = AgendaDefaultsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "defaults": agenda_defaults(self.forum)}

    def form_valid(self, form):
        try:
            set_agenda_defaults(self.forum, minutes=form.cleaned_data, by=self.request.user)
        except ForumActionRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Saved the default minutes of %(forum)s.") % {"forum": self.forum.name},
        )
        return redirect("forums:agenda-defaults", slug=self.forum.slug)
