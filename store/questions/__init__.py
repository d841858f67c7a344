"""Sales reps' questions in plain words, answered; threads that follow an order and
are told when it changes (other domains call notify_* inside their write transaction).
"""

from __future__ import annotations

from store.questions.answers import ThreadRef, answer_order, answer_question
from store.questions.follows import (
    Audience,
    follow,
    follow_notice,
    is_followed_thread,
    kind_words,
    notify_edit,
    notify_followers,
    unfollow,
)

__all__ = [
    "Audience",
    "ThreadRef",
    "answer_order",
    "answer_question",
    "follow",
    "follow_notice",
    "is_followed_thread",
    "kind_words",
    "notify_edit",
    "notify_followers",
    "unfollow",
]
