from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .choices import DIGESTS, Delivery, NotificationKind, Sector

# How a deactivated account's contributions are attributed, where the setting asks for it.
FORMER_MEMBER = _("a former member")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class AppendOnlyModel(models.Model):
    """An audit record: written once, never rewritten or deleted through the ORM's models."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} are append-only.")


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PracticeArea(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # Issues in this area ask the forum to seek input from an Aboriginal community-controlled
    # organisation's member, or the area's lead, before an outcome is recorded.
    seeks_acco_input = models.BooleanField(
        _("seeks input from Aboriginal community-controlled organisations"),
        default=False,
        db_default=False,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# What naming a person reads (`str(user)`): for `only()` where a list shows people by name
# and loading their whole account would cost more than the rest of the row.
NAME_FIELDS = ("is_active", "display_name", "email")


def name_fields(path: str) -> tuple[str, ...]:
    """The person reached by `path` ("owner"), with only what naming them reads."""
    return (path, *(f"{path}__{name}" for name in NAME_FIELDS))


class User(AbstractUser):
    """A person who uses the portal; they sign in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        max_length=150, blank=True, help_text=_("How your name is shown to other members.")
    )
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    practice_areas = models.ManyToManyField(PracticeArea, blank=True, related_name="members")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        if not self.is_active and settings.FORMER_MEMBER_ATTRIBUTION:
            return str(FORMER_MEMBER)
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def get_absolute_url(self) -> str:
        return reverse("members:profile")


class Notification(models.Model):
    """A message to one person: listed in the portal and sent by email once.

    The row is the outbox entry: while `sent_at` is empty an email is owed, and it is tried
    again at `next_attempt_at`. A row given up on keeps `sent_at` and `next_attempt_at` empty.
    """

    # Its indexes lead with it (see Meta), so it has none of its own.
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(
        max_length=20,
        choices=NotificationKind.choices,
        default=NotificationKind.OTHER,
        db_default=NotificationKind.OTHER,
    )
    # How the recipient chose to hear of this kind when the row was written: only immediate
    # rows are due to the sweeper; digest rows wait for their digest; off rows owe nothing.
    delivery = models.CharField(
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
        db_default=Delivery.IMMEDIATE,
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # A person's notifications, newest first, a page at a time.
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_newest_idx"
            ),
            # The daily retention sweep deletes by age.
            models.Index(fields=["created_at"], name="notification_created_idx"),
            # The sweeper's question, "which owed emails are due?", reads only this small index.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_unsent_due_idx",
                condition=models.Q(sent_at__isnull=True),
            ),
            # The digest runs ask "who is owed a daily (weekly) digest?" of this small index.
            models.Index(
                fields=["delivery", "recipient"],
                name="notification_digest_owed_idx",
                condition=models.Q(sent_at__isnull=True, delivery__in=DIGESTS),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def is_given_up(self) -> bool:
        return (
            self.delivery == Delivery.IMMEDIATE
            and self.sent_at is None
            and self.next_attempt_at is None
        )

    @property
    def local_url(self) -> str:
        """The notice's link if it stays on the portal (a path), else empty: opening a notice
        must never send someone to another site."""
        url = self.url
        if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
            return url
        return ""

    @property
    def awaits_digest(self) -> bool:
        return self.delivery in DIGESTS and self.sent_at is None


class NotificationPreference(models.Model):
    """How one person hears of one kind of notice by email; no row means at once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} — {self.get_delivery_display()}"
