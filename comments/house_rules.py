"""The house rules: shown at /comments/house-rules/ and the only reasons a moderator may give."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    text: str


RULES: tuple[Rule, ...] = (
    Rule(
        "civil",
        "Be civil",
        "No abuse, threats, harassment or discrimination against anyone, including officials.",
    ),
    Rule(
        "on_topic",
        "Stay on topic",
        "Comment on the clause, the document or the consultation you are reading. "
        "Other matters belong elsewhere.",
    ),
    Rule(
        "no_spam",
        "No spam or advertising",
        "No adverts, repeated identical posts or links that promote a product, service or website.",
    ),
    Rule(
        "no_personal_information",
        "Protect personal information",
        "Do not post anyone's address, phone number, email, health details or other personal information, "
        "including your own.",
    ),
    Rule(
        "lawful",
        "Keep within the law",
        "Nothing defamatory, in contempt of court, or that breaks copyright or reporting restrictions.",
    ),
    Rule(
        "no_impersonation",
        "Be yourself",
        "Do not pretend to be someone else or to speak for an organisation you do not represent.",
    ),
)
BY_CODE = {rule.code: rule for rule in RULES}
CHOICES = [(rule.code, rule.title) for rule in RULES]
