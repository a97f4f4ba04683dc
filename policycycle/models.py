"""The policy side: stages, techniques, case studies, policy projects and evaluation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Effort(models.TextChoices):
    LOW = "low", "Low: days, little or no budget"
    MEDIUM = "medium", "Medium: a few weeks and a modest budget"
    HIGH = "high", "High: months, a dedicated team or budget"


EFFORT_RANK: dict[str, int] = {Effort.LOW: 1, Effort.MEDIUM: 2, Effort.HIGH: 3}


class Audience(models.TextChoices):
    PUBLIC = "public", "The general public"
    PROFESSIONALS = "professionals", "Frontline professionals (nurses, doctors, care workers)"
    ORGANISATIONS = "organisations", "Stakeholder organisations and experts"
    SELDOM_HEARD = "seldom_heard", "People who are seldom heard or less likely to be online"
    INTERNAL = "internal", "Colleagues across government"


class PortalFeature(models.TextChoices):
    DRAFT = "draft_bill", "A commentable draft"
    FORMAL = "formal", "A formal consultation"
    IDEAS = "ideas", "An ideas exercise"
    EVENT = "event", "An engagement event"
    EVALUATION = "evaluation", "Evaluation figures"
    NONE = "", "Outside the portal"


class Stage(models.Model):
    """One of the four stages of the policy cycle."""

    slug = models.SlugField(max_length=80, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    description = models.TextField(blank=True, help_text="Markdown.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policycycle:stage-detail", kwargs={"slug": self.slug})


class Activity(models.Model):
    """Something policymakers do within a stage (gathering evidence, asking questions...)."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="activities")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage__number", "position"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Technique(models.Model):
    """A digital tool or technique, with when to use it and what it costs."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(help_text="What it is, in a sentence or two.")
    when_to_use = models.TextField(help_text="Markdown.")
    effort = models.CharField(max_length=8, choices=Effort.choices, default=Effort.MEDIUM)
    risks = models.TextField(blank=True, help_text="Markdown.")
    accessibility = models.TextField(blank=True, help_text="Markdown: making it accessible.")
    assisted_digital = models.TextField(
        blank=True, help_text="Markdown: how people who are not online can take part."
    )
    portal_feature = models.CharField(max_length=12, choices=PortalFeature.choices, blank=True)
    audiences = models.JSONField(default=list, blank=True, help_text="Audience keys it reaches well.")
    is_formal_consultation = models.BooleanField(
        default=False, help_text="Meets the requirements for a formal public consultation."
    )
    stages = models.ManyToManyField(Stage, related_name="techniques")
    activities = models.ManyToManyField(Activity, related_name="techniques")
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[stages, activities])

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policycycle:technique-detail", kwargs={"slug": self.slug})

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels[a] for a in self.audiences if a in labels]


class CaseStudy(models.Model):
    """A real programme that used a technique, with only the facts its source states."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=250)
    organisation = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField()
    body = models.TextField(blank=True, help_text="Markdown: what happened, facts and figures only.")
    source = models.CharField(max_length=300, help_text="Title of the source, as it cites itself.")
    source_url = models.URLField(max_length=500)
    techniques = models.ManyToManyField(Technique, related_name="case_studies", blank=True)
    stages = models.ManyToManyField(Stage, related_name="case_studies", blank=True)
    is_published = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[techniques, stages])

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policycycle:casestudy-detail", kwargs={"slug": self.slug})


class Testimonial(models.Model):
    """A short quotation from someone involved, with its source."""

    case_study = models.ForeignKey(
        CaseStudy, null=True, blank=True, on_delete=models.CASCADE, related_name="testimonials"
    )
    quote = models.TextField()
    person = models.CharField(max_length=200)
    role = models.CharField(max_length=250, blank=True)
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.quote[:40]}"


class PolicyProject(models.Model):
    """A piece of policy work that owns consultations, idea exercises and engagement events."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=250)
    summary = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text="Markdown, shown on the public page.")
    team_notes = models.TextField(blank=True, help_text="Markdown, for the team only.")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="projects")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policycycle:project-detail", kwargs={"slug": self.slug})


class ProjectDecision(models.Model):
    """A decision the team recorded at a stage of the project. Public unless marked otherwise."""

    project = models.ForeignKey(PolicyProject, on_delete=models.CASCADE, related_name="decisions")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField(max_length=250)
    body = models.TextField(blank=True, help_text="Markdown: what was decided and why.")
    decided_on = models.DateField()
    is_public = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


# Unique visitors without cookies: a salted hash per (IP, user agent, day), deduplicated within the day.
class VisitSalt(models.Model):
    """Today's random salt. Deleted when the day rolls over, so past hashes cannot be reversed."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Salt for {self.day}"


class DailyVisitorHash(models.Model):
    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "day", "digest"], name="unique_visitor_per_day")
        ]

    def __str__(self) -> str:
        return f"Visitor on {self.day}"


class DailyVisitorCount(models.Model):
    """Distinct visitors to a consultation's pages on one past day (the hashes are gone)."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="daily_visitor_counts"
    )
    day = models.DateField()
    visitors = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "day"], name="unique_visitor_count_day")
        ]

    def __str__(self) -> str:
        return f"{self.visitors} visitors on {self.day}"


class CapabilityArea(models.TextChoices):
    LEADERSHIP = "leadership", "Leadership and culture"
    USER_NEEDS = "user_needs", "Understanding users and their needs"
    ENGAGEMENT = "engagement", "Digital engagement and open policymaking"
    DATA = "data", "Data, evidence and analysis"
    INCLUSION = "inclusion", "Accessibility and assisted digital"
    SKILLS = "skills", "Skills and learning"
    TOOLS = "tools", "Tools and technology"
    EVALUATION = "evaluation", "Measuring what works"


class CapabilityAssessment(models.Model):
    """A team's self-assessment against the digital capability maturity levels, on one date."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="capability_assessments")
    assessed_on = models.DateField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.team} on {self.assessed_on}"


class CapabilityScore(models.Model):
    assessment = models.ForeignKey(CapabilityAssessment, on_delete=models.CASCADE, related_name="scores")
    area = models.CharField(max_length=20, choices=CapabilityArea.choices)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="unique_capability_area"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="capability_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.level}"
