"""Carrier tracking links, in one place. Unknown carriers get no link rather than a wrong one."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_URLS = {
    "ups": "https://www.ups.com/track?tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
           "?submit=1&tracking-id={n}",
}

# Number shapes that name their carrier, for shipments whose carrier field says little.
_SHAPES = (
    ("ups", re.compile(r"^1Z[0-9A-Z]{16}$")),
    ("usps", re.compile(r"^(9[1-5]\d{18,20}|[A-Z]{2}\d{9}US)$")),
    ("fedex", re.compile(r"^(\d{12}|\d{15})$")),
    ("dhl", re.compile(r"^(\d{10}|JJD\d{16,20}|JD\d{18})$")),
)


def carrier_key(carrier: str | None, tracking_number: str | None = None) -> str | None:
    """'UPS Ground', 'fedex', 'FedEx Express' -> 'ups' / 'fedex'; else guess from the number."""
    name = re.sub(r"[^a-z]", "", (carrier or "").lower())
    for key in _URLS:
        if name.startswith(key):
            return key
    number = clean_tracking_number(tracking_number or "")
    for key, shape in _SHAPES:
        if shape.match(number):
            return key
    return None


def clean_tracking_number(text: str) -> str:
    """People paste numbers with spaces or dashes, and copies from web pages carry invisible
    characters (zero-width spaces); carriers store them without."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"[\s\-]", "", visible).upper()


# What a scanner reads off a label, around the tracking number: USPS's IMpb barcode leads
# with "420" and the ZIP (5 or 9 digits); FedEx's 34-digit barcode ends with the 12-digit
# tracking number.
_USPS_SCAN = re.compile(r"420\d{5}(?:\d{4})?(9[1-5]\d{18,20})")
_FEDEX_SCAN = re.compile(r"\d{22}(\d{12})")


def scanned_tracking_number(carrier: str, number: str) -> str:
    """The tracking number inside a scanned label barcode of `carrier`; else `number`."""
    shape = {"USPS": _USPS_SCAN, "FedEx": _FEDEX_SCAN}.get(carrier)
    found = shape.fullmatch(number) if shape else None
    return found.group(1) if found else number


def looks_like_tracking_number(text: str) -> bool:
    number = clean_tracking_number(text)
    return any(shape.match(number) for _, shape in _SHAPES) or bool(
        re.fullmatch(r"\d{20,22}", number)
    )


def tracking_url(carrier: str | None, tracking_number: str | None) -> str | None:
    if not tracking_number:
        return None
    key = carrier_key(carrier, tracking_number)
    if key is None:
        return None
    return _URLS[key].format(n=quote(tracking_number.strip(), safe=""))
