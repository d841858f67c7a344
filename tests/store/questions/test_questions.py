"""answer_question on the threads desk: which orders, what facts, what each asker may see."""

from datetime import date

import pytest

from store.enums import Role
from store.errors import InputTooLong, OrderNotFound
from store.lookup import MAX_QUERY_CHARS
from store.questions.answers import answer_order, answer_question
from store.views.questions import (
    CANDIDATES,
    FOLLOWED,
    HELP,
    IGNORED,
    NEEDS_ORDER,
    NO_MATCH,
    ORDER,
    ORDERS,
    UNFOLLOWED,
    ThreadRef,
)
from tests.support.statements import counting
from tests.support.threads_desk import NOW, build_threads_desk

SALES1, SALES2, PROCESSOR = "U0SALES1", "U0SALES2", "U0PROC1"
THREAD = ThreadRef("C0ORDERS", "1700000000.000100")


@pytest.fixture
def desk(db, frozen_clock):
    build_threads_desk(db)
    return db


def ask(db, text, user=SALES1, role=Role.SALES, policy="status", **kw):
    return answer_question(db, text=text, user_id=user, role=role, policy=policy, now=NOW, **kw)


def refs(answer):
    return sorted(o.ref for o in answer.orders)


def test_one_order_comes_with_its_facts(desk):
    answer = ask(desk, "status of SO-1043")
    assert answer.kind == ORDER
    order = answer.orders[0]
    assert (order.stage, order.status, order.fulfilment_status) == ("on_hold", "open",
                                                                    "unfulfilled")
    assert [(b.kind, b.is_hold) for b in order.blockers] == [("credit_hold", True),
                                                             ("price_mismatch", False)]
    assert order.details.total_minor == 3 * 4500 + 995
    assert order.details.ship_to == ("Receiving", "1 Main St", "Springfield IL 62701", "US")


def test_late_means_open_unshipped_and_past_its_due_date(desk):
    order = ask(desk, "SO-1050").orders[0]
    assert (order.stage, order.late, order.days_late, order.due_date) == (
        "late", True, 7, date(2026, 11, 18))
    assert not ask(desk, "SO-1042").orders[0].late  # due 1 Dec


def test_a_shipment_gives_tracking_and_an_estimated_delivery(desk):
    order = ask(desk, "SO-1059").orders[0]
    shipment = order.shipments[0]
    assert order.stage == "partially_shipped"
    assert shipment.tracking_url == "https://www.ups.com/track?tracknum=1Z999AA10123456795"
    assert shipment.expected_delivery == date(2026, 12, 1)  # Ground: 5 business days
    delivered = ask(desk, "SO-1051").orders[0]
    assert delivered.delivered_at.date() == date(2026, 11, 18) and delivered.stage == "delivered"


def test_another_reps_account_carries_no_prices_lines_addresses_notes_or_tracking(desk):
    order = ask(desk, "SO-1043", user=SALES2).orders[0]
    assert order.restricted and order.details is None and order.owner_id == SALES1
    assert all(b.detail is None for b in order.blockers)
    shipped = ask(desk, "SO-1044", user=SALES2).orders[0]
    assert shipped.shipments[0].tracking_number is None
    assert shipped.shipments[0].tracking_url is None
    assert shipped.shipments[0].carrier == "UPS"


@pytest.mark.parametrize("user, role, policy, full", [
    (SALES1, Role.SALES, "status", True),      # own account
    (SALES2, Role.SALES, "status", False),     # someone else's
    (SALES2, Role.SALES, "full", True),        # policy says everyone sees everything
    ("U0NOBODY", Role.SALES, "status", False),
    (PROCESSOR, Role.PROCESSOR, "status", True),
    ("U0MGR1", Role.MANAGER, "status", True),
    ("U0ADMIN", Role.ADMIN, "status", True),
])
def test_who_sees_what(desk, user, role, policy, full):
    order = ask(desk, "SO-1043", user=user, role=role, policy=policy).orders[0]
    assert (order.details is not None) == full
    assert (order.blockers[0].detail is not None) == full


def test_an_account_without_a_rep_is_status_only_for_reps(desk):
    order = ask(desk, "stark industries", user=SALES1).orders[0]
    assert order.owner_id is None and order.restricted


def test_a_customer_with_nothing_matching_shows_its_latest_instead(desk):
    answer = ask(desk, "anything late for acme?")
    assert answer.kind == ORDERS and answer.fallback
    assert refs(answer) == ["SO-1042", "SO-1045", "SO-1060"]


def test_a_customer_with_one_order_and_nothing_matching_says_so_too(desk):
    """It answered with the one order's card, as if it were the canceled (or late) one."""
    assert len(refs(ask(desk, "stark industries"))) == 1
    answer = ask(desk, "anything canceled for stark industries?")
    assert answer.kind == ORDERS and answer.fallback and len(answer.orders) == 1


def test_ambiguous_customer_names_give_candidates(desk):
    answer = ask(desk, "stark")
    assert answer.kind == CANDIDATES
    assert sorted(answer.customers) == ["Stark Industrial Supply", "Stark Industries"]


def test_a_whole_name_with_a_typo_beats_names_sharing_one_word(desk):
    from store.models import Customer
    from tests.support.desk import add_order

    with desk.write() as session:
        for code, name in (("J1", "Jones Group"), ("J2", "Gibson-Jones"),
                           ("J3", "Jones, Reed and Johnson")):
            customer = Customer(code=code, name=name, currency="USD")
            session.add(customer)
            session.flush()
            add_order(session, f"SO-2{code[1]}00", customer.id, NOW, lines=[])
    answer = ask(desk, "anything for Jones, Reed and Jonhson?")
    assert (answer.kind, answer.customers, refs(answer)) == (
        ORDER, ("Jones, Reed and Johnson",), ["SO-2300"])
    assert ask(desk, "jones").kind == CANDIDATES


def test_long_lists_are_capped_and_counted(desk):
    answer = ask(desk, "orders this month", user=PROCESSOR, role=Role.PROCESSOR, limit=3)
    assert answer.kind == ORDERS and len(answer.orders) == 3
    assert answer.total == 13 and not answer.total_is_floor
    assert [o.ref for o in answer.orders] == ["SO-1053", "SO-1052", "SO-1046"]  # newest first


def test_no_match_says_what_was_searched(desk):
    answer = ask(desk, "what did Hooli order yesterday")
    assert answer.kind == NO_MATCH
    assert answer.searched == ("customer names", "customer codes")
    assert answer.question.dates.phrase == "yesterday"


def test_a_question_naming_nothing_uses_the_threads_followed_orders(desk):
    assert ask(desk, "any update?", thread=THREAD).kind == NEEDS_ORDER
    assert ask(desk, "follow SO-1051", thread=THREAD).kind == FOLLOWED
    answer = ask(desk, "any update?", thread=THREAD)
    assert (answer.kind, refs(answer)) == (ORDER, ["SO-1051"])


def test_chatter_in_a_followed_thread_is_ignored_unless_it_asks(desk):
    ask(desk, "follow SO-1051", thread=THREAD)
    assert ask(desk, "thanks, great!", thread=THREAD, addressed=False).kind == IGNORED
    assert ask(desk, "help", thread=THREAD, addressed=False).kind == IGNORED
    assert ask(desk, "zzqx", thread=THREAD, addressed=False).kind == IGNORED
    assert ask(desk, "has it arrived?", thread=THREAD, addressed=False).kind == ORDER
    assert ask(desk, "help", thread=THREAD).kind == HELP


def test_follow_and_unfollow_by_words(desk):
    followed = ask(desk, "follow SO-1042 and PO 7781 and SO-1044", thread=THREAD)
    assert (followed.kind, followed.refs) == (FOLLOWED, ("SO-1042", "SO-1044"))
    stopped = ask(desk, "unfollow SO-1044", thread=THREAD)
    assert (stopped.kind, stopped.refs) == (UNFOLLOWED, ("SO-1044",))
    assert ask(desk, "unfollow", thread=THREAD).refs == ("SO-1042",)
    assert ask(desk, "unfollow", thread=THREAD).refs == ()


def test_follow_by_a_customer_with_several_orders_asks_which(desk):
    answer = ask(desk, "follow initech", thread=THREAD)
    assert answer.kind == ORDERS and answer.refs == ()


def test_answer_order_is_one_order_in_detail_or_not_found(desk):
    answer = answer_order(desk, ref="so 1044", user_id=SALES2, role=Role.SALES,
                          policy="status", now=NOW)
    assert answer.kind == ORDER and answer.orders[0].ref == "SO-1044"
    with pytest.raises(OrderNotFound):
        answer_order(desk, ref="SO-4040", user_id=SALES2, role=Role.SALES, policy="status",
                     now=NOW)


def test_a_status_filter_over_every_account_is_not_counted(desk):
    from sqlalchemy import update

    from store.models import Order

    with desk.write() as session:  # make every open order late
        session.execute(update(Order).values(promised_date=date(2026, 11, 1)))
    answer = ask(desk, "anything late?", user=PROCESSOR, role=Role.PROCESSOR, limit=2)
    assert (len(answer.orders), answer.total, answer.total_is_floor) == (2, 2, True)
    scoped = ask(desk, "anything late for acme?", user=PROCESSOR, role=Role.PROCESSOR,
                 limit=1)
    assert (scoped.total, scoped.total_is_floor) == (2, False)


def test_a_question_longer_than_the_limit_is_refused_naming_the_limit(desk):
    with pytest.raises(InputTooLong) as refused:
        ask(desk, "where is " + "acme " * (MAX_QUERY_CHARS // 5))
    assert f"{MAX_QUERY_CHARS:,}" in refused.value.message


def test_a_long_paste_in_a_followed_thread_is_ignored_not_refused(desk):
    answer = ask(desk, "log: " + "x " * MAX_QUERY_CHARS, thread=THREAD, addressed=False)
    assert answer.kind == IGNORED


def test_a_question_of_many_words_and_keys_costs_a_bounded_number_of_statements(desk):
    words = " ".join(f"zq{chr(97 + n % 26)}{chr(97 + n // 26)}x" for n in range(200))
    keys = " ".join(f"SO-{n}" for n in range(20_000, 20_200))
    with counting(desk.engine) as seen:
        ask(desk, f"where are {words}")
    assert len(seen.sql) <= 10, len(seen.sql)  # one code probe for all words, not one each
    with counting(desk.engine) as seen:
        ask(desk, f"where are {keys}")
    assert len(seen.sql) <= 50, len(seen.sql)  # 400 before: two probes for each of 200 keys
