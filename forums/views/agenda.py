from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView

from cop_portal.kept import FORUM, kept
from cop_portal.views import ButtonTargetMixin, KeptPlansMixin

from ..choices import MeetingStatus
from ..exceptions import ForumActionRefused
from ..forms.agenda import AgendaItemChangeForm, AgendaItemForm, AgendaMoveForm, LaterMeetingForm
from ..models import AgendaItem, Meeting
from ..papers import prepared_in_background
from ..rules import standing_in
from ..selectors.agenda import (
    agenda_defaults,
    agenda_items,
    agenda_page,
    agenda_page_of,
    booked_minutes,
    later_open_meetings,
    meeting_resources,
    minutes_total,
    timed_agenda,
)
from ..services import agenda as services
from ..signals import agenda_item_issues
from .mixins import MeetingPermissionMixin


class AgendaContextMixin(MeetingPermissionMixin):
    """The agenda builder's pages: the meeting, its running total and the later meetings an
    item may move to."""

    permission_required = "forums.build_agenda"

    def get_context_data(self, **kwargs):
        total = booked_minutes(self.meeting)
        return super().get_context_data(
            minutes_total=total,
            minutes_over=max(total - self.meeting.duration_minutes, 0),
            later_meetings=[]
            if self.meeting.status in (MeetingStatus.COMPLETED, MeetingStatus.CANCELLED)
            else list(later_open_meetings(self.meeting)),
            **kwargs,
        )

    def agenda_url(self, item: AgendaItem | None = None, *, page: int | None = None) -> str:
        """The agenda builder; at the page showing `item` (or page `page`), scrolled to it."""
        url = reverse("forums:agenda-edit", kwargs={"pk": self.meeting.pk})
        if item is not None:
            page = agenda_page_of(item)
        if page and page > 1:
            url = f"{url}?page={page}"
        return f"{url}#item-{item.pk}" if item is not None else url


class AgendaEditView(AgendaContextMixin, FormView):
    """The agenda builder: the items with their tools, and a form to add one more."""

    form_class = AgendaItemForm
    template_name = "forums/agenda_edit.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "defaults": agenda_defaults(self.meeting.forum)}

    def get_context_data(self, **kwargs):
        page = agenda_page(self.meeting, self.request.GET.get("page"))
        return super().get_context_data(
            timed_agenda=page.timed,
            page_obj=page.page_obj,
            is_paginated=page.page_obj.has_other_pages(),
            item_count=page.item_count,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            item = services.add_agenda_item(self.meeting, by=self.request.user, **data)
        except ForumActionRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("Added '%(title)s' to the agenda.") % {"title": item.title}
        )
        return redirect(self.agenda_url(item))


class AgendaItemMixin(AgendaContextMixin):
    @cached_property
    def item(self) -> AgendaItem:
        return get_object_or_404(AgendaItem, pk=self.kwargs["item_pk"], meeting=self.meeting)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)


class AgendaItemEditView(AgendaItemMixin, FormView):
    form_class = AgendaItemChangeForm
    template_name = "forums/agenda_item_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        ordered = list(self.meeting.agenda_items.values_list("pk", flat=True))
        position = ordered.index(self.item.pk) + 1
        return {
            **kwargs,
            "instance": self.item,
            "initial": {"position": position},
            "defaults": agenda_defaults(self.meeting.forum),
        }

    def form_valid(self, form):
        try:
            item = services.change_agenda_item(self.item, by=self.request.user, **form.cleaned_data)
        except ForumActionRefused as exc:
            form.add_error("position" if "position" in str(exc) else None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved '%(title)s'.") % {"title": item.title})
        return redirect(self.agenda_url(item))


class AgendaItemDeleteView(AgendaItemMixin, FormView):
    """Asks before taking an item off the agenda."""

    form_class = forms.Form
    template_name = "forums/agenda_item_confirm_delete.html"

    def get_context_data(self, **kwargs):
        found = agenda_item_issues.send(sender=AgendaItem, items=[self.item])
        return super().get_context_data(
            brings_issue=any(self.item.pk in (issues or {}) for _receiver, issues in found),
            brings_consultation=services.brings_consultation(self.item),
            **kwargs,
        )

    def form_valid(self, form):
        page = agenda_page_of(self.item)
        try:
            services.remove_agenda_item(self.item, by=self.request.user)
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
            return redirect(self.agenda_url(self.item))
        messages.success(
            self.request,
            gettext("Removed '%(title)s' from the agenda.") % {"title": self.item.title},
        )
        # The page it was on; past the end, the builder shows the last page.
        return redirect(self.agenda_url(page=page))


class AgendaItemMoveView(ButtonTargetMixin, AgendaItemMixin, FormView):
    """Move up / Move down buttons: plain forms, so the keyboard and no-JS browsers work."""

    form_class = AgendaMoveForm

    def button_page_url(self) -> str:
        return self.agenda_url(self.item)

    def form_valid(self, form):
        direction = form.cleaned_data["direction"]
        try:
            moved_item = services.move_agenda_item(
                self.item, by=self.request.user, direction=direction
            )
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
            return redirect(self.agenda_url(self.item))
        moved = (
            gettext("Moved '%(title)s' up.")
            if direction == "up"
            else gettext("Moved '%(title)s' down.")
        )
        messages.success(self.request, moved % {"title": self.item.title})
        return redirect(self.agenda_url(moved_item))

    def form_invalid(self, form):
        messages.error(self.request, gettext("Choose whether to move the item up or down."))
        return redirect(self.agenda_url(self.item))


class AgendaItemLaterView(ButtonTargetMixin, AgendaItemMixin, FormView):
    """Move an item without a practice issue to a later meeting of the forum, in one step."""

    form_class = LaterMeetingForm

    def button_page_url(self) -> str:
        return self.agenda_url(self.item)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meetings": Meeting.objects.all()}

    def form_valid(self, form):
        meeting = form.cleaned_data["meeting"]
        page = agenda_page_of(self.item)
        try:
            services.move_to_later_meeting(self.item, meeting=meeting, by=self.request.user)
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
            return redirect(self.agenda_url(self.item))
        messages.success(
            self.request,
            gettext("Moved '%(title)s' to %(meeting)s.")
            % {"title": self.item.title, "meeting": meeting},
        )
        return redirect(self.agenda_url(page=page))

    def form_invalid(self, form):
        messages.error(self.request, gettext("Choose a later open meeting of this forum."))
        return redirect(self.agenda_url(self.item))


class AgendaPublishView(ButtonTargetMixin, MeetingPermissionMixin, FormView):
    permission_required = "forums.build_agenda"
    form_class = forms.Form

    def button_page_url(self) -> str:
        return reverse("forums:agenda-edit", kwargs={"pk": self.meeting.pk})

    def form_valid(self, form):
        try:
            services.publish_agenda(self.meeting, by=self.request.user)
        except ForumActionRefused as exc:
            messages.error(self.request, str(exc))
            return redirect("forums:agenda-edit", pk=self.meeting.pk)
        messages.success(
            self.request, gettext("The agenda is published and members have been told.")
        )
        return redirect(self.meeting.get_absolute_url())


class AgendaPackView(KeptPlansMixin, MeetingPermissionMixin, TemplateView):
    """The printable agenda pack: meeting details, items with their times, and resources.
    Its agenda and resources are the same for each of the forum's members, and printed by
    many of them before a meeting: they are kept once drawn (cop_portal.kept)."""

    permission_required = "forums.view_meeting"
    template_name = "forums/agenda_pack.html"

    def drawn_agenda(self) -> dict:
        meeting = self.meeting_read_again()
        # The pack shows no decisions, so the items come without them.
        timed = timed_agenda(meeting, agenda_items(meeting).prefetch_related(None))
        drawn = {
            "timed_agenda": timed,
            "minutes_total": minutes_total(timed),
            "meeting": meeting,
            # Matters arising list an earlier meeting's actions to those who may read its
            # minutes: the reader's standing in the forum is part of the part's name.
            "user": self.request.user,
        }
        return {
            "item_count": len(timed),
            "table": render_to_string("forums/_agenda_table.html", drawn) if timed else "",
            "resources": render_to_string(
                "forums/_resource_list.html", {"resources": meeting_resources(meeting)}
            ),
        }

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        pack = kept(
            "agenda-pack",
            (FORUM, meeting.forum_id),
            (meeting.pk, standing_in(self.request.user, meeting.forum_id)),
            self.drawn_agenda,
        )
        return super().get_context_data(
            pack=pack,
            item_count=pack["item_count"],
            papers_in_background=prepared_in_background(pack["item_count"]),
            **kwargs,
        )
