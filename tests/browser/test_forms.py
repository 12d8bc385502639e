"""A form is sent once, however often its button is pressed while the page is on its way."""

from django.urls import reverse

from .conftest import DEMO_ACCOUNTS, sign_in

# Presses the form's button twice, as fast as a double click, and counts the submissions
# the browser would send: a listener on the window hears each one last, and stops it going
# out so that the page stays to be asked.
PRESS_TWICE = """
button => {
  let sent = 0;
  window.addEventListener("submit", event => {
    if (!event.defaultPrevented) { sent += 1; }
    event.preventDefault();
  });
  button.click();
  button.click();
  return sent;
}
"""


def test_raise_issue_pressed_twice_sends_the_form_once(page, demo_data):
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    page.goto(reverse("feedback:issue-create"))
    button = page.get_by_role("button", name="Raise issue")

    sent = button.evaluate(PRESS_TWICE)

    assert sent == 1
    assert page.get_by_role("button", name="Raise issue").is_visible()
    assert page.console_errors == []
