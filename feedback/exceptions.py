class TransitionNotAllowed(Exception):
    """A move the issue's workflow does not allow; the message is a readable sentence."""


class IdentifyingDetailsFound(ValueError):
    """Text that looks like identifying client information was submitted."""

    def __init__(self, findings):
        self.findings = findings
        described = "; ".join(f.describe() for f in findings)
        super().__init__(f"This looks like identifying client information: {described}.")
