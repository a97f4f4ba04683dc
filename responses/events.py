"""What happens to an idea that its author is told about (notices.receivers listens). Sent inside the
service's transaction with `idea` as a keyword argument."""

from django.dispatch import Signal

idea_status_changed = Signal()
