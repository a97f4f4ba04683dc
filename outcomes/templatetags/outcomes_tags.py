"""The response ledger on the consultation's public pages ("you said, we did"), which belong to the
consultations app below: `{% consultation_ledger consultation as ledger %}`,
`{% question_ledger consultation as question_ledger %}`,
`{% clause_ledger consultation section as ledger %}`."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def consultation_ledger(consultation):
    return selectors.public_clause_entries(consultation)


@register.simple_tag
def question_ledger(consultation):
    return selectors.public_question_entries(consultation)


@register.simple_tag
def clause_ledger(consultation, section):
    return selectors.clause_ledger(consultation, section)
