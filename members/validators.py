from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string


def no_identifying_details(value: str) -> None:
    """Refuse text that looks like identifying client information, saying what and where.

    The guard itself is named by settings.PRIVACY_GUARD, so every app uses the one guard
    without importing the app that owns it."""
    findings = import_string(settings.PRIVACY_GUARD)(value or "")
    if findings:
        found = "; ".join(f.describe() for f in findings)
        raise ValidationError(
            f"This looks like identifying client information: {found}. "
            "Remove it: the portal records practice, never details of a client.",
            code="identifying_details",
        )
