"""Users (email is the login), teams and per-team roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import about


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        BANNED = "banned", "Banned"

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    # Who they comment as, given once and optionally on their profile (never shown publicly): draft-bill
    # dashboards break down by them as formal consultations do by a response's answers.
    respondent_type = models.CharField(max_length=12, choices=about.RespondentType.choices, blank=True)
    organisation_type = models.CharField(max_length=20, choices=about.OrganisationType.choices, blank=True)
    region = models.CharField(max_length=20, choices=about.Region.choices, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    suspended_until = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What the public sees: the display name, never the email address."""
        return self.display_name or "Anonymous participant"

    @property
    def email_verified(self) -> bool:
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, email__iexact=self.email, verified=True).exists()

    @property
    def may_participate(self) -> bool:
        """Signed in, verified, and neither banned nor currently suspended."""
        if not self.is_active or self.status == self.Status.BANNED:
            return False
        if self.status == self.Status.SUSPENDED and (
            self.suspended_until is None or self.suspended_until > timezone.now()
        ):
            return False
        return self.email_verified


class Team(models.Model):
    """A consultation team: the officials who publish, moderate and analyse its consultations."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    department = models.CharField(max_length=200, blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MODERATOR = "moderator", "Moderator"
    ANALYST = "analyst", "Analyst / policy officer"
    PUBLISHER = "publisher", "Publisher (team lead)"


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user", "role"], name="unique_team_role")]

    def __str__(self) -> str:
        return f"{self.user.email} {self.role} in {self.team}"
