"""The CSRF failure page, drawn like every other page (Django's own has no request context)."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)
