"""Who someone responds as: individual or organisation, the organisation's type and where they are based.
The same choices describe a response to a formal consultation (responses.models.Response) and, given
once and optionally on a person's profile, everyone who comments on a draft bill, so both dashboards
break down alike."""

from __future__ import annotations

from django.db import models


class RespondentType(models.TextChoices):
    INDIVIDUAL = "individual", "As an individual"
    ORGANISATION = "organisation", "On behalf of an organisation"


class OrganisationType(models.TextChoices):
    CHARITY = "charity", "Charity or voluntary organisation"
    BUSINESS = "business", "Business"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH_BODY = "health_body", "NHS or health body"
    PROFESSIONAL = "professional", "Professional or representative body"
    ACADEMIC = "academic", "Academic or research"
    PUBLIC_BODY = "public_body", "Other public body"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    OUTSIDE_UK = "outside_uk", "Outside the UK"
