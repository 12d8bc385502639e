import json

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView, UpdateView, View
from django.views.generic.edit import FormView

from cop_portal.views import ButtonTargetMixin, PagedListView
from operations.security import security_event

from . import services
from .choices import NotificationKind
from .forms import (
    DeactivateAccountForm,
    NotificationPreferencesForm,
    ProfileForm,
    UnsubscribeForm,
)
from .models import Notification, User
from .personal_data import personal_data
from .selectors import home_summary, notification_preferences_for, notifications_for
from .unsubscribe import read_unsubscribe_token


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "members/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **home_summary(self.request.user))


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "members/user_detail.html"

    def get_context_data(self, **kwargs):
        user = (
            User.objects.select_related("organisation", "region")
            .prefetch_related("practice_areas")
            .get(pk=self.request.user.pk)
        )
        return super().get_context_data(**kwargs, member=user)


class ProfileEditView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "members/user_form.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your profile has been saved."))
        return response


class NotificationListView(LoginRequiredMixin, PagedListView):
    template_name = "members/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return notifications_for(self.request.user)


class MarkNotificationsReadView(ButtonTargetMixin, LoginRequiredMixin, FormView):
    form_class = forms.Form

    def button_page_url(self) -> str:
        return reverse("members:notifications")

    def form_valid(self, form):
        count = services.mark_notifications_read(self.request.user)
        messages.success(
            self.request,
            gettext("Marked %(count)s notification(s) as read.") % {"count": count},
        )
        return redirect("members:notifications")


class PersonalDataView(LoginRequiredMixin, TemplateView):
    template_name = "members/personal_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            notification_days=settings.NOTIFICATION_RETENTION_DAYS,
            former_member=settings.FORMER_MEMBER_ATTRIBUTION,
        )


class PersonalDataDownloadView(LoginRequiredMixin, View):
    """Everything the portal holds about the signed-in member, as one JSON file."""

    def get(self, request):
        document = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, indent=2)
        filename = f"cop-portal-my-data-{timezone.localdate():%Y%m%d}.json"
        response = HttpResponse(document, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        security_event("personal_data_downloaded", request=request)
        return response


@method_decorator(reauthentication_required, name="dispatch")
class DeactivateAccountView(LoginRequiredMixin, FormView):
    form_class = DeactivateAccountForm
    template_name = "members/account_deactivate.html"

    def form_valid(self, form):
        services.deactivate_account(self.request.user, by=self.request.user)
        logout(self.request)
        messages.success(
            self.request,
            gettext("Your account has been deactivated. Thank you for taking part."),
        )
        return redirect("account_login")


class NotificationOpenView(LoginRequiredMixin, View):
    """A notice's link: marks it read and goes on to what it is about."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.open_notification(notification)
        return redirect(notification.local_url or reverse("members:notifications"))


class NotificationSettingsView(LoginRequiredMixin, FormView):
    form_class = NotificationPreferencesForm
    template_name = "members/notification_settings.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial_choices"] = notification_preferences_for(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, digest_hour=settings.DIGEST_HOUR)

    def form_valid(self, form):
        services.set_notification_preferences(self.request.user, form.cleaned_data)
        messages.success(self.request, gettext("Your email choices have been saved."))
        return redirect("members:notification-settings")


# The signed link is the credential: mail programs post it without a session or CSRF token
# (RFC 8058), and people open it from their inbox without signing in.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(FormView):
    form_class = UnsubscribeForm
    template_name = "members/notification_unsubscribe.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            wanted = read_unsubscribe_token(kwargs["token"])
        except signing.BadSignature:
            wanted = None
        self.member = (
            None
            if wanted is None
            else User.objects.filter(pk=wanted.user_id, is_active=True).first()
        )
        if self.member is None:
            return render(request, "members/notification_unsubscribe_invalid.html", status=400)
        self.kind = wanted.kind
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kind_label = NotificationKind(self.kind).label.lower() if self.kind else ""
        return super().get_context_data(**kwargs, member=self.member, kind_label=kind_label)

    def form_valid(self, form):
        services.unsubscribe(self.member, kind=self.kind)
        return self.render_to_response(self.get_context_data(form=form, done=True))
