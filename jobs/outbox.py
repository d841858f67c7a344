"""Delivering the outbox (store.outbox) to Slack: until Slack takes each post, once.

    deliver_due(db, client, renderers)   one sweep: claim due rows, send, record (the clock job)
    kick(db, client, renderers)          the web process, right after a commit: a background
                                         thread delivers now, so no ack waits for Slack

Every row is a render request, rendered from the record's current state just before it is
sent, through the renderer table the caller was built with (jobs.renderers.renderer_table,
from the settings). A row is claimed (leased) before it is sent, so two deliverers never send
the same row. 429 -> retry after Retry-After; 5xx, network errors and Slack's transient
errors -> retry with backoff; other Slack errors (channel_not_found, invalid_blocks...) mark
the row dead with the error, for an admin to see; so does a row that cannot be rendered.
Slack refusing the app itself (its token revoked, an uninstall) keeps the row waiting.
A post carries its row's id in its metadata, and a retry after an unknown outcome (a timeout)
first looks for it in the channel (jobs.own_posts), so a post Slack took is not made twice.
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from jobs.own_posts import earlier_post, is_transient, marked
from jobs.renderers import Renderers, render
from store import clock, outbox
from store.db import Database

log = logging.getLogger("orderdesk.outbox")
IDLE_WAIT_S = 30.0  # longest sleep while rows are pending but not due
# Slack refusing the app itself (uninstalled, its token revoked or expired, the workspace
# gone): nothing is wrong with the post. It waits, tried again every few minutes, until the
# app is back (reinstalled, a new token set); no person is said to be unreachable.
APP_ACCESS_LOST = {"invalid_auth", "not_authed", "token_revoked", "token_expired",
                   "account_inactive", "ekm_access_denied"}
APP_ACCESS_RETRY_S = 300.0
POST = "chat.postMessage"
EVENT_TYPE = "orderdesk_post"  # the metadata naming an outbox row's post (jobs.own_posts)


def sending_client(client: WebClient) -> WebClient:
    """The same workspace, without slack_sdk's own retries: the outbox retries, and a sleeping
    retry inside one call would hold the row's lease and the deliverer."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=10, retry_handlers=[])


def deliver_due(db: Database, client: WebClient, renderers: Renderers, *, limit: int = 20,
                max_rounds: int = 50) -> int:
    """Send what is due now; returns how many rows Slack accepted."""
    sent = 0
    for _ in range(max_rounds):
        items = outbox.claim_due(db, limit=limit)
        if not items:
            break
        for item in items:
            sent += _deliver(db, client, renderers, item)
    return sent


def _deliver(db: Database, client: WebClient, renderers: Renderers,
             item: outbox.OutboxItem) -> int:
    try:
        args = render(renderers, db, method=item.method, payload=item.payload)
    except Exception as exc:  # a renderer bug, or no render request: park it, never wedge
        log.exception("outbox row %s could not be rendered", item.id)
        outbox.mark_failed(db, item_id=item.id, error=f"render: {exc!r}", permanent=True)
        return 0
    if args is None:
        outbox.mark_failed(db, item_id=item.id, error="nothing to send (record gone or "
                           "its parent message never posted)", permanent=True)
        return 0
    if item.method == POST:
        args = {"metadata": marked(EVENT_TYPE, outbox_id=item.id), **args}
    try:
        # An earlier attempt's outcome is unknown (a timeout; a deliverer stopped before it
        # recorded the post): Slack may have taken it, so look before posting again.
        found = earlier_post(client, args["channel"], EVENT_TYPE,
                             thread_ts=args.get("thread_ts"), outbox_id=item.id) \
            if item.method == POST and item.attempts > 1 else None
        response = {"channel": args["channel"], "ts": found} if found else \
            client.api_call(item.method, json=args)
    except SlackApiError as err:
        _failed(db, item, err)
        return 0
    except Exception as exc:  # network: URLError, timeouts, connection resets
        outbox.mark_failed(db, item_id=item.id, error=f"network: {exc!r}")
        return 0
    outbox.mark_sent(db, item_id=item.id, channel=response.get("channel"),
                     ts=response.get("ts"))
    return 1


def _failed(db: Database, item: outbox.OutboxItem, err: SlackApiError) -> None:
    status = getattr(err.response, "status_code", 0) or 0
    error = (err.response.get("error") if hasattr(err.response, "get") else None) or ""
    headers = getattr(err.response, "headers", {}) or {}
    if error in APP_ACCESS_LOST:
        log.warning("outbox row %s waits: Slack refuses the app itself (%s); reinstall it or "
                    "set its new token", item.id, error)
        outbox.mark_failed(db, item_id=item.id, error=f"{status} {error}",
                           retry_after_s=APP_ACCESS_RETRY_S)
    elif status == 429 or error == "ratelimited":
        retry = headers.get("Retry-After") or headers.get("retry-after") or "1"
        outbox.mark_failed(db, item_id=item.id, error=f"429 {error}",
                           retry_after_s=float(retry))
    elif is_transient(err):
        outbox.mark_failed(db, item_id=item.id, error=f"{status} {error}")
    else:
        log.warning("outbox row %s refused by Slack: %s", item.id, error)
        outbox.mark_failed(db, item_id=item.id, error=f"{status} {error}", permanent=True)


class Worker:
    """A background thread that delivers when kicked and keeps retrying what is pending
    (sleeping until the next row is due); it ends when nothing is left, and the next kick
    starts another. The clock's sweep covers whatever a process leaves behind."""

    def __init__(self, db: Database, client: WebClient, renderers: Renderers, key: tuple):
        self.db, self.client, self.key = db, sending_client(client), key
        self.renderers = renderers
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        wait = 0.0
        while not self._stop.is_set():
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                deliver_due(self.db, self.client, self.renderers)
                wait = self._wait_s()
            except Exception:  # the database may be away; the clock sweeps meanwhile
                log.exception("outbox delivery failed; retrying later")
                wait = 5.0
            if wait is None and self._retire():
                return

    def _wait_s(self) -> float | None:
        due = outbox.next_due_at(self.db)
        if due is None:
            return None
        return max(0.2, min(IDLE_WAIT_S, (due - clock.now()).total_seconds()))

    def _retire(self) -> bool:
        with _lock:
            if self._wake.is_set():
                return False  # kicked meanwhile: one more round
            _workers.pop(self.key, None)
            return True


_workers: dict[tuple, Worker] = {}
_lock = threading.Lock()


def kick(db: Database, client: WebClient, renderers: Renderers) -> None:
    """Deliver soon, off the request thread. Never raises: the row is safe in the outbox."""
    key = (id(db), client.base_url, client.token, id(renderers))
    with _lock:
        worker = _workers.get(key)
        if worker is None:
            worker = _workers[key] = Worker(db, client, renderers, key)
        worker.kick()


def stop_all() -> None:
    """Stop every delivery thread (tests; a process shutting down)."""
    with _lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.stop()
