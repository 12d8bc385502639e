import json

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import ListView, TemplateView, UpdateView, View
from django.views.generic.edit import FormView

from operations.security import security_event

from . import services
from .forms import DeactivateAccountForm, ProfileForm
from .models import User
from .personal_data import personal_data
from .selectors import home_summary, notifications_for


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
        messages.success(self.request, "Your profile has been saved.")
        return response


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "members/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return notifications_for(self.request.user)


class MarkNotificationsReadView(LoginRequiredMixin, FormView):
    form_class = forms.Form
    http_method_names = ["post"]

    def form_valid(self, form):
        count = services.mark_notifications_read(self.request.user)
        messages.success(self.request, f"Marked {count} notification(s) as read.")
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
            self.request, "Your account has been deactivated. Thank you for taking part."
        )
        return redirect("account_login")
