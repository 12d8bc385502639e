"""Every URL the portal serves, for every role: the status a GET gets, and that a POST by
someone who may not make the change is refused and changes nothing.

One row per URL name. A new URL without a row fails test_every_url_pattern_has_a_row.
"""

import dataclasses
import datetime as dt
from fnmatch import fnmatchcase

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from feedback.choices import IssueStatus
from feedback.services import consultations, routing
from forums.choices import MeetingStatus, MembershipRole, ResourceKind
from members.unsubscribe import unsubscribe_token
from practice.choices import GuidanceStatus
from tests.factories.feedback import PracticeIssueFactory, ResponseFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    CalendarFeedFactory,
    DecisionFactory,
    ForumFactory,
    LearningSessionFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
    StrategicForumFactory,
)
from tests.factories.insights import ExportFactory
from tests.factories.members import NotificationFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory

ROLES = (
    "anonymous",
    "outsider",  # signed in, no memberships
    "practitioner",  # member of the CFSN
    "facilitator",  # facilitator of the CFSN
    "other_facilitator",  # facilitator of another CFSN
    "observer",  # observer in the Strategic Leadership Forum: a member, not an executive
    "executive",  # chair of the Strategic Leadership Forum
    "admin",  # superuser
)

# What a request gets: OK a page; IN a redirect to sign in; GO a redirect elsewhere;
# NO forbidden (403); NF not found (404); PO a button's target, which acts only on a POST: a
# GET goes back to the page the button is on (tests/test_button_targets.py says which).
OK, IN, GO, NO, NF = 200, "sign in", "redirect", 403, 404
PO = GO


def each(status):
    return (status,) * len(ROLES)


def signed_in(status):
    return (IN, *(status,) * (len(ROLES) - 1))


# name (a URL name, or a namespace/prefix with *), target (which objects of the world
# fixture fill the URL: a CFSN "forum" with a published "meeting", a "draft" meeting, a
# "strategic" meeting, an "issue" on the meeting's agenda, a "restricted" issue, the
# practitioner's "own_draft", an issue "awaiting" a strategic response ...), then the status
# for: anonymous, outsider, practitioner, facilitator, other_facilitator, observer,
# executive, admin.
# fmt: off
TABLE = [
    # --- Site ------------------------------------------------------------------------
    ("healthz",                             "none",       each(OK)),
    ("home",                                "none",       signed_in(OK)),
    ("members:profile",                     "none",       signed_in(OK)),
    ("members:profile-edit",                "none",       signed_in(OK)),
    ("members:notifications",               "none",       signed_in(OK)),
    ("members:notifications-read",          "none",       signed_in(PO)),
    # Only the recipient opens a notice; it takes them on to what it is about.
    ("members:notification-open",           "notice",     (IN, NF, GO, NF, NF, NF, NF, NF)),
    ("members:notification-settings",       "none",       signed_in(OK)),
    # The signed link is the credential: anyone holding it sees the confirmation.
    ("members:notification-unsubscribe",    "unsubscribe", each(OK)),
    ("members:personal-data",               "none",       signed_in(OK)),
    ("members:personal-data-download",      "none",       signed_in(OK)),
    # Leaving asks for the password again first.
    ("members:account-deactivate",          "none",       signed_in(GO)),
    # --- Forums, calendar and feeds -----------------------------------------------------
    ("forums:forum-list",                   "none",       signed_in(OK)),
    ("forums:forum-detail",                 "forum",      signed_in(OK)),
    ("forums:forum-members",                "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-defaults",              "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:forum-member-role",            "membership", (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:forum-member-remove",          "membership", (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:calendar",                     "none",       signed_in(OK)),
    ("forums:calendar-subscribe",           "none",       signed_in(OK)),
    ("forums:calendar-feed",                "token",      each(OK)),
    ("forums:meeting-list",                 "none",       signed_in(OK)),
    ("forums:my-meetings",                  "none",       signed_in(OK)),
    ("forums:meeting-create",               "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-detail",               "meeting",    signed_in(OK)),
    ("forums:meeting-detail",               "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-detail",               "strategic",  signed_in(OK)),
    ("forums:meeting-ics",                  "meeting",    signed_in(OK)),
    ("forums:meeting-ics",                  "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-edit",                 "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-cancel",               "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-publish",              "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-complete",             "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    # --- Learning sessions: hosted by a forum, open to every signed-in member -----------
    ("forums:session-list",                 "none",       signed_in(OK)),
    ("forums:my-learning",                  "none",       signed_in(OK)),
    ("forums:my-learning-csv",              "none",       signed_in(OK)),
    ("forums:session-create",               "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-detail",               "session",    signed_in(OK)),
    ("forums:session-register",             "session",    signed_in(PO)),
    ("forums:session-cancel-registration",  "session",    signed_in(PO)),
    ("forums:session-details",              "session",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:session-details",              "meeting",    each(NF)),
    ("forums:attendance",                   "session",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    # --- Agendas, RSVPs, attendance, minutes, actions and resources ----------------------
    ("forums:agenda-edit",                  "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-edit",                  "strategic",  (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("forums:agenda-item-add",              "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-item-edit",             "item",       (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-item-delete",           "item",       (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-item-move",             "item",       (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:agenda-item-later",            "item",       (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:agenda-publish",               "meeting",    (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:agenda-pack",                  "meeting",    signed_in(OK)),
    ("forums:agenda-pack",                  "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:agenda-pack-pdf",              "meeting",    signed_in(OK)),
    ("forums:agenda-pack-pdf",              "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    # A long agenda's papers are asked of the worker by POST.
    ("insights:agenda-pack-prepare",        "meeting",    signed_in(PO)),
    ("insights:agenda-pack-prepare",        "draft",      (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:meeting-rsvp",                 "meeting",    (IN, NO, PO, PO, NO, NO, NO, PO)),
    ("forums:attendance",                   "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:minutes-edit",                 "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:minutes-publish",              "meeting",    (IN, NO, NO, PO, NO, NO, NO, PO)),
    # Unpublished minutes stay inside the forum.
    ("forums:minutes-pdf",                  "meeting",    (IN, NO, OK, OK, NO, NO, NO, OK)),
    ("forums:minutes-pdf",                  "draft",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("insights:minutes-prepare",            "meeting",    (IN, NO, PO, PO, NO, NO, NO, PO)),
    ("insights:minutes-prepare",            "draft",      (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("forums:action-create",                "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:my-actions",                   "none",       signed_in(OK)),
    ("forums:action-update",                "action",     (IN, NO, OK, OK, NO, NO, NO, OK)),
    ("forums:resource-add",                 "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:meeting-resource-add",         "meeting",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("forums:resource-download",            "resource",   (IN, NO, OK, OK, NO, NO, NO, OK)),
    ("forums:resource-download",            "draft_file", (IN, NO, NO, OK, NO, NO, NO, OK)),
    # --- Practice issues ---------------------------------------------------------------
    ("feedback:issue-list",                 "none",       signed_in(OK)),
    ("feedback:my-issues",                  "none",       signed_in(OK)),
    ("feedback:issue-create",               "none",       signed_in(OK)),
    ("feedback:issue-detail",               "issue",      signed_in(OK)),
    ("feedback:issue-detail",               "restricted", (IN, NO, OK, OK, NO, NO, NO, OK)),
    ("feedback:issue-detail",               "own_draft",  (IN, NO, OK, NO, NO, NO, NO, OK)),
    ("feedback:issue-edit",                 "own_draft",  (IN, NO, OK, NO, NO, NO, NO, OK)),
    ("feedback:issue-endorse",              "issue",      (IN, PO, NO, PO, PO, PO, PO, PO)),
    ("feedback:issue-watch",                "issue",      (IN, PO, PO, PO, PO, PO, PO, PO)),
    ("feedback:issue-comment",              "issue",      signed_in(OK)),
    # Advice is given as a lead of one of the issue's areas; nobody in this world leads one.
    ("feedback:issue-advise",               "issue",      (IN, NO, NO, NO, NO, NO, NO, NO)),
    ("feedback:lead-queue",                 "none",       (IN, NO, NO, NO, NO, NO, NO, NO)),
    # Related guidance: the submitter, those running a forum it reached, executives.
    ("feedback:issue-guidance",             "issue",      (IN, NO, OK, OK, NO, NO, OK, OK)),
    ("feedback:issue-provide-information",  "issue",      (IN, NO, OK, NO, NO, NO, NO, OK)),
    ("feedback:issue-place",                "issue",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:issue-merge",                "issue",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:issue-unmerge",              "merged",     (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:issue-request-info",         "issue",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:issue-decline",              "issue",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:issue-respond",              "awaiting",   (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("feedback:issue-respond",              "own_draft",  (IN, NO, NO, NO, NO, NO, NO, NF)),
    ("feedback:issue-respond",              "issue",      (IN, NO, NO, NO, NO, NO, GO, GO)),
    ("feedback:issue-progress",             "responded",  (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("feedback:issue-progress",             "issue",      (IN, NO, NO, NO, NO, NO, NO, NF)),
    ("feedback:outcome-record",             "started",    (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:outcome-record",             "outcome",    (IN, NO, NO, GO, NO, NO, NO, GO)),
    ("feedback:issue-out-of-session",       "issue",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:agenda-item-later",          "outcome",    (IN, NO, NO, PO, NO, NO, NO, PO)),
    ("feedback:queues",                     "none",       signed_in(OK)),
    ("feedback:forum-queue",                "forum",      (IN, NO, NO, OK, NO, NO, NO, OK)),
    ("feedback:executive-queue",            "none",       (IN, NO, NO, NO, NO, NO, OK, OK)),
    # --- Consultations: one from the Strategic forum to the CFSN, on its coming agenda ----
    ("feedback:consultation-list",          "none",       signed_in(OK)),
    ("feedback:consultation-create",        "strategic_forum", (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("feedback:consultation-detail",        "consultation", (IN, NO, OK, OK, NO, OK, OK, OK)),
    ("feedback:consultation-export",        "consultation", (IN, NO, NO, NO, NO, OK, OK, OK)),
    ("feedback:consultation-summary",       "consultation", (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("feedback:consultation-close",         "consultation", (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("feedback:consultation-record-answers", "target", (IN, NO, NO, OK, NO, NO, NO, OK)),
    # Readers who may not answer for the CFSN are sent back to the consultation.
    ("feedback:consultation-member-answers", "target", (IN, NO, OK, OK, NO, NO, NO, OK)),
    # --- Practice library: read by every member; kept by its editors (the executive runs
    # the Strategic forum) and by each item's owner (the practitioner owns "guidance").
    ("practice:guidance-list",              "none",       signed_in(OK)),
    ("practice:guidance-due",               "none",       signed_in(OK)),
    ("practice:guidance-create",            "none",       (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("practice:guidance-detail",            "guidance",   signed_in(OK)),
    ("practice:guidance-detail",            "superseded", signed_in(OK)),
    ("practice:guidance-download",          "guidance_file", signed_in(OK)),
    ("practice:guidance-download",          "guidance",   (IN, *(NF,) * 7)),
    ("practice:guidance-edit",              "guidance",   (IN, NO, OK, NO, NO, NO, OK, OK)),
    # A superseded item is the record of what was (the services refuse an administrator).
    ("practice:guidance-edit",              "superseded", (IN, NO, GO, NO, NO, NO, GO, OK)),
    ("practice:guidance-start-review",      "guidance",   (IN, NO, OK, NO, NO, NO, OK, OK)),
    ("practice:guidance-reviewed",          "guidance",   (IN, NO, OK, NO, NO, NO, OK, OK)),
    ("practice:guidance-supersede",         "guidance",   (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("practice:guidance-new-version",       "guidance",   (IN, NO, NO, NO, NO, NO, OK, OK)),
    # --- Search: every signed-in member; each result only where they may see it ---------
    ("search:results",                      "none",       signed_in(OK)),
    # --- Insights: the whole loop to executives and administrators; a forum's own view
    # to those who run it (a facilitator opening the whole loop is sent to their forum's).
    ("insights:loop-health",                "none",       (IN, NO, NO, GO, GO, NO, OK, OK)),
    ("insights:metric-csv",                 "metric",     (IN, NO, NO, NO, NO, NO, OK, OK)),
    ("insights:forum-insights",             "forum",      (IN, NO, NO, OK, NO, NO, OK, OK)),
    ("insights:forum-metric-csv",           "forum_metric", (IN, NO, NO, OK, NO, NO, OK, OK)),
    # Registers and the report are asked for (POST), then prepared by the worker; only the
    # person who asked may download what was prepared.
    ("insights:export",                     "none",       (IN, NO, NO, NO, NO, NO, PO, PO)),
    ("insights:forum-export",               "forum",      (IN, NO, NO, PO, NO, NO, PO, PO)),
    ("insights:downloads",                  "none",       signed_in(OK)),
    ("insights:download",                   "export",     (IN, NF, NF, NF, NF, NF, OK, NF)),
    ("insights:report-attach",              "none",       (IN, NO, NO, NO, NO, NO, OK, OK)),
    # --- Accounts (django-allauth) -----------------------------------------------------
    ("account_login",                       "none",       (OK, *(GO,) * 7)),
    ("account_signup",                      "none",       (OK, *(GO,) * 7)),
    ("account_logout",                      "none",       (GO, *(OK,) * 7)),
    ("account_inactive",                    "none",       each(OK)),
    ("account_reauthenticate",              "none",       signed_in(OK)),
    ("account_email",                       "none",       signed_in(OK)),
    ("account_email_verification_sent",     "none",       each(OK)),
    ("account_confirm_email",               "email_key",  each(OK)),
    ("account_change_password",             "none",       signed_in(OK)),
    ("account_set_password",                "none",       signed_in(GO)),
    ("account_reset_password",              "none",       each(OK)),
    ("account_reset_password_done",         "none",       each(OK)),
    ("account_reset_password_from_key",     "reset_key",  each(OK)),
    ("account_reset_password_from_key_done","none",       each(OK)),
    ("account_confirm_login_code",          "none",       (IN, *(GO,) * 7)),
    ("mfa_*",                               "none",       signed_in(OK)),
    # --- Single sign-on: no provider is configured here, so its pages are not found -----
    ("openid_connect_login",                "sso_provider", each(NF)),
    ("openid_connect_callback",             "sso_provider", each(NF)),
    ("socialaccount_login_cancelled",       "none",       each(OK)),
    ("socialaccount_login_error",           "none",       each(401)),  # says sign-in failed
    ("socialaccount_signup",                "none",       each(IN)),
    ("socialaccount_connections",           "none",       signed_in(OK)),
    ("accounts/social/*",                   "none",       each(OK)),
    # --- Administration (Django admin): the index stands for every admin page --------
    ("admin:*",                             "none",       (GO, GO, GO, GO, GO, GO, GO, OK)),
]
# fmt: on

# Third-party URL groups are checked through one page each.
STANDS_FOR = {
    "mfa_*": "mfa_index",
    "admin:*": "admin:index",
    # allauth's old addresses, which only redirect to the socialaccount_* pages.
    "accounts/social/*": "socialaccount_login_cancelled",
}

# Who may make each change by POST. Everyone else is refused (403, 404 or sign-in) and
# nothing is written. Pages not listed here take no POST, or take it from anyone.
POST_ALLOWED = {
    "members:profile-edit": set(ROLES) - {"anonymous"},
    "members:notifications-read": set(ROLES) - {"anonymous"},
    "members:notification-settings": set(ROLES) - {"anonymous"},
    "members:notification-unsubscribe": set(ROLES),
    "members:account-deactivate": set(ROLES) - {"anonymous"},
    "forums:forum-members": {"facilitator", "admin"},
    "forums:agenda-defaults": {"facilitator", "admin"},
    "forums:forum-member-role": {"facilitator", "admin"},
    "forums:forum-member-remove": {"facilitator", "admin"},
    "forums:calendar-subscribe": set(ROLES) - {"anonymous"},
    "forums:meeting-create": {"facilitator", "admin"},
    "forums:meeting-edit": {"facilitator", "admin"},
    "forums:meeting-cancel": {"facilitator", "admin"},
    "forums:meeting-publish": {"facilitator", "admin"},
    "forums:meeting-complete": {"facilitator", "admin"},
    "forums:agenda-edit": {"facilitator", "admin"},
    "forums:agenda-item-add": {"facilitator", "admin"},
    "forums:agenda-item-edit": {"facilitator", "admin"},
    "forums:agenda-item-delete": {"facilitator", "admin"},
    "forums:agenda-item-move": {"facilitator", "admin"},
    "forums:agenda-item-later": {"facilitator", "admin"},
    "forums:agenda-publish": {"facilitator", "admin"},
    "forums:meeting-rsvp": {"practitioner", "facilitator", "admin"},
    "forums:session-create": {"facilitator", "admin"},
    "forums:session-register": set(ROLES) - {"anonymous"},
    "forums:session-cancel-registration": set(ROLES) - {"anonymous"},
    "forums:session-details": {"facilitator", "admin"},
    "forums:attendance": {"facilitator", "admin"},
    "forums:minutes-edit": {"facilitator", "admin"},
    "forums:minutes-publish": {"facilitator", "admin"},
    "insights:agenda-pack-prepare": set(ROLES) - {"anonymous"},
    "insights:minutes-prepare": {"practitioner", "facilitator", "admin"},
    "forums:action-create": {"facilitator", "admin"},
    "forums:action-update": {"practitioner", "facilitator", "admin"},
    "forums:resource-add": {"facilitator", "admin"},
    "forums:meeting-resource-add": {"facilitator", "admin"},
    "feedback:issue-create": set(ROLES) - {"anonymous"},
    "feedback:issue-edit": {"practitioner", "admin"},
    "feedback:issue-endorse": {
        "outsider",
        "facilitator",
        "other_facilitator",
        "observer",
        "executive",
        "admin",
    },
    "feedback:issue-watch": set(ROLES) - {"anonymous"},
    "feedback:issue-comment": set(ROLES) - {"anonymous"},
    "feedback:issue-advise": set(),
    "feedback:issue-guidance": {"practitioner", "facilitator", "executive", "admin"},
    "feedback:issue-provide-information": {"practitioner", "admin"},
    "feedback:issue-place": {"facilitator", "admin"},
    "feedback:issue-merge": {"facilitator", "admin"},
    "feedback:issue-unmerge": {"facilitator", "admin"},
    "feedback:issue-request-info": {"facilitator", "admin"},
    "feedback:issue-decline": {"facilitator", "admin"},
    "feedback:issue-respond": {"executive", "admin"},
    "feedback:issue-progress": {"executive", "admin"},
    "feedback:outcome-record": {"facilitator", "admin"},
    "feedback:agenda-item-later": {"facilitator", "admin"},
    "feedback:issue-out-of-session": {"facilitator", "admin"},
    "feedback:consultation-create": {"executive", "admin"},
    "feedback:consultation-summary": {"executive", "admin"},
    "feedback:consultation-close": {"executive", "admin"},
    "feedback:consultation-record-answers": {"facilitator", "admin"},
    "feedback:consultation-member-answers": {"practitioner", "facilitator", "admin"},
    "insights:export": {"executive", "admin"},
    "insights:forum-export": {"facilitator", "executive", "admin"},
    "insights:report-attach": {"executive", "admin"},
    "practice:guidance-create": {"executive", "admin"},
    "practice:guidance-edit": {"practitioner", "executive", "admin"},
    "practice:guidance-start-review": {"practitioner", "executive", "admin"},
    "practice:guidance-reviewed": {"practitioner", "executive", "admin"},
    "practice:guidance-supersede": {"executive", "admin"},
    "practice:guidance-new-version": {"executive", "admin"},
}
OWN_NAMESPACES = ("members:", "practice:", "forums:", "feedback:", "insights:")


@dataclasses.dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str
    callback: object


def all_patterns(resolver=None, prefix="", namespace="") -> list[Pattern]:
    """Every URL pattern in the URL conf, walking included URL confs."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            found += all_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}{route}"
            found.append(Pattern(name=name, route=route, callback=entry.callback))
    return found


def row_for(name: str) -> str | None:
    keys = [row[0] for row in TABLE]
    if name in keys:
        return name
    return next((key for key in keys if "*" in key and fnmatchcase(name, key)), None)


def accepts_post(callback) -> bool:
    view = getattr(callback, "view_class", None)
    return view is not None and hasattr(view, "post") and "post" in view.http_method_names


# --- The world every row is checked in ---------------------------------------------------


@dataclasses.dataclass
class World:
    people: dict
    targets: dict


@pytest.fixture
def world(db, settings):
    settings.MFA_REQUIRED = False
    # Downloads are handed to the web server, so no file need exist on disk.
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    cfsn = ForumFactory(name="Northern CFSN", slug="northern-cfsn")
    other = ForumFactory(name="Southern CFSN", slug="southern-cfsn")
    strategic = StrategicForumFactory()
    people = {
        "outsider": UserFactory(),
        "practitioner": MembershipFactory(forum=cfsn).user,
        "facilitator": MembershipFactory(forum=cfsn, role=MembershipRole.FACILITATOR).user,
        "other_facilitator": MembershipFactory(forum=other, role=MembershipRole.FACILITATOR).user,
        "observer": MembershipFactory(forum=strategic, role=MembershipRole.OBSERVER).user,
        "executive": MembershipFactory(forum=strategic, role=MembershipRole.CHAIR).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    practitioner = people["practitioner"]
    meeting = MeetingFactory(forum=cfsn, title="Northern CFSN meeting")
    item = AgendaItemFactory(meeting=meeting, title="Standing item", notes="Discussed")
    DecisionFactory(agenda_item=item)
    action = ActionItemFactory(meeting=meeting, owner=practitioner)
    draft_meeting = MeetingFactory(forum=cfsn, status=MeetingStatus.DRAFT, title="Draft")
    held = timezone.now() - dt.timedelta(days=30)
    MeetingFactory(
        forum=cfsn,
        start=held,
        end=held + dt.timedelta(hours=2),
        status=MeetingStatus.COMPLETED,
        minutes_published_at=held + dt.timedelta(days=1),
    )
    strategic_meeting = MeetingFactory(forum=strategic, title="Strategic meeting")
    issue = PracticeIssueFactory(origin_forum=cfsn, raised_by=practitioner)
    routing.place_on_agenda(issue, meeting=meeting, by=people["facilitator"])
    restricted = PracticeIssueFactory(
        origin_forum=cfsn, raised_by=UserFactory(), restricted=True, title="Restricted"
    )
    draft_issue = PracticeIssueFactory(
        origin_forum=cfsn,
        raised_by=practitioner,
        status=IssueStatus.DRAFT,
        title="Private draft",
        referral=False,
    )
    awaiting = PracticeIssueFactory(origin_forum=cfsn, current_forum=strategic)
    # The chair owns the response to this one, so posts its progress.
    responded = ResponseFactory(
        issue=PracticeIssueFactory(
            origin_forum=cfsn, status=IssueStatus.RESPONDED, title="Answered"
        ),
        owner=people["executive"],
    ).issue
    merged = PracticeIssueFactory(origin_forum=cfsn, title="Duplicate")
    routing.merge_issues(merged, into=issue, by=people["facilitator"])
    notice = NotificationFactory(recipient=practitioner, url="/forums/")
    # An issue on the agenda of a meeting that started an hour ago takes its outcome now.
    with time_machine.travel(timezone.now() - dt.timedelta(hours=2), tick=False):
        soon = timezone.now() + dt.timedelta(hours=1)
        started_meeting = MeetingFactory(
            forum=cfsn, title="Meeting under way", start=soon, end=soon + dt.timedelta(hours=3)
        )
        started = PracticeIssueFactory(origin_forum=cfsn, title="Discussed now")
        routing.place_on_agenda(started, meeting=started_meeting, by=people["facilitator"])
    guidance = GuidanceItemFactory(owner=practitioner)
    superseded = GuidanceItemFactory(
        owner=practitioner, status=GuidanceStatus.SUPERSEDED, superseded_by=guidance
    )
    guidance_file = GuidanceItemFactory(url="", file="library/guide.pdf")
    consultation = consultations.open_consultation(
        strategic,
        by=people["executive"],
        title="Intake",
        brief="How is intake going?",
        questions=["What works?"],
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        forums=[cfsn],
    )
    targets = {
        "none": {},
        "guidance": {"pk": guidance.pk},
        "superseded": {"pk": superseded.pk},
        "guidance_file": {"pk": guidance_file.pk},
        "forum": {"slug": cfsn.slug},
        "strategic_forum": {"slug": strategic.slug},
        "consultation": {"pk": consultation.pk},
        "target": {"pk": consultation.targets.get().pk},
        "membership": {"slug": cfsn.slug, "pk": practitioner.memberships.get().pk},
        "token": {"token": CalendarFeedFactory(user=practitioner).token},
        "meeting": {"pk": meeting.pk},
        "session": {"pk": LearningSessionFactory(forum=cfsn, capacity=2).pk},
        "draft": {"pk": draft_meeting.pk},
        "strategic": {"pk": strategic_meeting.pk},
        "item": {"pk": meeting.pk, "item_pk": item.pk},
        "action": {"pk": action.pk},
        "resource": {"pk": file_resource(forum=cfsn).pk},
        "draft_file": {"pk": file_resource(forum=cfsn, meeting=draft_meeting).pk},
        "issue": {"pk": issue.pk},
        "restricted": {"pk": restricted.pk},
        "own_draft": {"pk": draft_issue.pk},
        "awaiting": {"pk": awaiting.pk},
        "responded": {"pk": responded.pk},
        "merged": {"pk": merged.pk},
        "outcome": {"item_pk": issue.referrals.get().agenda_item.pk},
        "started": {"item_pk": started.referrals.get().agenda_item.pk},
        "metric": {"metric": "flow"},
        "forum_metric": {"slug": cfsn.slug, "metric": "flow"},
        "export": {"pk": ExportFactory(requested_by=people["executive"], ready=b"Ref\r\n").pk},
        "email_key": {"key": "no-such-key"},
        "reset_key": {"uidb36": "zz", "key": "no-such-key"},
        "sso_provider": {"provider_id": "agency"},
        "notice": {"pk": notice.pk},
        "unsubscribe": {"token": unsubscribe_token(practitioner.pk, None)},
    }
    return World(people=people, targets=targets)


def file_resource(**fields):
    return ResourceFactory(kind=ResourceKind.FILE, url="", file="resources/guide.pdf", **fields)


def url_of(world: World, name: str, target: str) -> str:
    return reverse(STANDS_FOR.get(name, name), kwargs=world.targets[target])


def client_for(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.people[role])
    return client


def outcome(response) -> int | str:
    if response.status_code == 302:
        return IN if "/accounts/login/" in response["Location"] else GO
    return response.status_code


def snapshot() -> dict:
    """Row counts of every model, and the states a POST could move."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "sessions.Session"  # signing in writes one
    }
    meeting = apps.get_model("forums", "Meeting")
    issue = apps.get_model("feedback", "PracticeIssue")
    membership = apps.get_model("forums", "Membership")
    item = apps.get_model("forums", "AgendaItem")
    return {
        **counts,
        "meetings": sorted(meeting.objects.values_list("pk", "status", "sequence", "title")),
        "issues": sorted(issue.objects.values_list("pk", "status", "current_forum", "title")),
        "memberships": sorted(membership.objects.values_list("pk", "role")),
        "items": sorted(item.objects.values_list("pk", "position", "title", "notes")),
    }


# --- The tests -----------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    missing = sorted({p.name for p in all_patterns() if row_for(p.name) is None})

    assert missing == [], "\n".join(f"add a row for {name}" for name in missing)


def test_every_row_names_a_url_pattern():
    names = {p.name for p in all_patterns()}
    stale = [
        key
        for key, _, _ in TABLE
        if key not in names and not any(fnmatchcase(name, key) for name in names)
    ]

    assert stale == []


def test_every_post_rule_names_a_url_that_takes_post():
    takes_post = {p.name for p in all_patterns() if accepts_post(p.callback)}

    assert set(POST_ALLOWED) - takes_post == set()
    own = {name for name in takes_post if name.startswith(OWN_NAMESPACES)}
    assert own - set(POST_ALLOWED) == set(), "add a POST_ALLOWED entry for these"


@pytest.mark.parametrize("role", ROLES)
def test_get_every_url_as_role_gets_the_status_in_the_table(world, role):
    column = ROLES.index(role)
    wrong = []
    for name, target, statuses in TABLE:
        url = url_of(world, name, target)
        got = outcome(client_for(world, role).get(url))
        if got != statuses[column]:
            wrong.append(f"{name} [{target}] {url}: expected {statuses[column]}, got {got}")

    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_empty_post_by_role_that_may_not_change_is_refused_and_changes_nothing(world, role):
    targets = {}
    for name, target, _ in TABLE:
        targets.setdefault(name, target)
    refused_posts = [name for name, allowed in POST_ALLOWED.items() if role not in allowed]
    before = snapshot()
    wrong = []
    for name in refused_posts:
        url = url_of(world, name, targets[name])
        got = outcome(client_for(world, role).post(url, {}))
        if got not in (NO, NF, IN):
            wrong.append(f"{name} {url}: got {got}")

    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_empty_post_to_the_admin_by_anyone_but_an_administrator_changes_nothing(world, role):
    before = snapshot()

    response = client_for(world, role).post(reverse("admin:forums_forum_add"), {"name": "X"})

    assert outcome(response) in (GO, IN)
    assert snapshot() == before
