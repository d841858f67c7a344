"""The one renderer table: every kind of queued post (store.enums.PostKind), rendered at send
time (jobs/outbox.py calls these). Each reads the record's current state through a store
face and builds the message through messages/; it returns the Web API call's arguments, or
None when there is nothing to send any more (the record is gone, the thread stopped
following, or the post an update or a reply belongs to was never sent). Where a post needs
the ts of an earlier one (updates, thread replies), it reads it here, from current data.

The table is built from the settings bot/ hands in (renderer_table(settings.audience,
settings.default_locale)): what a followed thread may hear depends on ORDERDESK_REP_VISIBILITY,
the admins and the default role. Every post is rendered in the language of where it goes
(`_in_language_of_destination`): a route's channel in the route's language, a person (a DM,
their App Home) in the language they chose; else the workspace's ORDERDESK_DEFAULT_LOCALE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partial
from types import MappingProxyType

from messages import i18n
from messages.answers import follow_notice as follow_notice_message
from messages.approvals import approval_outcome, approval_request
from messages.fulfilment import cancel_notice, pick_note_ship_to, pick_request
from messages.home import home_view
from messages.mail import mail_note_message
from messages.triage import (
    batch_summary,
    departure_message,
    dm_batch_summary,
    escalation_message,
    parent_message,
    rep_dm,
    thread_note,
)
from store.db import Database
from store.enums import PostKind
from store.errors import NotAllowed, NotFound
from store.fulfilment import get_approval, get_approval_post, get_cancel_notice, get_pick_post
from store.mail import mail_note
from store.orders import home_for
from store.questions import Audience, follow_notice
from store.triage import SNOOZE_OPTIONS, batch_filter, batch_state, get_discrepancy, get_note
from store.workspace import Viewer, channel_language, desk_people, require

POST = "chat.postMessage"
# payload -> the Web API call's arguments, or None; the payload carries "$method" too.
Renderer = Callable[[Database, dict], dict | None]
Renderers = Mapping[str, Renderer]


def _post_or_update(p: dict, message: dict, posted: tuple[str, str] | None) -> dict | None:
    """A first post goes to the payload's channel; an update to where that post landed."""
    if p["$method"] == POST:
        return {"channel": p["channel"], **message}
    if posted is None:
        return None
    channel, ts = posted
    return {"channel": channel, "ts": ts, **message}


def _parent(db: Database, p: dict) -> dict | None:
    d = get_discrepancy(db, discrepancy_id=p["discrepancy_id"])
    posted = (d.channel_id, d.message_ts) if d.message_ts else None
    return _post_or_update(p, parent_message(d, snooze_options=SNOOZE_OPTIONS,
                                             workers=desk_people(db)), posted)


def _note(db: Database, p: dict) -> dict | None:
    note = get_note(db, discrepancy_id=p["discrepancy_id"], event_id=p["event_id"])
    if note is None or not note.discrepancy.message_ts:
        return None
    d = note.discrepancy
    return {"channel": d.channel_id, "thread_ts": d.message_ts, **thread_note(note)}


def _rep_dm(db: Database, p: dict) -> dict:
    d = get_discrepancy(db, discrepancy_id=p["discrepancy_id"])
    return {"channel": p["channel"], **rep_dm(d, what=p["what"])}


def _batch(db: Database, p: dict) -> dict | None:
    ts, value = batch_state(db, counter=p["counter"])
    count = max(0, value - int(p["threshold"]))
    if p["$render"] == PostKind.TRIAGE_DM_BATCH:
        return {"channel": p["channel"], **dm_batch_summary(count=count)}
    message = batch_summary(count=count, channel_id=p["channel"],
                            queue_filter=batch_filter(p["counter"]),
                            at_once=p["counter"].count(":") > 2)
    return _post_or_update(p, message, (p["channel"], ts) if ts else None)


def _escalation(db: Database, p: dict) -> dict | None:
    note = get_note(db, discrepancy_id=p["discrepancy_id"], event_id=p["event_id"])
    if note is None:
        return None
    return {"channel": p["channel"],
            **escalation_message(note.discrepancy, by=note.event.actor_id,
                                 snooze_options=SNOOZE_OPTIONS, workers=desk_people(db))}


def _departure(_db: Database, p: dict) -> dict:
    """A past event, told as it was: the payload holds what was undone, not a record's id."""
    return {"channel": p["channel"], **departure_message(
        user_id=p["user_id"], role_before=p["role_before"], handed_back=p["handed_back"],
        accounts=p["accounts"], account_count=p["account_count"])}


def _pick(db: Database, p: dict) -> dict | None:
    pick, posted = get_pick_post(db, order_id=p["order_id"])
    return _post_or_update(p, pick_request(pick), posted)


def _pick_note(db: Database, p: dict) -> dict | None:
    """In the thread of the pick request, wherever it landed; nothing if it never did."""
    _pick_view, posted = get_pick_post(db, order_id=p["order_id"])
    if posted is None:
        return None
    channel, ts = posted
    return {"channel": channel, "thread_ts": ts,
            **pick_note_ship_to(actor_id=p["actor"], address=p["address"])}


def _approval_request(db: Database, p: dict) -> dict | None:
    approval, posted = get_approval_post(db, approval_id=p["approval_id"])
    return _post_or_update(p, approval_request(approval), posted)


def _approval_outcome(db: Database, p: dict) -> dict:
    return {"channel": p["channel"],
            **approval_outcome(get_approval(db, approval_id=p["approval_id"]))}


def _cancel_notice(db: Database, p: dict) -> dict:
    return {"channel": p["channel"], **cancel_notice(get_cancel_notice(db, order_id=p["order_id"]))}


def _follow_notice(db: Database, p: dict, *, audience: Audience) -> dict | None:
    notice = follow_notice(db, follow_id=p["follow_id"], text=p["text"],
                           status_text=p.get("status_text"), audience=audience,
                           customer_text=p.get("customer_text"),
                           internal=bool(p.get("internal")))
    if notice is None:
        return None
    return {"channel": notice.channel_id, "thread_ts": notice.thread_ts,
            **follow_notice_message(notice)}


def _mail_note(db: Database, p: dict) -> dict | None:
    note = mail_note(db, p)
    if note is None:
        return None
    where = {"channel": note.channel} | ({"thread_ts": note.thread_ts} if note.thread_ts else {})
    return where | mail_note_message(note)


def _destination(db: Database, p: dict) -> str | None:
    """The channel (or person) a post goes to: the payload names it, else the record whose
    earlier post it updates or replies to."""
    if p.get("channel") or p.get("user_id"):
        return p.get("channel") or p["user_id"]
    kind = p["$render"]
    if p.get("discrepancy_id") and kind in (PostKind.TRIAGE_PARENT, PostKind.TRIAGE_NOTE,
                                             PostKind.MAIL_NOTE):
        return get_discrepancy(db, discrepancy_id=p["discrepancy_id"]).channel_id
    posted = None
    if kind in (PostKind.PICK_REQUEST, PostKind.PICK_NOTE):
        posted = get_pick_post(db, order_id=p["order_id"])[1]
    elif kind == PostKind.APPROVAL_REQUEST:
        posted = get_approval_post(db, approval_id=p["approval_id"])[1]
    return posted[0] if posted else None


def _in_language_of_destination(build: Renderer, default_locale: str) -> Renderer:
    """The one place a queued post's language is set: found (lazily, when something
    translated is first rendered) from where it goes, else the workspace default."""
    def wrapped(db: Database, payload: dict) -> dict | None:
        def locale() -> str:
            channel = _destination(db, payload)
            return (channel and channel_language(db, channel_id=channel)) or default_locale
        with i18n.using(locale):
            return build(db, payload)
    return wrapped


def _tolerant(build: Renderer) -> Renderer:
    """A record deleted since it was queued: nothing to send, not an error."""
    def wrapped(db: Database, payload: dict) -> dict | None:
        try:
            return build(db, payload)
        except NotFound:
            return None
    return wrapped


def _home(db: Database, p: dict, *, audience: Audience) -> dict:
    """A person's App Home as it is now, for their role now (handlers/home.py on open)."""
    def may(action: str):
        return require(db, user_id=p["user_id"], action=action, admins=audience.admins,
                       default_role=audience.default_role)
    viewer = Viewer(user_id=p["user_id"], role=may("lookup"), policy=audience.policy)
    home = home_for(db, viewer=viewer, admins=audience.admins)
    try:
        can_enter_orders = bool(may("enter_order"))
    except NotAllowed:
        can_enter_orders = False
    workers = desk_people(db) if home.processor is not None else ()
    return {"user_id": p["user_id"], "view": home_view(
        home, snooze_options=SNOOZE_OPTIONS, workers=workers, can_enter_orders=can_enter_orders)}


@cache  # one table per settings, so every kick of a process finds the same delivery thread
def renderer_table(audience: Audience, default_locale: str = i18n.ENGLISH) -> Renderers:
    """kind -> render(db, payload): every PostKind. `audience` and `default_locale`
    (ORDERDESK_DEFAULT_LOCALE): from the settings (bot/)."""
    return MappingProxyType({kind: _tolerant(_in_language_of_destination(build, default_locale))
                             for kind, build in {
        PostKind.TRIAGE_PARENT: _parent,
        PostKind.TRIAGE_NOTE: _note,
        PostKind.TRIAGE_REP_DM: _rep_dm,
        PostKind.TRIAGE_BATCH: _batch,
        PostKind.TRIAGE_DM_BATCH: _batch,
        PostKind.TRIAGE_ESCALATION: _escalation,
        PostKind.PERSON_DEACTIVATED: _departure,
        PostKind.PICK_REQUEST: _pick,
        PostKind.PICK_NOTE: _pick_note,
        PostKind.APPROVAL_REQUEST: _approval_request,
        PostKind.APPROVAL_OUTCOME: _approval_outcome,
        PostKind.CANCEL_NOTICE: _cancel_notice,
        PostKind.FOLLOW_NOTICE: partial(_follow_notice, audience=audience),
        PostKind.HOME: partial(_home, audience=audience),
        PostKind.MAIL_NOTE: _mail_note,
    }.items()})


def render(renderers: Renderers, db: Database, *, method: str, payload: dict) -> dict | None:
    """The Web API arguments of one queued post, rendered from the data as it is now. Raises
    KeyError for a payload that is not a render request of a known kind."""
    return renderers[payload["$render"]](db, {**payload, "$method": method})
