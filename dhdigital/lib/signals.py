"""Signals a lower app sends for the apps above it to act on, so that it never imports them
(docs/architecture.md: what a lower app needs from a higher one, the higher one registers). Receivers are
connected in the higher app's AppConfig.ready()."""

from __future__ import annotations

from django.dispatch import Signal

# Response units (comments, answers, ideas, ...: insights/units.py) saved with text to analyse; sent once
# the transaction has committed. Arguments: kind, pks. The insights app queues their enrichment; one not
# queued (the broker down) is caught up by its periodic sweep.
units_saved = Signal()

# A worker holding a new unit wants it enriched now, in the same task (comments.tasks.comment_posted does
# it in the message that notifies followers). Arguments: kind, pk. A receiver returns whether it enriched
# the unit.
enrich_now = Signal()

# The text of response units was removed (an account erased with its text): nothing derived from it may
# stay. Arguments: kind, pks, texts (the removed texts), consultations (their ids). Sent inside the
# erasure's transaction; the insights app deletes scores, theme tags, campaign membership, and the
# quotes and summary sentences taken from them.
units_erased = Signal()
