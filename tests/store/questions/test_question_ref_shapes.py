"""Thread questions and follows with refs of any shape (issue 16, part 1)."""

import pytest

from store.enums import Role
from store.questions.answers import answer_question
from store.views.questions import CANDIDATES, FOLLOWED, ORDER, ORDERS, UNFOLLOWED, ThreadRef
from tests.support.desk import add_foreign_refs
from tests.support.threads_desk import NOW, build_threads_desk

PROCESSOR = "U0PROC1"
THREAD = ThreadRef("C0ORDERS", "1700000000.000100")


@pytest.fixture
def desk(db, frozen_clock):
    add_foreign_refs(db, build_threads_desk(db), today=NOW.date())
    return db


def ask(db, text, **kw):
    return answer_question(db, text=text, user_id=PROCESSOR, role=Role.PROCESSOR,
                           policy="status", now=NOW, **kw)


def refs(answer):
    return sorted(o.ref for o in answer.orders)


@pytest.mark.parametrize("text, ref", [
    ("is HX-2005 paid", "HX-2005"), ("is hx 2005 paid?", "HX-2005"),
    ("status of WEB-1001", "WEB-1001"), ("any news on SO12345", "SO12345"),
    ("where is 4500099999", "4500099999"), ("has #1001 shipped", "#1001"),
    # a Japanese keyboard's full-width refs, and Arabic-Indic digits
    ("is ＨＸ－２００５ paid", "HX-2005"), ("status of WEB-１００１", "WEB-1001"),
    ("where is ٤٥٠٠٠٩٩٩٩٩", "4500099999"),
])
def test_a_question_names_a_ref_of_any_shape(desk, text, ref):
    answer = ask(desk, text)
    assert answer.kind == ORDER and refs(answer) == [ref]


def test_several_refs_in_one_question_each_count(desk):
    answer = ask(desk, "HX-2001, web 1001 and SO-1042: shipped yet?")
    assert answer.kind == ORDERS
    assert refs(answer) == ["HX-2001", "SO-1042", "WEB-1001"]


def test_a_bare_number_two_refs_end_with_asks_which(desk):
    answer = ask(desk, "where is 1001")
    assert answer.kind == CANDIDATES and refs(answer) == ["#1001", "WEB-1001"]


def test_a_ref_typo_is_found_among_the_stored_refs(desk):
    answer = ask(desk, "is HX-2050 paid")  # HX-2005, two digits swapped
    assert refs(answer) == ["HX-2005"]
    assert "closest" in (answer.note or "")


def test_a_thread_follows_and_unfollows_a_ref_of_any_shape(desk):
    followed = ask(desk, "follow hx 2001", thread=THREAD)
    assert followed.kind == FOLLOWED and followed.refs == ("HX-2001",)
    stopped = ask(desk, "stop following HX2001", thread=THREAD)
    assert stopped.kind == UNFOLLOWED and stopped.refs == ("HX-2001",)
