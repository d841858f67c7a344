"""A followed thread's plain questions, follow commands that name no order, and a linked
channel's keys: each answered from what the thread follows or the account it is linked to."""

import pytest

from store.enums import Role
from store.errors import Outsider
from store.models import Customer, Follow
from store.questions import follow
from store.questions.answers import answer_question
from store.views.questions import FOLLOWED, NO_MATCH, ThreadRef
from store.workspace import Viewer
from tests.support.threads_desk import NOW, build_threads_desk

SALES1 = "U0SALES1"
THREAD = ThreadRef("C0ORDERS", "1700000000.000100")


@pytest.fixture
def desk(db, frozen_clock):
    build_threads_desk(db)
    return db


def ask(db, text, **kw):
    return answer_question(db, text=text, user_id=SALES1, role=Role.SALES, policy="status",
                           now=NOW, **kw)


@pytest.mark.parametrize("reply", ["is it late?", "any problems?", "is it on hold?",
                                   "¿está retrasado?", "is it still open?"])
def test_a_status_word_in_a_followed_thread_asks_about_the_followed_order(desk, reply):
    """SO-1042 (Acme) is followed here; 'is it late?' answered with Globex's SO-1050, and
    'is it still open?' with ten open orders of every account."""
    follow(desk, ref="SO-1042", channel_id=THREAD.channel_id, thread_ts=THREAD.thread_ts,
           user_id=SALES1)
    answer = ask(desk, reply, thread=THREAD, addressed=False)
    assert [o.ref for o in answer.orders] == ["SO-1042"], [o.ref for o in answer.orders]


def test_a_status_word_outside_a_followed_thread_still_searches(desk):
    answer = ask(desk, "any late orders?")
    assert answer.orders and "SO-1050" in {o.ref for o in answer.orders}


def test_follow_with_a_ref_that_does_not_exist_follows_nothing(desk):
    """'follow SO-99999 for Acme' made the thread follow every current Acme order."""
    answer = ask(desk, "follow SO-99999 for Acme", thread=THREAD)
    with desk.read() as s:
        followed = s.query(Follow).count()
    assert (answer.kind, followed) == (NO_MATCH, 0)
    assert ask(desk, "follow SO-1042", thread=THREAD).kind == FOLLOWED


def _buyer(desk) -> Viewer:
    with desk.read() as s:
        beta = s.query(Customer).filter_by(code="BETA").one().id
    return Viewer(user_id="U0BUYER", role=None, policy="status", account_id=beta)


def test_an_outsider_may_not_follow_by_typing_what_the_button_refuses(desk):
    with pytest.raises(Outsider):
        ask(desk, "follow SO-1044", thread=THREAD, viewer=_buyer(desk))
    with pytest.raises(Outsider):
        ask(desk, "unfollow", thread=THREAD, viewer=_buyer(desk))


def test_an_outsider_cannot_tell_another_accounts_ref_from_one_that_does_not_exist(desk):
    """README: in a linked channel a ref of another account gets the same answer as one that
    does not exist. With a word beside it, Globex's ref read "Nothing found" while a ref of
    nobody's listed Beta's orders."""
    buyer = _buyer(desk)

    def seen(text):
        answer = ask(desk, text, viewer=buyer)
        return answer.kind, [o.ref for o in answer.orders]

    assert seen("SO-1050 for Beta") == seen("SO-9876 for Beta")
    assert seen("SO-1050") == seen("SO-9876") == (NO_MATCH, [])


@pytest.mark.parametrize("name, question", [
    ("Jan Kowalski Sp. z o.o.", "orders from Jan Kowalski"),
    ("Julio Fernández SL", "pedidos de Julio Fernández"),
    ("August Industries", "what did August Industries order"),
])
def test_a_customer_named_like_a_month_is_a_name_not_a_date(desk, name, question):
    """'Jan', 'Julio' and 'August' were read as months and the rest of the name searched alone
    ('nothing in January for Kowalski', or Stark Industries offered beside August's)."""
    from datetime import UTC, datetime

    from tests.support.desk import add_order
    with desk.write() as s:
        customer = Customer(code="NAMED", name=name, currency="USD", sales_rep_id=SALES1)
        s.add(customer)
        s.flush()
        add_order(s, "SO-2001", customer.id, datetime(2026, 11, 24, 10, tzinfo=UTC),
                  lines=[("WID-1042-BL", None, 1, 1250)])
    answer = ask(desk, question)
    assert answer.question.dates is None, answer.question.dates
    assert [o.ref for o in answer.orders] == ["SO-2001"], (answer.kind, answer.customers)


def test_a_month_beside_a_customer_name_is_still_a_month(desk):
    answer = ask(desk, "what did Initech order in August")
    assert answer.question.dates is not None and answer.question.dates.phrase == "in August"


def test_what_a_customer_ordered_lists_each_orders_items(desk):
    """The list could show items, but the store loaded the lines for a single order only."""
    answer = answer_question(desk, text="what did Initech order yesterday", user_id="U0PROC1",
                             role=Role.PROCESSOR, policy="status", now=NOW)
    assert len(answer.orders) == 2
    assert all(o.details is not None and o.details.lines for o in answer.orders)


def test_a_list_without_items_asked_stays_short(desk):
    answer = answer_question(desk, text="Initech orders yesterday", user_id="U0PROC1",
                             role=Role.PROCESSOR, policy="status", now=NOW)
    assert len(answer.orders) == 2 and all(o.details is None for o in answer.orders)


def test_a_spanish_asker_writes_the_day_first(desk):
    """'pedidos del 3/4' from a Spanish speaker is the 3rd of April; it was read as March 4."""
    from store.questions.parse import parse_question
    spanish = parse_question("pedidos del 3/4", now=NOW, day_first=True).dates
    english = parse_question("orders on 3/4", now=NOW).dates
    assert (spanish.start.month, spanish.start.day) == (4, 3)
    assert (english.start.month, english.start.day) == (3, 4)
    assert spanish.phrase.endswith("3/4")  # quoted as asked
    assert parse_question("pedidos del 25/12/2026", now=NOW, day_first=True).dates.start.day == 25
