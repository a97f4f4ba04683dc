"""Everything one respondent said in a consultation: their response's answers and their comments."""

from __future__ import annotations

from comments.models import Comment
from responses.models import Answer, Response

from .explorer import decorate


def respondent_units(consultation, key: str) -> dict | None:
    """`key` is a response reference, or `user-<id>` for someone who only commented."""
    response = None
    user_id = None
    if key.startswith("user-") and key[5:].isdigit():
        user_id = int(key[5:])
        response = Response.objects.filter(consultation=consultation, respondent_id=user_id).first()
    else:
        response = (
            Response.objects.filter(consultation=consultation, reference=key)
            .select_related("respondent")
            .first()
        )
        if response is None:
            return None
        user_id = response.respondent_id
    answers = []
    if response is not None:
        answers = decorate(
            "answer", list(Answer.objects.filter(response=response).select_related("question"))
        )
    comments = []
    author = None
    if user_id:
        qs = (
            Comment.objects.filter(consultation=consultation, author_id=user_id)
            .select_related("section", "author")
            .order_by("created_at")
        )
        comments = decorate("comment", list(qs))
        author = comments[0].obj.author if comments else (response.respondent if response else None)
    if response is None and not comments:
        return None
    return {"response": response, "answers": answers, "comments": comments, "author": author}
