from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and moderation"

    def ready(self) -> None:
        from consultations import search
        from consultations import selectors as consultation_selectors

        from . import privacy, signals  # noqa: F401 - connect the receivers, register the personal data
        from .selectors import published_counts_by_section, search_comments

        search.register("comments", search_comments)
        consultation_selectors.register_section_counts(published_counts_by_section)
