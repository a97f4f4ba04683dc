"""What happens to a consultation that people outside the team are told about (notices.receivers
listens). Sent by the lifecycle services inside their transaction, with `consultation` (and `document`
for a new version) as keyword arguments; a receiver must only record and queue, never send."""

from django.dispatch import Signal

consultation_published = Signal()
consultation_closed = Signal()
outcome_published = Signal()
version_published = Signal()
