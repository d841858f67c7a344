"""Text helpers shared by every template: escaping, truncation, money and time display."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from messages import i18n
from store.money import format_money, shown_exponent

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
ELLIPSIS = "…"
# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) in people's text:
# one left open turns what follows on the line around (a ref, an amount). The marks that
# only set a direction (U+200E, U+200F) stay, as Hebrew and Arabic text uses them.
_DIRECTION_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def mrkdwn(value: object, limit: int | None = None) -> str:
    """User text made safe for mrkdwn: no mentions, links or broadcasts can be smuggled in,
    and no direction control turns the rest of the line around."""
    raw = "" if value is None else str(value).translate(_DIRECTION_CONTROLS)
    escaped = _escape(raw)
    if limit is None or len(escaped) <= limit:
        return escaped
    # Escape character by character so the cut never splits an entity like &amp;.
    out, size = [], len(ELLIPSIS)
    for char in raw:
        piece = _escape(char)
        if size + len(piece) > limit:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + ELLIPSIS


SECTION_TEXT = 3000  # Slack refuses a section whose text is longer (invalid_blocks)


def clip(text: str, limit: int = SECTION_TEXT) -> str:
    """mrkdwn cut to `limit` characters without leaving half a token (<!date^…>, <@U1>, a link)
    at the end: Slack would show its raw start."""
    if len(text) <= limit:
        return text
    cut = text[:limit - len(ELLIPSIS)]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return cut + ELLIPSIS


def sections_of(rows: list[str], *, first: str = "", limit: int = SECTION_TEXT,
                most: int | None = None, more: Callable[[int], str] | None = None) -> list[str]:
    """Rows joined by newlines into as few section texts as fit in `limit` characters each
    (`first` heads the first one); a row longer than a section is cut. At most `most`
    sections (Slack's blocks per message or view): when the rows need more, the last one ends
    with `more(n)`, the n rows left out ("…and 12 more lines")."""
    texts: list[str] = []
    current: list[str] = [first] if first else []
    for n, row in enumerate(rows):
        row = clip(row, limit)
        if current and len("\n".join([*current, row])) > limit:
            if most is not None and len(texts) + 1 >= most:
                return [*texts, _closed(current, len(rows) - n, limit, more)]
            texts.append("\n".join(current))
            current = []
        current.append(row)
    return [*texts, "\n".join(current)] if current else texts


def _closed(rows: list[str], left: int, limit: int, more: Callable[[int], str] | None) -> str:
    """The last section's rows and the note of the `left` rows cut, rows given up to fit it."""
    while True:
        note = more(left) if more else ELLIPSIS
        if len(rows) <= 1 or len("\n".join([*rows, note])) <= limit:
            return clip("\n".join([*rows, note]), limit)
        rows = rows[:-1]
        left += 1


def _escape(raw: str) -> str:
    for char, entity in _ESCAPES:
        raw = raw.replace(char, entity)
    return raw


def plain(value: object, limit: int | None = None) -> str:
    """For plain_text fields (headers, buttons, titles): no escaping, just a length limit
    (and no direction controls, as mrkdwn)."""
    raw = "" if value is None else str(value).translate(_DIRECTION_CONTROLS)
    if limit is not None and len(raw) > limit:
        return raw[: limit - 1] + ELLIPSIS
    return raw


def money(minor: int | None, currency: str) -> str:
    """Minor units as the reader reads money, with the currency's own decimals (ISO 4217, as
    stored: 1234 KWD is 1.234 KWD, 700 UGX is 700 UGX)."""
    if minor is None:
        return "—"
    if (localized := i18n.money(minor, currency)) is not None:
        return localized
    return format_money(minor, currency)


def amount(minor: int | None, currency: str) -> str:
    """A plain decimal amount for an input field: 1250 USD -> "12.50", 1200 JPY -> "1200",
    1234 KWD -> "1.234"."""
    if minor is None:
        return ""
    # "12,50" for a Spanish reader in Spain: the form they type back (ModalState.figure)
    return i18n.typed_amount(str(Decimal(minor).scaleb(-shown_exponent(currency))))


def when(value: datetime | None) -> str:
    """A timestamp in each reader's own time zone: Slack's date token, which Slack renders per
    reader ('Yesterday 6:39 PM'); the fallback text (UTC) shows where it cannot. mrkdwn only:
    plain_text shows the token as it is."""
    if value is None:
        return "—"
    utc = value.astimezone(UTC)
    return (f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} {{time}}"
            f"|{utc.strftime('%Y-%m-%d %H:%M UTC')}>")


def day(value: date | datetime | None) -> str:
    """A calendar day ('Sep 19, 2026', in the reader's language). A timestamp's day is the
    reader's own: Slack's date token, rendered in each reader's zone as `when` is (an order
    placed at 23:30 UTC was placed the next day in Tokyo); its fallback is the UTC day. mrkdwn
    only. A day that must be one zone's (a report's) is given as a date."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        return f"<!date^{int(utc.timestamp())}^{{date_short}}|{calendar_day(utc)}>"
    return calendar_day(value)


def calendar_day(value: date | datetime | None) -> str:
    """A day as text, for plain text (mail) and fallbacks: a timestamp's UTC day."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    if (localized := i18n.short_day(value)) is not None:
        return localized
    return f"{value:%b} {value.day}, {value.year}"  # as Slack shows a date token ({date_short})


_ACRONYMS = {"sku": "SKU", "po": "PO", "rma": "RMA", "ups": "UPS", "dhl": "DHL", "sla": "SLA"}


def label(value: object) -> str:
    """An enum value as words in the reader's language: partially_shipped -> Partially shipped,
    unknown_sku -> Unknown SKU (acronyms stay capitals)."""
    text = "" if value is None else str(getattr(value, "value", value))
    words = text.replace("_", " ").capitalize().split(" ")
    english = " ".join(_ACRONYMS.get(w.lower(), w) for w in words)
    return i18n.gettext(english)


# The labels of the statuses, stages, problem kinds and severities an answer shows, marked
# for the catalogues (label() computes them from enum values, which extraction cannot see).
LABELS = (
    i18n.N_("Draft"), i18n.N_("Open"), i18n.N_("Completed"), i18n.N_("Canceled"),
    i18n.N_("Unfulfilled"), i18n.N_("Allocated"), i18n.N_("Picking"), i18n.N_("Packed"),
    i18n.N_("Partially shipped"), i18n.N_("Shipped"), i18n.N_("Delivered"),
    i18n.N_("Partially returned"), i18n.N_("Returned"), i18n.N_("Awaiting"),
    i18n.N_("Authorized"), i18n.N_("Captured"), i18n.N_("Failed"),
    i18n.N_("Partially refunded"), i18n.N_("Refunded"), i18n.N_("Price mismatch"),
    i18n.N_("Insufficient stock"), i18n.N_("Bad address"), i18n.N_("Payment error"),
    i18n.N_("Unknown SKU"), i18n.N_("Duplicate order"), i18n.N_("Credit limit"),
    i18n.N_("Late"), i18n.N_("Delivery exception"), i18n.N_("Bad contact"),
    i18n.N_("Unusual order"), i18n.N_("Other"), i18n.N_("Low"),
    i18n.N_("Medium"), i18n.N_("High"), i18n.N_("Critical"), i18n.N_("Awaiting payment"),
    i18n.N_("High risk"), i18n.N_("Incorrect address"), i18n.N_("Inventory out of stock"),
    i18n.N_("Credit hold"), i18n.N_("Customer request"),
    # a discrepancy's status (store.enums.DiscrepancyStatus)
    i18n.N_("New"), i18n.N_("Assigned"), i18n.N_("Snoozed"), i18n.N_("Escalated"),
    i18n.N_("Resolved"),
    # what a question searched (store.questions.answers)
    i18n.N_("order refs"), i18n.N_("PO numbers"), i18n.N_("tracking numbers"),
    i18n.N_("customer names"), i18n.N_("customer codes"),
)


def count(n: int, word: str, plural_word: str | None = None) -> str:
    """'1 order', '2 orders', '1,204 events': a number with its noun in the right number."""
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"

