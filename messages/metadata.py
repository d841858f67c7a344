"""What a modal remembers between opening and submit (private_metadata), and what a button
carries (its value): small frozen dataclasses, written and read as JSON here and nowhere else.

A subclass lists its fields; `loads` turns JSON lists back into tuples and numbers back into
ints by the field's type. `KEYS` renames fields in the JSON where a value must stay short or
must keep reading what buttons already posted in channels carry.
"""

from __future__ import annotations

import json
import secrets
import types
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Self


@dataclass(frozen=True)
class Metadata:
    KEYS: ClassVar[Mapping[str, str]] = {}

    def dumps(self) -> str:
        data = {self.KEYS.get(name, name): value for name, value in asdict(self).items()}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> Self:
        data = read_json(text)
        hints = typing.get_type_hints(cls)
        found = {f.name: data[cls.KEYS.get(f.name, f.name)] for f in fields(cls)
                 if cls.KEYS.get(f.name, f.name) in data}
        return cls(**{name: _typed(hints[name], value) for name, value in found.items()})


def read_json(text: str | None) -> dict[str, Any]:
    """The JSON object a view or button carries; {} when it carries none (or text that is not
    ours: a required field then fails to load, loudly)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# The key of a modal's submission token in its private_metadata: put there when the modal
# opens (handlers.kit.Reply), so two deliveries of one submission are known to be one.
SUBMISSION_KEY = "submission"


def with_submission_token(view: dict) -> dict:
    """The view with a fresh token in its private_metadata; a view without a Submit button
    cannot be submitted and is left as it is."""
    if not view.get("submit"):
        return view
    data = read_json(view.get("private_metadata"))
    data[SUBMISSION_KEY] = secrets.token_urlsafe(16)
    return {**view, "private_metadata": json.dumps(data, separators=(",", ":"))}


def keep_submission_token(view: dict, current: dict | None) -> dict:
    """`view` replacing `current` in place (views.update): still the same form, so it keeps
    the token `current` was opened with."""
    token = read_json((current or {}).get("private_metadata")).get(SUBMISSION_KEY)
    if not token:
        return with_submission_token(view)
    data = {**read_json(view.get("private_metadata")), SUBMISSION_KEY: token}
    return {**view, "private_metadata": json.dumps(data, separators=(",", ":"))}


def submission_token(view: dict | None) -> str | None:
    """The token a submitted view carries; for a modal opened before tokens existed, its
    view id and hash (they stay the same while one view state is submitted again)."""
    view = view or {}
    token = read_json(view.get("private_metadata")).get(SUBMISSION_KEY)
    if isinstance(token, str) and token:
        return token
    if view.get("id") and view.get("hash"):
        return f"view:{view['id']}:{view['hash']}"
    return None


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _typed(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        return tuple(_typed(args[0], item) for item in value)
    if hint is int:
        return int(value)
    return value


@dataclass(frozen=True)
class OrderModalMetadata(Metadata):
    """A modal about one order (cancel, the stale-edit notice), and where to confirm."""

    ref: str
    channel_id: str | None = None


# The key of the response_url a modal was opened from (a slash command's, a button's): the
# confirmation after its submission goes there, since Slack takes it where the app may not
# post (a DM between people, a private channel the app is not in).
REPLY_URL_KEY = "reply_url"


def with_reply_url(view: dict, url: str | None) -> dict:
    if not url:
        return view
    data = read_json(view.get("private_metadata"))
    data[REPLY_URL_KEY] = url
    return {**view, "private_metadata": json.dumps(data, separators=(",", ":"))}


def reply_url_of(view: dict | None) -> str | None:
    return read_json((view or {}).get("private_metadata")).get(REPLY_URL_KEY) or None
