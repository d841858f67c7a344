"""Carrier tracking events in EasyPost's documented shape (an Event whose `result` is a
Tracker; https://docs.easypost.com/docs/webhooks, /docs/trackers):

    {"id": "evt_...", "object": "Event", "description": "tracker.updated",
     "result": {"object": "Tracker", "tracking_code": "9400...", "status": "delivered",
                "carrier": "USPS", "updated_at": "2024-05-02T15:04:05Z",
                "est_delivery_date": "2024-05-02T00:00:00Z",
                "tracking_details": [{"status": "delivered", "message": "Delivered",
                                      "datetime": "2024-05-02T15:01:00Z"}, ...]}}

Only tracker.created / tracker.updated act; other events are taken and ignored."""

from __future__ import annotations

from datetime import UTC, datetime

from store import clock
from store.errors import IntakeRejected
from store.fulfilment import TRACKING_STATUSES, TrackingUpdate

TRACKER_EVENTS = ("tracker.created", "tracker.updated")


def text_field(data: dict, name: str, where: str = "", *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise IntakeRejected(f"{where}{name} must be a non-empty string.", field=f"{where}{name}")
    return value.strip()


def moment(value: object, field: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 time with its offset, in UTC (no offset: UTC, as EasyPost's "Z" times)."""
    if value is None and not required:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise IntakeRejected(f"{field} must be an ISO 8601 time, not {str(value)[:40]!r}.",
                             field=field) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def delivery_id(body: dict) -> str:
    return text_field(body, "id")


def parse(body: dict) -> TrackingUpdate | None:
    """The tracker's news, or None for an event that is not a tracker's (taken, ignored)."""
    description = text_field(body, "description")
    if description not in TRACKER_EVENTS:
        return None
    result = body.get("result")
    if not isinstance(result, dict):
        raise IntakeRejected("result must be the Tracker object.", field="result")
    code = text_field(result, "tracking_code", "result.")
    status = text_field(result, "status", "result.")
    if status not in TRACKING_STATUSES:
        raise IntakeRejected(f"result.status must be one of {', '.join(TRACKING_STATUSES)}.",
                             field="result.status")
    details = result.get("tracking_details") or []
    if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
        raise IntakeRejected("result.tracking_details must be a list of objects.",
                             field="result.tracking_details")
    timed = [(moment(d.get("datetime"), f"result.tracking_details[{i}].datetime"), d)
             for i, d in enumerate(details)]
    timed = [(at, d) for at, d in timed if at is not None]
    at = (moment(result.get("updated_at"), "result.updated_at")
          or max((t for t, _ in timed), default=None) or clock.now())
    delivered = max((t for t, d in timed if d.get("status") == "delivered"), default=None)
    latest = max(timed, key=lambda pair: pair[0])[1] if timed else {}
    message = latest.get("message") if isinstance(latest.get("message"), str) else None
    return TrackingUpdate(tracking_code=code[:64], status=status, at=at,
                          delivered_at=delivered, message=(message or None) and message[:200])
