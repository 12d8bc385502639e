from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView

from cop_portal.kept import FORUM, asked_pages, kept, pages_of
from cop_portal.views import ButtonTargetMixin, KeptPlansMixin

from ..choices import MembershipRole, Tier
from ..exceptions import ForumActionRefused
from ..forms.membership import AddMemberForm, ChangeRoleForm, RemoveMemberForm
from ..models import Membership
from ..rules import standing_in
from ..selectors.meetings import forum_directory, forum_page, members_of
from ..services import membership as services
from .mixins import ForumPermissionMixin


class ForumListView(LoginRequiredMixin, TemplateView):
    template_name = "forums/forum_list.html"

    def get_context_data(self, **kwargs):
        groups = [(Tier(tier).label, forums) for tier, forums in forum_directory().items()]
        return super().get_context_data(groups=groups, **kwargs)


class ForumDetailView(KeptPlansMixin, ForumPermissionMixin, TemplateView):
    permission_required = "forums.view_forum"
    template_name = "forums/forum_detail.html"

    def drawn_parts(self) -> dict:
        """The page's meetings, actions and resources, and its members, drawn; and when a
        meeting listed as upcoming starts or ends (it then shows, or moves, otherwise)."""
        forum = self.forum_read_again()
        page = forum_page(
            forum,
            self.request.user,
            members_page=self.drawn_request.GET.get("members_page"),
        )
        # The page's members arrive in role order: group them under each role's heading.
        roles = [
            (MembershipRole(role).label, list(memberships))
            for role, memberships in groupby(page["members"], key=attrgetter("role"))
        ]
        drawn = {
            "forum": forum,
            "roles": roles,
            "can_schedule": self.request.user.has_perm("forums.schedule_meeting", forum),
            **page,
        }
        now = timezone.now()
        moments = [
            moment
            for row in page["upcoming_rows"]
            for moment in (row.meeting.start, row.meeting.end)
            if moment > now
        ]
        return {
            "main": render_to_string("forums/_forum_main.html", drawn, request=self.drawn_request),
            "members": render_to_string(
                "forums/_forum_members.html", drawn, request=self.drawn_request
            ),
            "until": min(moments, default=None),
        }

    def get_context_data(self, **kwargs):
        forum, user = self.forum, self.request.user
        self.drawn_request = asked_pages(self.request, "members_page")
        # What it shows turns on whether the reader is a member, runs the forum or is an
        # administrator (drafts, unpublished minutes' actions, their buttons): kept for each.
        parts = kept(
            "forum-page",
            (FORUM, forum.pk),
            (pages_of(self.drawn_request), standing_in(user, forum.pk)),
            self.drawn_parts,
            good_until=lambda drawn: drawn["until"],
        )
        return super().get_context_data(parts=parts, **kwargs)


class ForumMembersView(ForumPermissionMixin, FormView):
    """The membership page: everyone in the forum, and a form to add someone."""

    permission_required = "forums.manage_membership"
    template_name = "forums/forum_members.html"
    form_class = AddMemberForm

    paginate_by = 50

    def get_context_data(self, **kwargs):
        memberships = Paginator(members_of(self.forum), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            memberships=memberships, roles=MembershipRole.choices, **kwargs
        )

    def form_valid(self, form):
        try:
            membership = services.add_member(
                self.forum,
                by=self.request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ForumActionRefused as refused:
            form.add_error("email", str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(person)s has been added to %(forum)s.")
            % {"person": membership.user, "forum": self.forum},
        )
        return redirect("forums:forum-members", slug=self.forum.slug)


class MembershipActionMixin(ButtonTargetMixin, ForumPermissionMixin):
    permission_required = "forums.manage_membership"

    def button_page_url(self) -> str:
        return reverse("forums:forum-members", kwargs={"slug": self.forum.slug})

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user"), pk=self.kwargs["pk"], forum=self.forum
        )

    def form_invalid(self, form):
        messages.error(self.request, gettext("Choose one of the roles listed."))
        return redirect("forums:forum-members", slug=self.forum.slug)


class ForumMemberRoleView(MembershipActionMixin, FormView):
    form_class = ChangeRoleForm

    def form_valid(self, form):
        try:
            membership = services.change_member_role(
                self.membership, by=self.request.user, role=form.cleaned_data["role"]
            )
        except ForumActionRefused as refused:
            messages.error(self.request, str(refused))
            return redirect("forums:forum-members", slug=self.forum.slug)
        messages.success(
            self.request,
            gettext("%(person)s is now %(role)s of %(forum)s.")
            % {
                "person": membership.user,
                "role": membership.get_role_display().lower(),
                "forum": self.forum,
            },
        )
        return redirect("forums:forum-members", slug=self.forum.slug)


class ForumMemberRemoveView(MembershipActionMixin, FormView):
    form_class = RemoveMemberForm

    def form_valid(self, form):
        person = self.membership.user
        services.remove_member(self.membership, by=self.request.user)
        messages.success(
            self.request,
            gettext("%(person)s has been removed from %(forum)s.")
            % {"person": person, "forum": self.forum},
        )
        return redirect("forums:forum-members", slug=self.forum.slug)
