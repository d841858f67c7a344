"""Reading a question: Slack markup out, commands, order keys, customer words, wants."""

from datetime import UTC, datetime

import pytest

from store.questions.parse import clean_text, parse_question
from store.views.questions import (
    ASK,
    BLOCKED,
    CANCELED,
    FOLLOW,
    HELP,
    ITEMS,
    LATE,
    OPEN,
    SHIPPED,
    STATUS,
    TRACKING,
    UNFOLLOW,
)

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def parse(text):
    return parse_question(text, now=NOW)


def keys(text):
    return [(k.kind, k.value) for k in parse(text).keys]


def test_slack_markup_becomes_plain_words():
    assert clean_text("<@U0BOT> where is <https://x.example/o/1|SO-1042> &amp; <#C1|orders>?") \
        == "where is SO-1042 & ?"
    assert clean_text("<mailto:a@b.example|a@b.example> <!here> hi") == "a@b.example hi"


@pytest.mark.parametrize("text, expected", [
    ("status of SO-1042?", [("ref", "so1042")]),
    ("so 1042 and SO#1043, #1044", [("ref", "so1042"), ("ref", "so1043"), ("number", "1044")]),
    ("where is order no. 1045", [("number", "1045")]),
    ("has PO 7781 shipped", [("po", "7781")]),
    ("Any update on P.O. 7781?", [("po", "7781")]),
    ("po number 4500012345", [("po", "4500012345")]),
    ("tracking for 1Z999AA10123456784", [("tracking", "1Z999AA10123456784")]),
    ("1z 999 aa1 01 2345 6784 where?", [("tracking", "1Z999AA10123456784")]),
    ("SO-1042's status", [("ref", "so1042")]),
    ("so-1O42 and so 1O43", [("ref", "so1042"), ("ref", "so1043")]),
    ("so long, solo", []),
    ("the 3 orders from acme", []),  # a small number is a quantity, not a ref
])
def test_order_keys_are_found_however_they_are_written(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize("text, words", [
    ("where's the Acme order from last week", "Acme"),
    ("what did Initech order yesterday", "Initech"),
    ("hey can you check on beta industrial supply pls", "beta industrial supply"),
    ("Globex's stuff", "Globex stuff"),
    ("3M order", "3M"),
    ("anything late for Jones, Reed and Johnson?", "Jones Reed and Johnson"),
    ("Bank of America orders", "Bank of America"),
    ("the acme and the", "acme"),
    ("status of SO-1042", ""),
])
def test_what_is_left_may_name_a_customer(text, words):
    assert parse(text).words == words


@pytest.mark.parametrize("text, wants", [
    ("anything late for Globex?", {LATE}),
    ("what's stuck or on hold", {BLOCKED}),
    ("open orders for acme", {OPEN}),
    ("any cancelled ones", {CANCELED}),
    ("has it shipped", {SHIPPED}),
    ("tracking please", {TRACKING}),
    ("any update?", {STATUS}),
    ("what did Globex order last week?", {ITEMS}),  # #15.10: the items, not only statuses
    ("which items did initech buy", {ITEMS}),
    ("thanks!", set()),
])
def test_intent_words_say_what_the_asker_wants(text, wants):
    assert parse(text).wants == wants


@pytest.mark.parametrize("text, command, key_count", [
    ("follow SO-1042", FOLLOW, 1),
    ("please watch so 1042 and 1043", FOLLOW, 2),
    ("let me know when PO 7781 ships", FOLLOW, 1),
    ("keep me posted on SO-1042", FOLLOW, 1),
    ("unfollow", UNFOLLOW, 0),
    ("stop following SO-1042", UNFOLLOW, 1),
    ("", HELP, 0),
    ("help", HELP, 0),
    ("what can you do?", HELP, 0),
    ("who follows SO-1042", ASK, 1),
])
def test_commands(text, command, key_count):
    question = parse(f"<@U0BOT> {text}")
    assert (question.command, len(question.keys)) == (command, key_count)


def test_my_accounts_scopes_to_the_askers_customers():
    question = parse("anything late for my accounts?")
    assert question.mine and question.filters == (LATE,) and question.words == ""


def test_a_date_is_never_read_as_an_order_number():
    question = parse("acme orders on Nov 20 and since 11/02")
    assert question.keys == () and question.dates.phrase == "Nov 20"
