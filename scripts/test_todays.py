"""The "todays" scripts/test.sh runs the suite at, one ISO 8601 moment a line (UTC):
a year and a half from now, and half an hour after the next daylight-saving change in New
York (the run at the real now needs no line). Computed, not written down, so they never age."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DST_ZONE = ZoneInfo("America/New_York")


def next_dst_change(after: datetime) -> datetime:
    """The first whole hour after `after` at which the zone's UTC offset changes."""
    moment = after.replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(DST_ZONE).utcoffset()
    while (moment + timedelta(hours=1)).astimezone(DST_ZONE).utcoffset() == offset:
        moment += timedelta(hours=1)
    return moment + timedelta(hours=1)


now = datetime.now(UTC)
print((now + timedelta(days=548)).isoformat(timespec="seconds"))
print((next_dst_change(now) + timedelta(minutes=30)).isoformat(timespec="seconds"))
