"""Reading what Slack sent: who, where, which thread, and a modal's fields. Every listener and
the error handler read payloads through these, whatever the shape (slash command, block
action, view submission, shortcut, options request, event)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from messages import i18n
from messages.metadata import read_json
from store.errors import ValidationFailed


def user_of(body: dict) -> str | None:
    return ((body.get("user") or {}).get("id") or body.get("user_id")
            or (body.get("event") or {}).get("user"))


def channel_of(body: dict) -> str | None:
    """Where the payload came from; a modal remembers it in its private_metadata
    (`channel_id`), since a view submission carries no channel."""
    event = body.get("event") or {}
    view = body.get("view") or {}
    return ((body.get("channel") or {}).get("id") or body.get("channel_id")
            or (body.get("container") or {}).get("channel_id") or event.get("channel")
            or read_json(view.get("private_metadata")).get("channel_id"))


def thread_of(body: dict) -> str | None:
    """The thread the payload belongs to; a top-level message starts its own thread."""
    container, event = body.get("container") or {}, body.get("event") or {}
    message = body.get("message") or {}
    return (container.get("thread_ts") or message.get("thread_ts") or event.get("thread_ts")
            or container.get("message_ts") or message.get("ts") or event.get("ts"))


class ModalState:
    """A submitted modal's fields by block id (messages/blocks.py). Each input block holds one
    element, so its action id does not matter. Empty fields read as None."""

    def __init__(self, view: dict | None):
        self._values = ((view or {}).get("state") or {}).get("values") or {}

    def _element(self, block_id: str) -> dict:
        return next(iter((self._values.get(block_id) or {}).values()), None) or {}

    def has(self, block_id: str) -> bool:
        """The modal held this input (some show a part only when it can change)."""
        return block_id in self._values

    def text(self, block_id: str) -> str | None:
        """Typed text, stripped."""
        value = self._element(block_id).get("value")
        return value.strip() if isinstance(value, str) and value.strip() else None

    def selected(self, block_id: str) -> str | None:
        """The picked option's value (static, external select, radio)."""
        return (self._element(block_id).get("selected_option") or {}).get("value")

    def selected_options(self, block_id: str) -> list[str]:
        """Every picked option's value (multi select, checkboxes; a single select's one)."""
        picked = self.selected(block_id)
        if picked is not None:
            return [picked]
        return [o["value"] for o in self._element(block_id).get("selected_options") or []]

    def date(self, block_id: str) -> date | None:
        """A datepicker's day. Slack sends only real days; a forged or stale payload's
        '2027-02-29' is refused under the field, not a crash."""
        picked = self._element(block_id).get("selected_date")
        if not picked:
            return None
        try:
            return date.fromisoformat(str(picked))
        except ValueError:
            raise ValidationFailed({block_id: f"`{picked}` is not a day on the calendar; pick "
                                              "one."}) from None

    def figure(self, block_id: str) -> str | None:
        """A typed amount or quantity, read in the reader's conventions ("12,50" in Spanish)
        and given as the store reads it ("12.50"); one read two ways is refused here."""
        text = self.text(block_id)
        if text is None:
            return None
        try:
            return i18n.typed_figure(text)
        except i18n.NotAFigure as error:
            raise ValidationFailed({block_id: str(error)}) from None

    def number(self, block_id: str) -> int | Decimal | None:
        """A number input's value: an int when whole."""
        text = self.figure(block_id)
        if text is None:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed({block_id: f"`{text}` is not a number."}) from None
        return int(value) if value == value.to_integral_value() else value
