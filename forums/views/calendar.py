import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from cop_portal import filters as cop_filters
from cop_portal.filters import FILTERS_CACHE_SECONDS, choices_stamp
from cop_portal.views import PagedListView, PlannedForValuesMixin
from members.models import Region

from ..calendar import meetings_calendar
from ..forms.scheduling import CalendarFilterForm, MeetingFilterForm
from ..models import CalendarFeed, Forum
from ..selectors.meetings import (
    FEED_DAYS_AHEAD,
    FEED_DAYS_BACK,
    WHEN_PAST,
    feed_meetings,
    feed_stamp,
    filtered_meetings,
    meetings_for,
    meetings_visible_to,
    month_grid,
    schedule_rows,
)
from ..services import scheduling
from ..services.scheduling import regenerate_calendar_feed, revoke_calendar_feed

WEEKDAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


# The calendar's range is the years a meeting may fall in.
FIRST_YEAR, LAST_YEAR = scheduling.FIRST_YEAR, scheduling.LAST_YEAR
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
FEED_CACHE_SECONDS = 60 * 60


def number_in(value: str | None, low: int, high: int, default: int) -> int | None:
    """A short whole number within [low, high]; the default when absent, else None."""
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > len(str(high)):
        return None
    number = int(value)
    return number if low <= number <= high else None


def filters_key(form: forms.Form) -> str:
    """Names a meeting filter's drawing (see cop_portal.filters): its choices are every
    forum and region."""
    return cop_filters.filters_key(form, choices_stamp(Forum, Region))


class CalendarMonthView(LoginRequiredMixin, TemplateView):
    template_name = "forums/calendar_month.html"

    def month(self) -> dt.date:
        """The month asked for; anything malformed or out of range shows this month."""
        this_month = timezone.localdate().replace(day=1)
        year = number_in(self.request.GET.get("year"), FIRST_YEAR, LAST_YEAR, this_month.year)
        month = number_in(self.request.GET.get("month"), 1, 12, this_month.month)
        if year is None or month is None:
            return this_month
        return dt.date(year, month, 1)

    def get_context_data(self, **kwargs):
        first = self.month()
        filter_form = CalendarFilterForm(self.request.GET or None)
        filters = filter_form.filters()
        base = meetings_for if filters.pop("mine") else meetings_visible_to
        meetings = filtered_meetings(base(self.request.user), when=None, **filters)
        query = self.request.GET.copy()
        for key in ("year", "month"):
            query.pop(key, None)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return super().get_context_data(
            first=first,
            previous=previous,
            following=following,
            today=timezone.localdate(),
            weekdays=WEEKDAY_NAMES,
            weeks=month_grid(self.request.user, first.year, first.month, meetings),
            filter_form=filter_form,
            filters_key=filters_key(filter_form),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            filter_query=query.urlencode(),
            **kwargs,
        )


class MeetingListView(PlannedForValuesMixin, LoginRequiredMixin, PagedListView):
    """Upcoming or past meetings, filtered by tier, forum and region."""

    template_name = "forums/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 20
    mine = False

    def get_queryset(self):
        self.filter_form = MeetingFilterForm(self.request.GET or None)
        base = meetings_for if self.mine else meetings_visible_to
        self.filters = self.filter_form.filters()
        return filtered_meetings(base(self.request.user), **self.filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filter_form=self.filter_form,
            filters_key=filters_key(self.filter_form),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            past=self.filters["when"] == WHEN_PAST,
            mine=self.mine,
            query_string=query.urlencode(),
            **kwargs,
        )
        context["meeting_rows"] = schedule_rows(context["meetings"])
        return context


class MyMeetingsView(MeetingListView):
    mine = True


class CalendarFeedView(View):
    """A person's meetings as a subscription feed; the secret token is the only key."""

    def get(self, request, token: str):
        # Only the shape regenerate_calendar_feed makes reaches the database (no NUL bytes).
        if not FEED_TOKEN.fullmatch(token):
            raise Http404(gettext("No such calendar feed."))
        feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
        if feed is None or not feed.user.is_active:
            raise Http404(gettext("No such calendar feed."))
        stamp = feed_stamp(feed.user)
        etag = quote_etag(stamp.etag)
        # The ETag alone: no one date tells when a feed last changed, since joining a forum
        # brings meetings changed long before.
        response = get_conditional_response(request, etag=etag)
        if response is None:
            # Calendar apps poll: an unchanged feed is rendered once, then served from cache.
            key = f"forums:calendar-feed:{feed.pk}:{stamp.etag}"
            body = cache.get(key)
            if body is None:
                body = meetings_calendar(
                    feed_meetings(feed.user, (stamp.since, stamp.until)),
                    name=gettext("My CoP Portal meetings"),
                    description=gettext(
                        "Meetings of your forums from %(back)s months ago to %(ahead)s months "
                        "ahead."
                    )
                    % {"back": FEED_DAYS_BACK // 30, "ahead": FEED_DAYS_AHEAD // 30},
                )
                cache.set(key, body, FEED_CACHE_SECONDS)
            response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["ETag"] = etag
        # Anyone holding the address may read it, so shared caches keep none; clients ask
        # again each time, with the validators, and mostly hear 304 Not Modified.
        patch_cache_control(response, private=True, no_cache=True)
        return response


class CalendarSubscribeView(LoginRequiredMixin, FormView):
    template_name = "forums/calendar_subscribe.html"
    form_class = forms.Form

    def get_context_data(self, **kwargs):
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        url = None
        if feed is not None:
            path = reverse("forums:calendar-feed", kwargs={"token": feed.token})
            url = self.request.build_absolute_uri(path)
        return super().get_context_data(
            feed=feed,
            feed_url=url,
            months_back=FEED_DAYS_BACK // 30,
            months_ahead=FEED_DAYS_AHEAD // 30,
            **kwargs,
        )

    def form_valid(self, form):
        if self.request.POST.get("action") == "revoke":
            revoke_calendar_feed(self.request.user)
            messages.success(self.request, gettext("Your calendar address is turned off."))
        else:
            regenerate_calendar_feed(self.request.user)
            messages.success(
                self.request,
                gettext("Your calendar address is ready. Any earlier address no longer works."),
            )
        return redirect("forums:calendar-subscribe")
