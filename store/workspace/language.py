"""The language a person chose for Orderdesk's answers (`/orders language es|en|auto`).

The store keeps the choice only; which languages exist and how a locale is formatted are
messages/' business, so the caller passes the languages it offers.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select

from store import clock
from store.db import Database
from store.errors import ValidationFailed
from store.models import UserLanguage

AUTO = "auto"  # no choice kept: Slack's locale, then the workspace default
_LANGUAGE = select(UserLanguage.language).where(
    UserLanguage.slack_user_id == bindparam("user_id"))


def language_of(db: Database, *, user_id: str) -> str | None:
    """The language `user_id` chose, None if they chose none (or `auto`)."""
    with db.read() as session:
        return session.execute(_LANGUAGE, {"user_id": user_id}).scalar_one_or_none()


def check_language(language: str | None, offered: Collection[str]) -> str:
    """`language` as kept ("es"), or AUTO; ValidationFailed naming the choices otherwise."""
    language = (language or "").strip().lower()
    if language != AUTO and language not in offered:
        choices = " | ".join([*sorted(offered), AUTO])
        raise ValidationFailed({"language": f"`{language or '…'}` is not a language Orderdesk "
                                            f"speaks; use one of {choices}."})
    return language


def set_language(db: Database, *, user_id: str, language: str,
                 offered: Collection[str]) -> str | None:
    """Keep `language` (one of `offered`, or `auto` to forget the choice) for `user_id`;
    returns what is kept now (None for auto)."""
    language = check_language(language, offered)
    with db.write() as session:
        row = session.get(UserLanguage, user_id)
        if language == AUTO:
            if row is not None:
                session.delete(row)
            return None
        if row is None:
            session.add(UserLanguage(slack_user_id=user_id, language=language))
        else:
            row.language, row.updated_at = language, clock.now()
        return language
