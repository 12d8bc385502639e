from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView, UpdateView
from django.views.generic.edit import FormView

from . import services
from .forms import ProfileForm
from .models import User
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
