from django.urls import path  # noqa: F401 - filled in by each area below

app_name = "forums"

urlpatterns = [
    # --- Forums, membership, scheduling, calendar and feeds ---------------------------
    # --- Agendas, RSVPs, attendance, minutes, actions and resources ------------------
]
