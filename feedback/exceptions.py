from django.utils.translation import gettext


class TransitionNotAllowed(Exception):
    """A move the issue's workflow does not allow; the message is a readable sentence."""


class OwnerRefused(TransitionNotAllowed):
    """The person named to own an action cannot: the message is said next to their field."""


class IdentifyingDetailsFound(ValueError):
    """Text that looks like identifying client information was submitted."""

    def __init__(self, findings):
        self.findings = findings
        described = "; ".join(f.describe() for f in findings)
        super().__init__(
            gettext("This looks like identifying client information: %(findings)s.")
            % {"findings": described}
        )
