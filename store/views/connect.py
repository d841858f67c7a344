"""What `orderdesk connect list` and `/orders connect sources` show of each webhook source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SourceView:
    source: str  # shopify, woocommerce, tracking
    accepted: int
    refused: int
    duplicate: int
    last_event_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
