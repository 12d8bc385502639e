"""A button's target acts only on a POST. Its address followed as a GET — after signing in
again, when the session ran out before the button was pressed — goes back to the page the
button is on, where it can be pressed again, and changes nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from feedback.models import Endorsement
from forums.models import AgendaItem
from tests.factories.members import PASSWORD
from tests.test_url_permissions import client_for, snapshot, url_of, world  # noqa: F401


def meeting_page(w, target="meeting"):
    return reverse("forums:meeting-detail", kwargs={"pk": w.targets[target]["pk"]})


def agenda_builder(w, target):
    item_pk = w.targets[target]["item_pk"]
    meeting_pk = AgendaItem.objects.get(pk=item_pk).meeting_id
    return f"{reverse('forums:agenda-edit', kwargs={'pk': meeting_pk})}#item-{item_pk}"


# name, target, who presses the button, the page the button is on.
BUTTONS = [
    (
        "members:notifications-read",
        "none",
        "practitioner",
        lambda w: reverse("members:notifications"),
    ),
    (
        "forums:forum-member-role",
        "membership",
        "facilitator",
        lambda w: reverse("forums:forum-members", kwargs={"slug": "northern-cfsn"}),
    ),
    (
        "forums:forum-member-remove",
        "membership",
        "facilitator",
        lambda w: reverse("forums:forum-members", kwargs={"slug": "northern-cfsn"}),
    ),
    (
        "forums:session-register",
        "session",
        "practitioner",
        lambda w: f"{meeting_page(w, 'session')}#registration-heading",
    ),
    (
        "forums:session-cancel-registration",
        "session",
        "practitioner",
        lambda w: f"{meeting_page(w, 'session')}#registration-heading",
    ),
    ("forums:agenda-item-move", "item", "facilitator", lambda w: agenda_builder(w, "item")),
    ("forums:agenda-item-later", "item", "facilitator", lambda w: agenda_builder(w, "item")),
    (
        "forums:agenda-publish",
        "meeting",
        "facilitator",
        lambda w: reverse("forums:agenda-edit", kwargs=w.targets["meeting"]),
    ),
    ("forums:meeting-rsvp", "meeting", "practitioner", meeting_page),
    ("forums:minutes-publish", "meeting", "facilitator", meeting_page),
    (
        "insights:agenda-pack-prepare",
        "meeting",
        "practitioner",
        lambda w: reverse("forums:agenda-pack-pdf", kwargs=w.targets["meeting"]),
    ),
    (
        "insights:minutes-prepare",
        "meeting",
        "practitioner",
        lambda w: reverse("forums:minutes-pdf", kwargs=w.targets["meeting"]),
    ),
    (
        "feedback:issue-endorse",
        "issue",
        "facilitator",
        lambda w: reverse("feedback:issue-detail", kwargs=w.targets["issue"]),
    ),
    (
        "feedback:issue-watch",
        "issue",
        "practitioner",
        lambda w: reverse("feedback:issue-detail", kwargs=w.targets["issue"]),
    ),
    (
        "feedback:agenda-item-later",
        "outcome",
        "facilitator",
        lambda w: agenda_builder(w, "outcome"),
    ),
    ("insights:export", "none", "executive", lambda w: reverse("insights:loop-health")),
    (
        "insights:forum-export",
        "forum",
        "facilitator",
        lambda w: reverse("insights:forum-insights", kwargs={"slug": "northern-cfsn"}),
    ),
]


@pytest.mark.parametrize(("name", "target", "role", "page"), BUTTONS, ids=[b[0] for b in BUTTONS])
def test_get_of_a_button_target_goes_back_to_the_buttons_page_and_changes_nothing(
    world,  # noqa: F811
    name,
    target,
    role,
    page,
):
    before = snapshot()

    response = client_for(world, role).get(url_of(world, name, target))

    assert response.status_code == 302
    assert response["Location"] == page(world)
    assert snapshot() == before


def test_endorsing_after_the_session_ran_out_signs_in_and_lands_back_on_the_issue(
    world,  # noqa: F811
):
    facilitator = world.people["facilitator"]
    endorse_url = url_of(world, "feedback:issue-endorse", "issue")
    issue_url = reverse("feedback:issue-detail", kwargs=world.targets["issue"])
    client = client_for(world, "anonymous")

    to_sign_in = client.post(endorse_url)
    next_url = parse_qs(urlsplit(to_sign_in["Location"]).query)["next"][0]
    signed_in = client.post(
        reverse("account_login"),
        {"login": facilitator.email, "password": PASSWORD, "next": next_url},
    )
    landed = client.get(signed_in["Location"], follow=True)

    assert next_url == endorse_url
    assert landed.redirect_chain == [(issue_url, 302)]
    assert landed.status_code == 200
    assert f'action="{endorse_url}"' in landed.content.decode()
    # The press before signing in is not replayed: the person presses again, knowingly.
    assert not Endorsement.objects.filter(user=facilitator).exists()
