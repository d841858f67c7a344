"""Subscriptions and the claims that make each period post exactly once."""

from datetime import timedelta

import pytest

from store.errors import DigestSubscriptionNotFound, ValidationFailed
from store.metrics.runs import (
    RETRY_AFTER,
    STALE_AFTER,
    claim_digest_run,
    record_digest_failed,
    record_digest_posted,
    run_states,
)
from store.metrics.subscriptions import (
    get_subscription,
    list_digest_subscriptions,
    subscribe_digest,
    unsubscribe_digest,
)
from store.periods import period_containing
from tests.support.clock import days_ago, in_days

NOW = days_ago(0, 9)
DAY = period_containing("daily", in_days(-1))


@pytest.fixture(autouse=True)
def clock_at_now(set_clock):
    """The claims below are made at NOW: so is everything else."""
    set_clock.set(NOW)


def subscribe(db, period="daily", channel="C0MGR", **kw):
    values = dict(at_time="08:00", timezone="UTC", actor="U0MGR1", now=NOW) | kw
    return subscribe_digest(db, period=period, channel_id=channel, **values)


def test_subscribing_again_changes_time_and_zone_instead_of_adding_one(db):
    """The time changes in place; another zone's days replace the subscription (its periods
    are other days: store.metrics.subscriptions), still one active per period and channel."""
    first = subscribe(db)
    later = subscribe(db, at_time="9:15")
    assert first.created and not later.created and later.replaced_id is None
    assert later.subscription.id == first.subscription.id
    again = subscribe(db, at_time="9:15", timezone="europe/berlin")
    assert not again.created and again.replaced_id == first.subscription.id
    (only,) = list_digest_subscriptions(db)
    assert (only.id, only.at_time, only.timezone) == (again.subscription.id, "09:15",
                                                      "Europe/Berlin")


def test_each_period_and_channel_is_its_own_subscription(db):
    subscribe(db, "daily")
    subscribe(db, "weekly")
    subscribe(db, "daily", channel="C0ORDERS")
    assert [(s.period, s.channel_id) for s in list_digest_subscriptions(db)] == [
        ("daily", "C0MGR"), ("weekly", "C0MGR"), ("daily", "C0ORDERS")]
    assert len(list_digest_subscriptions(db, channel_id="C0ORDERS")) == 1


@pytest.mark.parametrize(("field", "values"), [
    ("period", {"period": "hourly"}), ("at", {"at_time": "25:00"}),
    ("timezone", {"timezone": "Nowhere/Land"})])
def test_bad_subscriptions_are_refused_naming_the_field(db, field, values):
    with pytest.raises(ValidationFailed) as raised:
        subscribe(db, **values)
    assert field in raised.value.errors


def test_unsubscribe_by_id_or_by_period_and_channel(db):
    a = subscribe(db, "daily").subscription
    b = subscribe(db, "weekly").subscription
    assert unsubscribe_digest(db, actor="U0MGR1", subscription_id=a.id).active is False
    assert unsubscribe_digest(db, actor="U0MGR1", period="weekly", channel_id="C0MGR").id == b.id
    assert list_digest_subscriptions(db) == ()
    with pytest.raises(DigestSubscriptionNotFound, match="digest list"):
        unsubscribe_digest(db, actor="U0MGR1", subscription_id=a.id)
    with pytest.raises(DigestSubscriptionNotFound):
        get_subscription(db, subscription_id=999)


def test_only_the_first_claim_of_a_period_wins(db):
    sub = subscribe(db).subscription
    first = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="a", at=NOW)
    second = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b", at=NOW)
    assert first is not None and not first.retry and second is None


def test_a_posted_run_is_never_claimed_again(db):
    sub = subscribe(db).subscription
    run = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="a", at=NOW)
    assert record_digest_posted(db, run=run, channel_id="C0MGR", message_ts="1.2", at=NOW)
    later = NOW + timedelta(days=30)
    again = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b", at=later)
    assert again is None
    (state,) = run_states(db, subscription_ids=[sub.id], since=DAY.start).values()
    assert (state.status, state.message_ts) == ("posted", "1.2")


def test_a_failed_run_is_retried_after_a_pause(db):
    sub = subscribe(db).subscription
    run = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="a", at=NOW)
    record_digest_failed(db, run=run, at=NOW)
    soon, later = NOW + RETRY_AFTER / 2, NOW + RETRY_AFTER
    assert claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b", at=soon) is None
    retry = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b", at=later)
    assert retry is not None and retry.retry and retry.id == run.id


def test_a_claim_left_by_a_crashed_clock_is_taken_over_once_stale(db):
    sub = subscribe(db).subscription
    run = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="a", at=NOW)
    assert claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b",
                            at=NOW + RETRY_AFTER) is None
    taken = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="b",
                             at=NOW + STALE_AFTER)
    assert taken is not None
    # The crashed clock's late record does not overwrite the new owner's claim.
    assert not record_digest_posted(db, run=run, channel_id="C0MGR", message_ts="9.9", at=NOW)
    assert record_digest_posted(db, run=taken, channel_id="C0MGR", message_ts="1.1", at=NOW)


def test_the_list_shows_when_each_digest_was_last_posted(db):
    sub = subscribe(db).subscription
    run = claim_digest_run(db, subscription_id=sub.id, period=DAY, claimed_by="a", at=NOW)
    record_digest_posted(db, run=run, channel_id="C0MGR", message_ts="1.2", at=NOW)
    (listed,) = list_digest_subscriptions(db)
    assert listed.last_posted_at == NOW
